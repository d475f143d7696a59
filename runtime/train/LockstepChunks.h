//===- LockstepChunks.h - A batch's chunks through its shared sums -*- C++ -*-//
//
// A model that normalizes with the batch's statistics (a trainable
// BatchNormalization) needs sums over the whole batch in the middle of the
// step: the mean and variance forward, two sums backward. The compiled step
// computes one chunk, its partial sums, and calls
// cnnc_sum_across_chunks(sums, length) (--cnn-lower-chunk-sums) for the
// batch's totals. So that the batch still runs as fixed chunks on every
// thread, each chunk's call runs as a coroutine, suspended in that call
// until every chunk of the batch has reached it; then the partial sums are
// added in chunk order, from +0 (the same bits at any thread count), every
// chunk gets the total, and all go on to their next sum or their end.
//
// Thread t runs the same contiguous run of chunks as without batch
// statistics (Chunks.h), each of its chunks on that thread only.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUNTIME_TRAIN_LOCKSTEPCHUNKS_H
#define CNNC_RUNTIME_TRAIN_LOCKSTEPCHUNKS_H

#include "runtime/model/Kernels.h"
#include "runtime/support/WorkerPool.h"
#include "runtime/train/ChunkCoroutine.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace cnnc {

class LockstepChunks {
public:
  /// Points the compiled code's hook at this runtime's function, which
  /// suspends the chunk that calls it inside run() and does nothing
  /// outside (a call that computes the whole batch has its totals). False
  /// when the code has no hook.
  static bool install(const ModelKernels &kernels);

  LockstepChunks();
  ~LockstepChunks();
  LockstepChunks(const LockstepChunks &) = delete;
  LockstepChunks &operator=(const LockstepChunks &) = delete;

  /// Adds `rows` (one per chunk, in chunk order) of `length` partial sums
  /// into `total`: in one process a fold from +0 in row order; across MPI
  /// ranks, the same fold over every rank's rows (ProcessGroup).
  using AddRows =
      std::function<void(const double *rows, int64_t length, double *total)>;

  /// Runs `chunk(0)` .. `chunk(count - 1)` on `pool`'s threads, worker t
  /// the run chunksOfWorker(count, t, parts), in lockstep through their
  /// sums across chunks, each total from `addRows` on the calling thread.
  void run(WorkerPool &pool, int64_t count,
           const std::function<void(int64_t)> &chunk, const AddRows &addRows);

  struct Chunk;

private:
  /// Waits until all `parties` threads have arrived.
  void barrier(unsigned parties);
  /// Once each of the `count` chunks waits at a sum or has finished: adds
  /// their sums into `total` with `addRows`; whether they go on (false: all
  /// finished).
  bool addSums(int64_t count, const AddRows &addRows);

  std::vector<std::unique_ptr<Chunk>> chunks;
  std::vector<double> rows, total;
  std::atomic<unsigned> arrived{0};
  std::atomic<uint64_t> generation{0};
  bool goOn = false;
};

} // namespace cnnc

#endif // CNNC_RUNTIME_TRAIN_LOCKSTEPCHUNKS_H
