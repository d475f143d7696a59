//===- WorkerPool.cpp - A fixed set of threads running one job at a time --===//

#include "runtime/support/WorkerPool.h"

#include <algorithm>
#include <chrono>

#include <sched.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

using namespace cnnc;

unsigned WorkerPool::availableCores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
    return static_cast<unsigned>(CPU_COUNT(&set));
  unsigned n = std::thread::hardware_concurrency();
  return n ? n : 1;
}

WorkerPool::WorkerPool(unsigned threadCount)
    : workerCount(threadCount ? threadCount : availableCores()),
      spins(workerCount <= availableCores()) {
  for (unsigned i = 1; i < workerCount; ++i)
    threads.emplace_back([this, i] { loop(i); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping = true;
  }
  wake.notify_all();
  for (std::thread &t : threads)
    t.join();
}

template <typename Ready> bool WorkerPool::spinUntil(Ready ready) {
  // Longer than the serial work between two jobs (a batch's gather), much
  // shorter than a step.
  constexpr auto kSpin = std::chrono::microseconds(200);
  auto start = std::chrono::steady_clock::now();
  for (unsigned i = 1;; ++i) {
    if (ready())
      return true;
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#endif
    if (i % 64 == 0 && std::chrono::steady_clock::now() - start > kSpin)
      return ready();
  }
}

void WorkerPool::loop(unsigned index) {
  uint64_t seen = 0;
  for (;;) {
    const std::function<void(unsigned)> *current;
    unsigned parts;
    if (spins)
      spinUntil([&] {
        return stopping.load(std::memory_order_acquire) ||
               generation.load(std::memory_order_acquire) != seen;
      });
    {
      std::unique_lock<std::mutex> lock(mutex);
      wake.wait(lock, [&] { return stopping || generation != seen; });
      if (stopping)
        return;
      seen = generation;
      current = job;
      parts = jobParts;
    }
    // Worker i runs parts i, i + size, ...
    for (unsigned p = index; p < parts; p += workerCount)
      (*current)(p);
    if (pending.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard<std::mutex> lock(mutex);
      done.notify_one();
    }
  }
}

void WorkerPool::run(unsigned parts,
                     const std::function<void(unsigned)> &part) {
  if (workerCount == 1 || parts <= 1) {
    for (unsigned p = 0; p < parts; ++p)
      part(p);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex);
    job = &part;
    jobParts = parts;
    pending = workerCount - 1;
    ++generation;
  }
  wake.notify_all();
  for (unsigned p = 0; p < parts; p += workerCount)
    part(p);
  if (spins &&
      spinUntil([&] { return pending.load(std::memory_order_acquire) == 0; }))
    return;
  std::unique_lock<std::mutex> lock(mutex);
  done.wait(lock, [&] { return pending == 0; });
}

std::vector<int64_t> WorkerPool::shards(int64_t n) const {
  int64_t parts = std::max<int64_t>(1, std::min<int64_t>(workerCount, n));
  std::vector<int64_t> bounds;
  bounds.reserve(parts + 1);
  for (int64_t i = 0; i <= parts; ++i)
    bounds.push_back(n * i / parts);
  return bounds;
}
