//===- PeakMeasure.h - Run a peak loop on T threads, timed ------*- C++ -*-===//
//
// What cnnc-fma-peak, cnnc-bf16-peak and cnnc-int8-peak share: a clock,
// the harness that runs one arithmetic loop per thread until told to stop
// and turns the FLOPs they report into GFLOP/s, and the FP32 zmm FMA loop
// each measures (alone, or beside the bf16 or int8 one).
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_BENCH_PEAKMEASURE_H
#define CNNC_BENCH_PEAKMEASURE_H

#include <immintrin.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

namespace cnnc::bench {

inline double now() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// A loop that computes until `stop`, returns the floating-point operations
/// it did and stores a result in `sink` (so that it is not removed).
using PeakLoop = double (*)(std::atomic<bool> &stop, float &sink);

/// GFLOP/s of `threads` threads running `loop` together for `seconds`.
inline double measureGflops(PeakLoop loop, unsigned threads, double seconds) {
  std::atomic<bool> stop{false};
  std::vector<double> flops(threads);
  std::vector<float> sinks(threads);
  std::vector<std::thread> workers;
  double start = now();
  for (unsigned t = 0; t < threads; ++t)
    workers.emplace_back([&, t] { flops[t] = loop(stop, sinks[t]); });
  while (now() - start < seconds)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  stop = true;
  for (auto &w : workers)
    w.join();
  double elapsed = now() - start, total = 0;
  for (double f : flops)
    total += f;
  if (sinks[0] == 12345.0f) // never: keeps the loops from being removed
    std::puts("");
  return total / elapsed / 1e9;
}

/// FP32 FMAs on `Chains` independent zmm accumulators until `stop`, their
/// clock read every `Inner` FMAs per chain; returns the floating-point
/// operations (2 per lane per FMA). The operands keep the sums finite.
template <int Chains, long Inner = 1 << 14>
__attribute__((target("avx512f"))) double zmmFmaLoop(std::atomic<bool> &stop,
                                                     float &sink) {
  __m512 acc[Chains];
  for (int c = 0; c < Chains; ++c)
    acc[c] = _mm512_set1_ps(1.0f + c * 1e-3f);
  const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
  double flops = 0;
  while (!stop.load(std::memory_order_relaxed)) {
    for (long i = 0; i < Inner; ++i)
      for (int c = 0; c < Chains; ++c)
        acc[c] = _mm512_fmadd_ps(acc[c], a, b);
    flops += 2.0 * 16 * Chains * Inner;
  }
  __m512 sum = acc[0];
  for (int c = 1; c < Chains; ++c)
    sum = _mm512_add_ps(sum, acc[c]);
  sink = _mm512_reduce_add_ps(sum);
  return flops;
}

} // namespace cnnc::bench

#endif // CNNC_BENCH_PEAKMEASURE_H
