//===- WorkerPool.h - Threads running one job at a time ---------*- C++ -*-===//
//
// A training step is short (milliseconds) and runs thousands of times per
// epoch: starting threads for each would cost more than the split gains.
// The pool keeps its threads and hands each job's parts to them. Jobs come
// in quick succession (the gradients, then the update, then the next
// batch's), so a worker, and the caller waiting for the workers, spin a
// little before sleeping: a futex wake-up per job cost 2-5 % of a step.
// With more threads than cores, nobody spins: a spinning thread would take
// the core of one that has work.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUNTIME_SUPPORT_WORKERPOOL_H
#define CNNC_RUNTIME_SUPPORT_WORKERPOOL_H

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace cnnc {

class WorkerPool {
public:
  /// `threads` workers in all, counting the caller (0: all cores).
  explicit WorkerPool(unsigned threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool &) = delete;
  WorkerPool &operator=(const WorkerPool &) = delete;

  unsigned size() const { return workerCount; }

  /// Runs part(0) .. part(parts - 1), at most size() at once, the caller
  /// running part 0; returns when all are done.
  void run(unsigned parts, const std::function<void(unsigned)> &part);

  /// The cores this process may use (at least 1): its affinity mask.
  static unsigned availableCores();

  /// How the forward pass cuts `n` items (images of a batch) into at most
  /// size() contiguous parts: part i is [bounds[i], bounds[i + 1]), the
  /// parts' sizes differ by at most one, and no part is empty. (Training
  /// cuts fixed chunks instead, runtime/train/Chunks.h: its sums must not
  /// depend on the thread count.)
  std::vector<int64_t> shards(int64_t n) const;

private:
  void loop(unsigned index);
  /// Spins until `ready()` holds or the spin's time is up; returns ready().
  template <typename Ready> static bool spinUntil(Ready ready);

  unsigned workerCount;
  bool spins; // at most one thread per core
  std::vector<std::thread> threads;
  std::mutex mutex;
  std::condition_variable wake, done;
  const std::function<void(unsigned)> *job = nullptr;
  unsigned jobParts = 0;
  // Written under `mutex`; read while spinning without it.
  std::atomic<uint64_t> generation{0};
  std::atomic<unsigned> pending{0};
  std::atomic<bool> stopping{false};
};

} // namespace cnnc

#endif // CNNC_RUNTIME_SUPPORT_WORKERPOOL_H
