//===- PeakMeasure.h - Run a peak loop on T threads, timed ------*- C++ -*-===//
//
// What cnnc-fma-peak and cnnc-bf16-peak share: a clock, and the harness
// that runs one arithmetic loop per thread until told to stop and turns the
// FLOPs they report into GFLOP/s.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_BENCH_PEAKMEASURE_H
#define CNNC_BENCH_PEAKMEASURE_H

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

} // namespace cnnc::bench

#endif // CNNC_BENCH_PEAKMEASURE_H
