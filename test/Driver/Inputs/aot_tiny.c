/* The hand-computable model (tiny_model.py) through its AOT object:
 *   Conv2D(2, 3x3, relu) on 4x4x1 -> AveragePooling2D(2) -> Flatten -> Dense(2)
 * Image 0 is x[r][c] = 4r + c (0 .. 15), image 1 is all zeros.
 *
 * "initializers": the model's own constant weights (kernel 1, conv bias -50,
 * dense kernel 0.5, dense bias 0.125), as `cnnc predict` uses them. A 3x3
 * window of image 0 at (i, j) sums to 36i + 9j + 45, so the convolution is
 * [[45, 54], [81, 90]] - 50 = [[-5, 4], [31, 40]]; relu gives
 * [[0, 4], [31, 40]]; the average is 18.75 for both filters; the dense
 * layer gives 0.5 * 18.75 * 2 + 0.125 = 18.875 for both units. Image 1:
 * relu(-50) = 0, so both units are the bias, 0.125.
 *
 * "distinct": weights that tell layouts apart. Filter 0 has 1 everywhere
 * but 2 at its top-left tap (K[0][0][0][0], HWCF), bias -50: a correlation
 * adds x[i][j] once more, [[45, 55], [85, 95]] - 50 -> relu [[0, 5], [35,
 * 45]], average 21.25 (a flipped kernel would give 30). Filter 1 is -1
 * everywhere, bias 100: [[55, 46], [19, 10]], average 32.5. Dense kernel
 * (in, units) = [[0.5, 1], [0.25, -1]], bias [0.125, 0]:
 *   unit 0 = 21.25 * 0.5 + 32.5 * 0.25 + 0.125 = 18.875
 *   unit 1 = 21.25 - 32.5 = -11.25
 * Image 1: filter 0 is relu(-50) = 0, filter 1 is 100:
 *   unit 0 = 100 * 0.25 + 0.125 = 25.125, unit 1 = -100.
 * Every value is exact in float32, so the output is printed exactly.
 */
#include "model.h"

#include <stdio.h>

_Static_assert(CNNC_INPUT_ELEMENTS_PER_IMAGE == 16, "4x4x1 input");
_Static_assert(CNNC_OUTPUT_ELEMENTS_PER_IMAGE == 2, "Dense(2) output");
_Static_assert(CNNC_NUM_PARAMS == 4,
               "conv kernel, conv bias, dense kernel, dense bias");

static void run(const char *name, const float *const *params) {
  float input[2 * 16] = {0};
  for (int i = 0; i < 16; ++i)
    input[i] = (float)i;
  float output[2 * 2];
  cnnc_forward(input, 2, params, output);
  for (int n = 0; n < 2; ++n)
    printf("%s image %d: %g %g\n", name, n, output[2 * n], output[2 * n + 1]);
}

int main(void) {
  float convKernel[3 * 3 * 1 * 2], convBias[2], denseKernel[2 * 2],
      denseBias[2];

  for (int i = 0; i < 18; ++i)
    convKernel[i] = 1.0f;
  convBias[0] = convBias[1] = -50.0f;
  for (int i = 0; i < 4; ++i)
    denseKernel[i] = 0.5f;
  denseBias[0] = denseBias[1] = 0.125f;
  const float *initial[] = {convKernel, convBias, denseKernel, denseBias};
  run("initializers", initial);

  /* HWCF: K[p][q][0][f] is at (p * 3 + q) * 2 + f. */
  for (int tap = 0; tap < 9; ++tap) {
    convKernel[tap * 2 + 0] = tap == 0 ? 2.0f : 1.0f;
    convKernel[tap * 2 + 1] = -1.0f;
  }
  convBias[0] = -50.0f;
  convBias[1] = 100.0f;
  /* (in, units), row-major. */
  denseKernel[0] = 0.5f;
  denseKernel[1] = 1.0f;
  denseKernel[2] = 0.25f;
  denseKernel[3] = -1.0f;
  denseBias[0] = 0.125f;
  denseBias[1] = 0.0f;
  const float *distinct[] = {convKernel, convBias, denseKernel, denseBias};
  run("distinct", distinct);
  return 0;
}
