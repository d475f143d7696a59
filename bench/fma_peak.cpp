//===- fma_peak.cpp - This CPU's FP32 FMA peak, measured ------------------===//
//
//   cnnc-fma-peak [--threads T] [--seconds S]
//
// The yardstick of bench/: every "% of peak" is against what this machine's
// cores actually sustain, not a data-sheet figure (machines of one kind
// differ by 2x: turbo, SMT neighbours, one or two FMA ports). Each thread
// runs independent fused multiply-adds on the widest vectors the CPU has
// (zmm with AVX-512F, else ymm with FMA3), enough accumulators to cover the
// FMA latency on two ports, for S seconds (default 0.5) after a short
// warm-up that lets the clock settle. Prints a sentence, then one JSON line:
//   {"threads": T, "vector_bits": 512, "gflops": G, "gflops_per_thread": g}
//
//===----------------------------------------------------------------------===//

#include "PeakMeasure.h"

#include <immintrin.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

using cnnc::bench::measureGflops;

// 12 accumulators: 2 FMA ports x 4-cycle latency needs 8; 12 leaves slack
// for a 6-cycle part without running out of the 32 vector registers.
constexpr int kChains = 12;
constexpr long kInner = 1 << 16; // FMAs per chain between clock reads

/// The zmm loop: 2 floating-point operations per lane per FMA.
constexpr auto runZmm = cnnc::bench::zmmFmaLoop<kChains, kInner>;

__attribute__((target("avx2,fma"))) double runYmm(std::atomic<bool> &stop,
                                                  float &sink) {
  __m256 acc[kChains];
  for (int c = 0; c < kChains; ++c)
    acc[c] = _mm256_set1_ps(1.0f + c * 1e-3f);
  const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
  double flops = 0;
  while (!stop.load(std::memory_order_relaxed)) {
    for (long i = 0; i < kInner; ++i)
      for (int c = 0; c < kChains; ++c)
        acc[c] = _mm256_fmadd_ps(acc[c], a, b);
    flops += 2.0 * 8 * kChains * kInner;
  }
  float lanes[8];
  __m256 sum = acc[0];
  for (int c = 1; c < kChains; ++c)
    sum = _mm256_add_ps(sum, acc[c]);
  _mm256_storeu_ps(lanes, sum);
  sink = lanes[0];
  return flops;
}

} // namespace

int main(int argc, char **argv) {
  unsigned threads = 2;
  double seconds = 0.5;
  for (int i = 1; i < argc; i += 2) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::puts("usage: cnnc-fma-peak [--threads T] [--seconds S]\n"
                "Measures this CPU's FP32 FMA peak on T threads (2).");
      return 0;
    }
    char *end = nullptr;
    double value = i + 1 < argc ? std::strtod(argv[i + 1], &end) : 0;
    if (i + 1 >= argc || *end || !(value > 0) || value > 4096 ||
        (arg != "--threads" && arg != "--seconds")) {
      std::fprintf(stderr, "cnnc-fma-peak: error: bad option '%s'\n",
                   arg.c_str());
      return 1;
    }
    if (arg == "--threads")
      threads = unsigned(value);
    else
      seconds = value;
  }
  __builtin_cpu_init();
  bool zmm = __builtin_cpu_supports("avx512f");
  if (!zmm &&
      !(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))) {
    std::fprintf(stderr, "cnnc-fma-peak: error: this CPU has no FMA3\n");
    return 1;
  }
  cnnc::bench::PeakLoop loop = zmm ? runZmm : runYmm;
  measureGflops(loop, threads, 0.2); // warm-up: let the clock settle
  double gflops = measureGflops(loop, threads, seconds);
  std::printf("FP32 FMA peak: %.1f GFLOP/s on %u threads (%d-bit vectors)\n",
              gflops, threads, zmm ? 512 : 256);
  std::printf("{\"threads\": %u, \"vector_bits\": %d, \"gflops\": %.1f, "
              "\"gflops_per_thread\": %.1f}\n",
              threads, zmm ? 512 : 256, gflops, gflops / threads);
  return 0;
}
