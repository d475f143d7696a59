/* Runs the object's forward pass once on a zero image with zero weights
 * and prints the first output: a program that reaches the model at all. */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>

int main(void) {
  float *image = calloc(CNNC_INPUT_ELEMENTS_PER_IMAGE, sizeof(float));
  float *output = calloc(CNNC_OUTPUT_ELEMENTS_PER_IMAGE, sizeof(float));
  const float *params[CNNC_NUM_PARAMS];
  for (int i = 0; i < CNNC_NUM_PARAMS; ++i)
    params[i] = calloc(cnnc_param_elements[i], sizeof(float));
  cnnc_forward(image, 1, params, output);
  printf("output[0] = %g\n", output[0]);
  return 0;
}
