/* A model of two inputs (two_inputs.json) through its AOT object:
 *   image (2, 2, 1) -> Flatten                 -> 4 values
 *   aux (3)         -> Dense(2) "aux_dense"     -> 2 values
 *   Concatenate([flatten, aux_dense]) -> Dense(2) "dense"
 * Sample 0: image [1, 2, 3, 4], aux [1, 0, 2]. aux_dense's kernel (in,
 * units) is [[1, 0], [0, 1], [1, 1]], bias [0.5, -1]: [1 + 2 + 0.5,
 * 0 + 2 - 1] = [3.5, 1]. The concatenation is [1, 2, 3, 4, 3.5, 1]; dense's
 * kernel column 0 is all ones, column 1 [1, -1, 0, 0, 2, 0], bias
 * [0, 0.25]: [14.5, 1 - 2 + 7 + 0.25] = [14.5, 6.25]. Sample 1 is all
 * zeros: the biases through dense, [0.5 - 1, 2 * 0.5 + 0.25] = [-0.5, 1.25]
 * (aux_dense gives its bias [0.5, -1]). Every value is exact in float32.
 *
 * Then: the inputs given the other way round give other numbers (the
 * order matters and is the header's), cnnc_forward_inputs and
 * cnnc_forward_ws (a workspace of cnnc_workspace_bytes) give the same
 * output bit for bit, and a batch of one equals the first row of two.
 */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(CNNC_NUM_INPUTS == 2, "image and aux");
_Static_assert(CNNC_INPUT_ELEMENTS_PER_IMAGE_0 == 4, "image (2, 2, 1)");
_Static_assert(CNNC_INPUT_ELEMENTS_PER_IMAGE_1 == 3, "aux (3)");
_Static_assert(CNNC_OUTPUT_ELEMENTS_PER_IMAGE == 2, "Dense(2)");
_Static_assert(CNNC_NUM_PARAMS == 4, "aux_dense and dense, kernel and bias");

int main(void) {
  float auxKernel[3 * 2] = {1, 0, 0, 1, 1, 1}, auxBias[2] = {0.5f, -1};
  float kernel[6 * 2] = {1, 1, 1, -1, 1, 0, 1, 0, 1, 2, 1, 0};
  float bias[2] = {0, 0.25f};
  const float *params[CNNC_NUM_PARAMS] = {auxKernel, auxBias, kernel, bias};
  for (int i = 0; i < CNNC_NUM_PARAMS; ++i)
    if (cnnc_param_elements[i] != (int64_t[]){6, 2, 12, 2}[i]) {
      printf("FAIL: cnnc_param_elements[%d] = %lld\n", i,
             (long long)cnnc_param_elements[i]);
      return 1;
    }

  float image[2 * 4] = {1, 2, 3, 4, 0, 0, 0, 0};
  float aux[2 * 3] = {1, 0, 2, 0, 0, 0};
  float output[2 * 2];
  cnnc_forward(image, aux, 2, params, output);
  for (int n = 0; n < 2; ++n)
    printf("sample %d: %g %g\n", n, output[2 * n], output[2 * n + 1]);

  /* The other order reads aux's floats as the image and the image's as
   * aux: [1, 0, 2, 0] and [1, 2, 3] -> aux_dense [4.5, 4],
   * dense [1 + 2 + 4.5 + 4, 1 + 9 + 0.25] = [11.5, 10.25]. */
  float swapped[2 * 2];
  cnnc_forward(aux, image, 1, params, swapped);
  printf("swapped sample 0: %g %g\n", swapped[0], swapped[1]);

  const float *inputs[CNNC_NUM_INPUTS] = {image, aux};
  float viaArray[2 * 2];
  cnnc_forward_inputs(inputs, 2, params, viaArray);
  printf("cnnc_forward_inputs equals cnnc_forward: %s\n",
         memcmp(viaArray, output, sizeof output) ? "FAIL" : "ok");

  size_t bytes = cnnc_workspace_bytes(2);
  void *workspace = aligned_alloc(64, (bytes + 63) / 64 * 64 + 64);
  float viaWorkspace[2 * 2];
  cnnc_forward_ws(image, aux, 2, params, viaWorkspace, workspace);
  free(workspace);
  printf("cnnc_forward_ws equals cnnc_forward: %s\n",
         memcmp(viaWorkspace, output, sizeof output) ? "FAIL" : "ok");

  float one[2];
  cnnc_forward(image, aux, 1, params, one);
  printf("batch 1 equals its row of batch 2: %s\n",
         memcmp(one, output, sizeof one) ? "FAIL" : "ok");
  return 0;
}
