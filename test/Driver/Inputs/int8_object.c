/* Runs an int8 object (cnnc MODEL --weights Q -o model.o) as a user would:
 * usage: int8_object WEIGHTS.f32 X.f32 BATCH Y.f32
 * WEIGHTS.f32 holds every parameter's float32 values end to end (Q's codes
 * times their scales, as `cnnc predict --weights Q` passes them), X.f32
 * BATCH images; Y.f32 gets the outputs. Raw little-endian float32 files. */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>

static float *readAll(const char *path, size_t count) {
  float *data = malloc(count * sizeof(float));
  FILE *f = fopen(path, "rb");
  if (!data || !f || fread(data, sizeof(float), count, f) != count) {
    fprintf(stderr, "cannot read %zu floats from %s\n", count, path);
    exit(1);
  }
  fclose(f);
  return data;
}

int main(int argc, char **argv) {
  if (argc != 5)
    return 2;
  int64_t batch = atoll(argv[3]);
  float *weights = readAll(argv[1], CNNC_WEIGHTS_BYTES / sizeof(float));
  float *x = readAll(argv[2], (size_t)batch * CNNC_INPUT_ELEMENTS_PER_IMAGE);
  const float *params[CNNC_NUM_PARAMS];
  const float *p = weights;
  for (int i = 0; i < CNNC_NUM_PARAMS; ++i) {
    params[i] = p;
    p += cnnc_param_elements[i];
  }
  size_t outCount = (size_t)batch * CNNC_OUTPUT_ELEMENTS_PER_IMAGE;
  float *y = malloc(outCount * sizeof(float));
  cnnc_forward(x, batch, params, y);
  FILE *f = fopen(argv[4], "wb");
  if (!f || fwrite(y, sizeof(float), outCount, f) != outCount)
    return 1;
  fclose(f);
  return 0;
}
