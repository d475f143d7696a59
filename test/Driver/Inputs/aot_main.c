/* A C program using an AOT-compiled lesson model through model.h only.
 *
 * The weights are deterministic but arbitrary (a fixed LCG), so the checks
 * are properties that hold for any weights:
 *   - every output is finite and each softmax row sums to 1 (within 1e-5);
 *   - an image gives the same row alone (batch 1) as inside a batch of 3,
 *     and at any position in the batch;
 *   - cnnc_forward writes exactly batch * CNNC_OUTPUT_ELEMENTS_PER_IMAGE
 *     floats and leaves its inputs alone; batch 0 writes nothing;
 *   - a batch of 100 gives the same rows (stack use does not grow with the
 *     batch);
 *   - two threads on two halves of a batch give the serial result (the
 *     header promises the function keeps no state).
 * Each check prints one line; a failure prints FAIL and exits 1.
 */
#include "model.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  IN = CNNC_INPUT_ELEMENTS_PER_IMAGE,
  OUT = CNNC_OUTPUT_ELEMENTS_PER_IMAGE
};

/* The lesson's parameter sizes, in header order (params[0..7]), and the
 * Glorot-uniform limit sqrt(6 / (fan_in + fan_out)) of each kernel (biases
 * get 0.1), so that activations stay in a sensible range. */
static const size_t kParamSizes[] = {3 * 3 * 1 * 32, 32,  3 * 3 * 32 * 32, 32,
                                     800 * 128,      128, 128 * 10,        10};
static const float kLimits[] = {0.41f, 0.1f, 0.10f, 0.1f,
                                0.08f, 0.1f, 0.21f, 0.1f};
#define NUM_PARAMS (sizeof kParamSizes / sizeof kParamSizes[0])
_Static_assert(NUM_PARAMS == CNNC_NUM_PARAMS, "the lesson has 8 parameters");

static const float *params[NUM_PARAMS];

/* A fixed LCG: the same weights on every machine. */
static unsigned state = 12345;
static float uniform(float limit) {
  state = state * 1664525u + 1013904223u;
  return limit * (2.0f * (float)(state >> 8) / 16777216.0f - 1.0f);
}

static void fail(const char *what) {
  printf("FAIL: %s\n", what);
  exit(1);
}

static void fillImage(float *image, int seed) {
  for (int i = 0; i < IN; ++i)
    image[i] = 0.5f + 0.5f * sinf(0.05f * (float)i + 1.7f * (float)seed);
}

struct Slice {
  const float *input;
  int64_t batch;
  float *output;
};

static void *runSlice(void *arg) {
  struct Slice *s = arg;
  cnnc_forward(s->input, s->batch, params, s->output);
  return NULL;
}

int main(void) {
  for (size_t p = 0; p < NUM_PARAMS; ++p) {
    float *values = malloc(kParamSizes[p] * sizeof(float));
    for (size_t i = 0; i < kParamSizes[p]; ++i)
      values[i] = uniform(kLimits[p]);
    params[p] = values;
  }

  /* Three different images, and a guard after the output. */
  enum { BATCH = 3, GUARD = 16 };
  float input[BATCH * IN], inputCopy[BATCH * IN];
  for (int n = 0; n < BATCH; ++n)
    fillImage(input + n * IN, n);
  memcpy(inputCopy, input, sizeof input);
  float output[BATCH * OUT + GUARD];
  for (int i = 0; i < BATCH * OUT + GUARD; ++i)
    output[i] = -12345.0f;

  cnnc_forward(input, BATCH, params, output);
  for (int n = 0; n < BATCH; ++n) {
    printf("image %d:", n);
    for (int k = 0; k < OUT; ++k)
      printf(" %.4f", output[n * OUT + k]);
    printf("\n");
  }

  double worst = 0;
  for (int n = 0; n < BATCH; ++n) {
    double sum = 0;
    for (int k = 0; k < OUT; ++k) {
      float v = output[n * OUT + k];
      if (!isfinite(v) || v < 0 || v > 1)
        fail("an output is not a probability");
      sum += v;
    }
    if (fabs(sum - 1) > worst)
      worst = fabs(sum - 1);
  }
  if (worst > 1e-5)
    fail("a softmax row does not sum to 1");
  printf("softmax rows sum to 1: ok\n");

  for (int i = BATCH * OUT; i < BATCH * OUT + GUARD; ++i)
    if (output[i] != -12345.0f)
      fail("wrote past batch * CNNC_OUTPUT_ELEMENTS_PER_IMAGE");
  if (memcmp(input, inputCopy, sizeof input) != 0)
    fail("the input was modified");
  printf("writes exactly the batch's outputs, input untouched: ok\n");

  /* Different images must give different rows, or the input was ignored. */
  if (memcmp(output, output + OUT, OUT * sizeof(float)) == 0)
    fail("images 0 and 1 give the same output");

  /* Each image alone (batch 1) gives its row of the batch of 3. */
  for (int n = 0; n < BATCH; ++n) {
    float single[OUT];
    cnnc_forward(input + n * IN, 1, params, single);
    for (int k = 0; k < OUT; ++k)
      if (fabsf(single[k] - output[n * OUT + k]) > 1e-6f)
        fail("batch 1 and batch 3 disagree");
  }
  printf("batch 1 equals its row of batch 3: ok\n");

  /* A large batch: images 0, 1, 2 again first, then others. */
  enum { LARGE = 100 };
  float *large = malloc(LARGE * IN * sizeof(float));
  float *largeOut = malloc(LARGE * OUT * sizeof(float));
  for (int n = 0; n < LARGE; ++n)
    fillImage(large + n * IN, n);
  cnnc_forward(large, LARGE, params, largeOut);
  for (int i = 0; i < BATCH * OUT; ++i)
    if (fabsf(largeOut[i] - output[i]) > 1e-6f)
      fail("batch 100 and batch 3 disagree");
  printf("batch 100 equals batch 3 on its first rows: ok\n");

  /* Batch 0 writes nothing. */
  float untouched[OUT];
  for (int k = 0; k < OUT; ++k)
    untouched[k] = -1.0f;
  cnnc_forward(input, 0, params, untouched);
  for (int k = 0; k < OUT; ++k)
    if (untouched[k] != -1.0f)
      fail("batch 0 wrote an output");
  printf("batch 0 writes nothing: ok\n");

  /* Two threads at once on two slices of a batch of 8. */
  enum { BIG = 8 };
  float *big = malloc(BIG * IN * sizeof(float));
  float *serial = malloc(BIG * OUT * sizeof(float));
  float *parallel = malloc(BIG * OUT * sizeof(float));
  for (int n = 0; n < BIG; ++n)
    fillImage(big + n * IN, 10 + n);
  cnnc_forward(big, BIG, params, serial);
  struct Slice halves[2] = {{big, 3, parallel},
                            {big + 3 * IN, BIG - 3, parallel + 3 * OUT}};
  pthread_t threads[2];
  for (int t = 0; t < 2; ++t)
    if (pthread_create(&threads[t], NULL, runSlice, &halves[t]) != 0)
      fail("pthread_create");
  for (int t = 0; t < 2; ++t)
    pthread_join(threads[t], NULL);
  for (int i = 0; i < BIG * OUT; ++i)
    if (fabsf(serial[i] - parallel[i]) > 1e-6f)
      fail("two threads disagree with one");
  printf("two threads on two slices equal one call: ok\n");
  return 0;
}
