//===- int8_peak.cpp - This CPU's int8 dot-product peak, measured ---------===//
//
//   cnnc-int8-peak [--threads T] [--seconds S] [--chains 12|24]
//
// The yardstick of `--precision int8` (issue 21): AVX512-VNNI's vpdpbusd
// does 64 uint8 x int8 multiply-adds per instruction, four times an FP32
// zmm FMA's 16, but whether it issues as often as the FMA depends on the
// core (vdpbf16ps issues at a quarter of the FMA's rate here:
// bf16_peak.cpp). Measured as bf16_peak.cpp measures it: independent
// accumulator chains per thread for S seconds (default 0.5) after a
// warm-up, the FP32 FMA loop beside it. Counts a multiply-add as 2 ops,
// as the FMA's FLOP do. Prints a sentence, then one JSON line:
//   {"threads": T, "chains": C, "int8_gops": G, "fp32_gflops": F}
// A CPU without AVX512-VNNI is one error line and exit 1.
//
//===----------------------------------------------------------------------===//

#include "PeakMeasure.h"

#include <immintrin.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

using cnnc::bench::measureGflops;
using cnnc::bench::zmmFmaLoop;
using Loop = cnnc::bench::PeakLoop;

constexpr long kInner = 1 << 14;

template <int Chains>
__attribute__((target("avx512f,avx512vnni"))) double
runInt8(std::atomic<bool> &stop, float &sink) {
  __m512i acc[Chains];
  for (int c = 0; c < Chains; ++c)
    acc[c] = _mm512_set1_epi32(c);
  // Bytes 1 by 1: each instruction adds 4 per lane; i32 wraps, harmlessly.
  const __m512i a = _mm512_set1_epi8(1), b = _mm512_set1_epi8(1);
  double ops = 0;
  while (!stop.load(std::memory_order_relaxed)) {
    for (long i = 0; i < kInner; ++i)
      for (int c = 0; c < Chains; ++c)
        acc[c] = _mm512_dpbusd_epi32(acc[c], a, b);
    ops += 2.0 * 64 * Chains * kInner;
  }
  __m512i sum = acc[0];
  for (int c = 1; c < Chains; ++c)
    sum = _mm512_add_epi32(sum, acc[c]);
  sink = float(_mm512_reduce_add_epi32(sum));
  return ops;
}

} // namespace

int main(int argc, char **argv) {
  unsigned threads = 2;
  double seconds = 0.5;
  int chains = 24;
  for (int i = 1; i < argc; i += 2) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::puts("usage: cnnc-int8-peak [--threads T] [--seconds S] "
                "[--chains 12|24]\n"
                "Measures this CPU's vpdpbusd peak on T threads (2), with "
                "the FP32 FMA loop beside it.");
      return 0;
    }
    char *end = nullptr;
    double value = i + 1 < argc ? std::strtod(argv[i + 1], &end) : 0;
    if (i + 1 >= argc || *end || !(value > 0) || value > 4096 ||
        (arg != "--threads" && arg != "--seconds" && arg != "--chains") ||
        (arg == "--chains" && value != 12 && value != 24)) {
      std::fprintf(stderr, "cnnc-int8-peak: error: bad option '%s'\n",
                   arg.c_str());
      return 1;
    }
    if (arg == "--threads")
      threads = unsigned(value);
    else if (arg == "--chains")
      chains = int(value);
    else
      seconds = value;
  }
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx512vnni")) {
    std::fprintf(stderr, "cnnc-int8-peak: error: this CPU has no "
                         "AVX512-VNNI (vpdpbusd)\n");
    return 1;
  }
  Loop int8 = chains == 12 ? runInt8<12> : runInt8<24>;
  Loop fp32 = chains == 12 ? zmmFmaLoop<12> : zmmFmaLoop<24>;
  measureGflops(int8, threads, 0.2); // warm-up: let the clock settle
  double int8Gops = measureGflops(int8, threads, seconds);
  double fp32Gflops = measureGflops(fp32, threads, seconds);
  std::printf("int8 dot peak: %.1f GOP/s on %u threads (%d chains of "
              "vpdpbusd); FP32 FMA beside it: %.1f GFLOP/s (%.2fx)\n",
              int8Gops, threads, chains, fp32Gflops, int8Gops / fp32Gflops);
  std::printf("{\"threads\": %u, \"chains\": %d, \"int8_gops\": %.1f, "
              "\"fp32_gflops\": %.1f}\n",
              threads, chains, int8Gops, fp32Gflops);
  return 0;
}
