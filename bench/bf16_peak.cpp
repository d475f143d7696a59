//===- bf16_peak.cpp - This CPU's bf16 dot-product peak, measured ---------===//
//
//   cnnc-bf16-peak [--threads T] [--seconds S] [--chains C]
//
// The yardstick of `--precision bf16`: vdpbf16ps (AVX512-BF16) does 32
// multiply-adds per instruction (64 FLOP), twice an FP32 zmm FMA's, but
// whether it runs as often as the FMA depends on the core. This measures
// it as bench/fma_peak.cpp measures the FMA: independent accumulator
// chains per thread for S seconds (default 0.5) after a warm-up, and the
// FP32 FMA loop beside it with the same chains, so the two figures come
// from the same moment of a shared machine. Prints a sentence, then one
// JSON line:
//   {"threads": T, "chains": C, "bf16_gflops": G, "fp32_gflops": F}
// A CPU without AVX512-BF16 is one error line and exit 1.
//
//===----------------------------------------------------------------------===//

#include "PeakMeasure.h"

#include <immintrin.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

using cnnc::bench::measureGflops;
using cnnc::bench::zmmFmaLoop;
using Loop = cnnc::bench::PeakLoop;

constexpr int kMaxChains = 28; // of the 32 zmm registers; 2 hold operands
constexpr long kInner = 1 << 14;

template <int Chains>
__attribute__((target("avx512f,avx512bf16"))) double
runBf16(std::atomic<bool> &stop, float &sink) {
  __m512 acc[Chains];
  for (int c = 0; c < Chains; ++c)
    acc[c] = _mm512_set1_ps(1.0f + c * 1e-3f);
  // 1.0 and 2^-24 in bf16: the sums stay finite however long it runs.
  const __m512bh a = (__m512bh)_mm512_set1_epi16(0x3f80);
  const __m512bh b = (__m512bh)_mm512_set1_epi16(0x3380);
  double flops = 0;
  while (!stop.load(std::memory_order_relaxed)) {
    for (long i = 0; i < kInner; ++i)
      for (int c = 0; c < Chains; ++c)
        acc[c] = _mm512_dpbf16_ps(acc[c], a, b);
    flops += 2.0 * 32 * Chains * kInner;
  }
  __m512 sum = acc[0];
  for (int c = 1; c < Chains; ++c)
    sum = _mm512_add_ps(sum, acc[c]);
  sink = _mm512_reduce_add_ps(sum);
  return flops;
}

/// The loops for `chains` accumulators (the counts the command takes).
std::pair<Loop, Loop> loops(int chains) {
  switch (chains) {
  case 8:
    return {runBf16<8>, zmmFmaLoop<8>};
  case 12:
    return {runBf16<12>, zmmFmaLoop<12>};
  case 16:
    return {runBf16<16>, zmmFmaLoop<16>};
  case 20:
    return {runBf16<20>, zmmFmaLoop<20>};
  case 24:
    return {runBf16<24>, zmmFmaLoop<24>};
  default:
    return {runBf16<kMaxChains>, zmmFmaLoop<kMaxChains>};
  }
}

} // namespace

int main(int argc, char **argv) {
  unsigned threads = 2;
  double seconds = 0.5;
  int chains = 24;
  for (int i = 1; i < argc; i += 2) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::puts("usage: cnnc-bf16-peak [--threads T] [--seconds S] "
                "[--chains 8|12|16|20|24|28]\n"
                "Measures this CPU's vdpbf16ps peak on T threads (2), with "
                "the FP32 FMA loop beside it.");
      return 0;
    }
    char *end = nullptr;
    double value = i + 1 < argc ? std::strtod(argv[i + 1], &end) : 0;
    bool chainCount = value == 8 || value == 12 || value == 16 || value == 20 ||
                      value == 24 || value == 28;
    if (i + 1 >= argc || *end || !(value > 0) || value > 4096 ||
        (arg != "--threads" && arg != "--seconds" && arg != "--chains") ||
        (arg == "--chains" && !chainCount)) {
      std::fprintf(stderr, "cnnc-bf16-peak: error: bad option '%s'\n",
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
  if (!__builtin_cpu_supports("avx512bf16")) {
    std::fprintf(stderr, "cnnc-bf16-peak: error: this CPU has no "
                         "AVX512-BF16 (vdpbf16ps)\n");
    return 1;
  }
  auto [bf16, fp32] = loops(chains);
  measureGflops(bf16, threads, 0.2); // warm-up: let the clock settle
  double bf16Gflops = measureGflops(bf16, threads, seconds);
  double fp32Gflops = measureGflops(fp32, threads, seconds);
  std::printf("bf16 dot peak: %.1f GFLOP/s on %u threads (%d chains of "
              "vdpbf16ps); FP32 FMA beside it: %.1f GFLOP/s (%.2fx)\n",
              bf16Gflops, threads, chains, fp32Gflops, bf16Gflops / fp32Gflops);
  std::printf("{\"threads\": %u, \"chains\": %d, \"bf16_gflops\": %.1f, "
              "\"fp32_gflops\": %.1f}\n",
              threads, chains, bf16Gflops, fp32Gflops);
  return 0;
}
