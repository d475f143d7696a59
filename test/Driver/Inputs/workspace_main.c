/* A C program running an AOT-compiled model through model.h's
 * allocation-free entry point, cnnc_forward_ws.
 *
 *   workspace_main exact BATCH...   check each batch (below), print a line
 *   workspace_main short BATCH      one call with a workspace one cache line
 *                                   shorter than cnnc_workspace_bytes says,
 *                                   its end against an unmapped page: the
 *                                   model's code must fault
 *
 * For each batch of `exact`:
 *   - cnnc_forward_ws gives cnnc_forward's output bit for bit, on three
 *     calls in a row with the same workspace (garbage from the call before
 *     is harmless);
 *   - those calls allocate nothing: this program defines malloc, calloc,
 *     realloc, free, posix_memalign, aligned_alloc, memalign and valloc
 *     (on glibc's __libc_* functions) and counts the calls made while a
 *     cnnc_forward_ws runs; cnnc_forward, which allocates its workspace,
 *     must be seen to allocate, or the counter counts nothing;
 *   - the workspace is exactly cnnc_workspace_bytes(batch) bytes, placed
 *     once with its end against an unmapped page and once with its start
 *     just after one: the model's code is not compiled with AddressSanitizer,
 *     so only the MMU sees it read or write outside the workspace.
 * The weights come from cnnc_param_elements and CNNC_WEIGHTS_BYTES alone.
 * Built with -fsanitize=address the interposer is left out (ASan has its
 * own malloc) and AddressSanitizer checks this program's side.
 */
#define _GNU_SOURCE
#include "model.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

static long allocations;
static int counting;

#ifndef UNDER_ASAN
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

static void count(void) {
  if (counting)
    ++allocations;
}
void *malloc(size_t size) {
  count();
  return __libc_malloc(size);
}
void *calloc(size_t n, size_t size) {
  count();
  return __libc_calloc(n, size);
}
void *realloc(void *p, size_t size) {
  count();
  return __libc_realloc(p, size);
}
void free(void *p) {
  count();
  __libc_free(p);
}
int posix_memalign(void **out, size_t alignment, size_t size) {
  count();
  *out = __libc_memalign(alignment, size);
  return *out ? 0 : 12; /* ENOMEM */
}
void *aligned_alloc(size_t alignment, size_t size) {
  count();
  return __libc_memalign(alignment, size);
}
void *memalign(size_t alignment, size_t size) {
  count();
  return __libc_memalign(alignment, size);
}
void *valloc(size_t size) {
  count();
  return __libc_memalign(4096, size);
}
#endif

static void fail(const char *what) {
  printf("FAIL: %s\n", what);
  exit(1);
}

/* A fixed LCG: the same weights and images on every machine. */
static unsigned state = 2024;
static float uniform(float limit) {
  state = state * 1664525u + 1013904223u;
  return limit * (2.0f * (float)(state >> 8) / 16777216.0f - 1.0f);
}

/* `bytes` bytes whose end (atEnd) or start abuts a page with no access. */
struct Placed {
  void *mapping;
  size_t mapped;
  void *workspace;
};

static struct Placed place(size_t bytes, int atEnd) {
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  size_t pages = (bytes + page - 1) / page;
  struct Placed p;
  p.mapped = (pages + 2) * page;
  p.mapping = mmap(NULL, p.mapped, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p.mapping == MAP_FAILED)
    fail("mmap");
  char *base = p.mapping;
  if (mprotect(base, page, PROT_NONE) != 0 ||
      mprotect(base + (pages + 1) * page, page, PROT_NONE) != 0)
    fail("mprotect");
  /* bytes is a multiple of 64, so both placements are 64-byte aligned. */
  p.workspace = atEnd ? base + (pages + 1) * page - bytes : base + page;
  return p;
}

static const float *params[CNNC_NUM_PARAMS];

int main(int argc, char **argv) {
  if (argc < 3)
    fail("usage: workspace_main exact|short BATCH...");
  int64_t total = 0;
  for (int p = 0; p < CNNC_NUM_PARAMS; ++p) {
    float *values = malloc((size_t)cnnc_param_elements[p] * sizeof(float));
    for (int64_t i = 0; i < cnnc_param_elements[p]; ++i)
      values[i] = uniform(0.2f);
    params[p] = values;
    total += cnnc_param_elements[p];
  }
  if (total * (int64_t)sizeof(float) != CNNC_WEIGHTS_BYTES)
    fail("CNNC_WEIGHTS_BYTES is not 4 * the sum of cnnc_param_elements");

  int shortRun = strcmp(argv[1], "short") == 0;
  for (int a = 2; a < argc; ++a) {
    int64_t batch = atoll(argv[a]);
    size_t bytes = cnnc_workspace_bytes(batch);
    if (bytes % 64 != 0)
      fail("the workspace is not a whole number of cache lines");
    size_t in = (size_t)batch * CNNC_INPUT_ELEMENTS_PER_IMAGE;
    size_t out = (size_t)batch * CNNC_OUTPUT_ELEMENTS_PER_IMAGE;
    float *input = malloc(in * sizeof(float) + 1);
    float *expected = malloc(out * sizeof(float) + 1);
    float *got = malloc(out * sizeof(float) + 1);
    for (size_t i = 0; i < in; ++i)
      input[i] = 0.5f + 0.5f * sinf(0.01f * (float)i);

    if (shortRun) {
      struct Placed p = place(bytes - 64, 1);
      printf("batch %lld: a workspace of %zu bytes, 64 short\n",
             (long long)batch, bytes - 64);
      fflush(stdout);
      cnnc_forward_ws(input, batch, params, got, p.workspace);
      fail("a workspace one cache line short went unnoticed");
    }

    allocations = 0;
    counting = 1;
    cnnc_forward(input, batch, params, expected);
    counting = 0;
#ifndef UNDER_ASAN
    if (allocations == 0)
      fail("cnnc_forward allocated nothing: the counter does not count");
#endif

    long wsAllocations = 0;
    for (int atEnd = 0; atEnd < 2; ++atEnd) {
      struct Placed p = place(bytes, atEnd);
      for (int call = 0; call < 3; ++call) {
        memset(got, 0xff, out * sizeof(float));
        allocations = 0;
        counting = 1;
        cnnc_forward_ws(input, batch, params, got, p.workspace);
        counting = 0;
        wsAllocations += allocations;
        if (memcmp(got, expected, out * sizeof(float)) != 0)
          fail("cnnc_forward_ws and cnnc_forward disagree");
      }
      munmap(p.mapping, p.mapped);
    }
    printf("batch %lld: workspace %zu bytes; 6 calls of cnnc_forward_ws "
           "equal cnnc_forward bit for bit",
           (long long)batch, bytes);
#ifdef UNDER_ASAN
    (void)wsAllocations;
    printf(" (allocations not counted under ASan)\n");
#else
    printf(", %ld allocations\n", wsAllocations);
#endif
    free(input);
    free(expected);
    free(got);
  }
  return 0;
}
