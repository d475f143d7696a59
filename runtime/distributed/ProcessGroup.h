//===- ProcessGroup.h - The processes training one model together -*- C++
//-*-===//
//
// Data-parallel training on MPI (docs/compiler.md, "Data-parallel
// training"): every rank holds the whole model and computes the gradients
// of its chunks of each batch (Chunks.h); the group sums them in chunk
// order, so that N ranks give the bits one process gives. A process not
// started by mpirun is a group of one, and every operation is a copy.
//
// A failed operation (a rank that died, a peer that stopped answering, a
// signal while waiting) ends the process with one line on stderr: no
// caller could go on without the other ranks, and a checkpoint is only
// ever replaced whole (AtomicFile), so nothing is left half-written.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUNTIME_DISTRIBUTED_PROCESSGROUP_H
#define CNNC_RUNTIME_DISTRIBUTED_PROCESSGROUP_H

#include "runtime/train/Chunks.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace cnnc {

/// The parameters [begin, end) rank `rank` of `ranks` updates when the
/// ranks share the optimizer's update out: consecutive slices, cut at
/// multiples of 16 floats (as the threads of a process cut theirs, so that
/// no cut moves an element between the compiled update's vector body and
/// its tail), the last one ending at `count`.
struct ParamSlice {
  int64_t begin = 0, end = 0;
  int64_t size() const { return end - begin; }
};
inline ParamSlice sliceOfRank(int64_t count, int64_t rank, int64_t ranks) {
  auto cut = [&](int64_t r) {
    return r == ranks ? count : count * r / ranks / 16 * 16;
  };
  return {cut(rank), cut(rank + 1)};
}

/// What a training step's exchange carries besides the gradient: the
/// batch's loss sum and correct count, added in chunk order in double from
/// 0 (as one process adds them), and the largest stop signal any rank had
/// when it joined the exchange.
struct StepTotals {
  double lossSum = 0.0, correct = 0.0;
  int stopSignal = 0;
};

class ProcessGroup {
public:
  virtual ~ProcessGroup() = default;

  virtual int rank() const = 0;
  virtual int size() const = 0;
  bool isRoot() const { return rank() == 0; }

  /// Rank 0's `count` floats, copied to every rank.
  virtual void broadcast(float *data, int64_t count) = 0;

  /// One training step's exchange, the update shared out over the ranks.
  /// A batch of `chunks` chunks: this rank's `rows` (`count` floats each)
  /// are those of the chunks it owns (chunksOfWorker(chunks, rank, size):
  /// consecutive runs), `stats` their (loss sum, correct) pairs. On return
  /// `total` holds, on this rank's slice (sliceOfRank) at least, the sum of
  /// all ranks' rows in chunk order, elementwise (((0 + c0) + c1) + ...) +
  /// cLast: the fold the compiled update does over all rows in one process.
  /// `totals` gets the batch's stats and the agreed stop signal (the
  /// largest `signal`) on every rank. The caller then updates its slice
  /// with updateSlices.
  virtual void sumStep(const float *rows, int64_t chunks, int64_t count,
                       const float *stats, int signal, float *total,
                       StepTotals &totals) = 0;

  /// The overlap (docs/compiler.md §10): starts sumStep's sum on the
  /// parameters [from, count), whose rows (as sumStep takes them) are final
  /// while those of [0, from) are still being computed, and the update of
  /// those parameters: as the total of a piece of this rank's slice comes,
  /// `update(begin, end)` runs on it and the updated piece of `data` goes
  /// to the other ranks (what updateSlices does later for the rest). So the
  /// caller must no longer read data[from, count) nor write those rows
  /// until updateSlices returns. It calls progressSum between its pieces of
  /// work (MPI's TCP transport moves data only inside MPI calls), then
  /// sumStep and updateSlices as always, which finish with the same bits.
  /// Every rank calls it for a step with the same `from`, or none does. A
  /// no-op where there is nothing to start (one process, or no rank owning
  /// two chunks).
  virtual void beginSum(const float *rows, int64_t chunks, int64_t count,
                        int64_t from, float *total, float *data,
                        const std::function<void(int64_t, int64_t)> &update) {}
  virtual void progressSum() {}

  /// Runs `update(begin, end)` over this rank's slice (sliceOfRank) of
  /// `data` (`count` floats), a piece at a time, and sends each updated
  /// piece to the other ranks while the next is updated; returns when this
  /// rank also has every other rank's slice.
  virtual void
  updateSlices(float *data, int64_t count,
               const std::function<void(int64_t, int64_t)> &update) = 0;

  /// A sum across a batch's chunks (runtime/train/LockstepChunks.h) over
  /// the ranks: `rows` holds this rank's `rowCount` rows of `length`
  /// doubles, the partial sums of the chunks it owns of a batch of `chunks`
  /// (chunksOfWorker; at least one). `total` gets every rank's rows added in
  /// chunk order from +0, the fold one process makes. Only the ranks that
  /// own a chunk of the batch call it, each sum in the same order. One
  /// process folds its rows.
  virtual void sumChunkSums(const double *rows, int64_t rowCount,
                            int64_t chunks, int64_t length, double *total);

  /// Rank `root`'s `count` floats, copied to every rank.
  virtual void broadcastFrom(int root, float *data, int64_t count) {}

  /// Every rank's slice of `data` copied to rank 0 only: the optimizer's
  /// slots, which each rank updates on its slice, before rank 0 writes a
  /// checkpoint.
  virtual void gatherSlicesToRoot(float *data, int64_t count) = 0;

  /// Every rank's `mine` (`counts[r]` floats from rank r), laid end to end
  /// in rank order into `all`, on every rank.
  virtual void gather(const float *mine, const int64_t *counts, float *all) = 0;

  /// The largest of the ranks' `value`s (every rank must call it).
  virtual int maxOverRanks(int value) = 0;

  /// Leaves the group as the process ends, `succeeded` or not.
  virtual void finish(bool succeeded) {}
};

/// The group this process belongs to: MPI's world when started by mpirun
/// (MPI_Init on first use), else a group of one. Null with a one-line
/// `error` when mpirun started this process but this build has no MPI.
ProcessGroup *joinProcessGroup(const std::string &programName,
                               std::string &error);

/// True when an MPI launcher (Open MPI's mpirun, or a PMI-based one)
/// started this process with more than one rank.
bool launchedByMpi();

/// A group of one, for callers that never train across processes.
ProcessGroup &singleProcess();

} // namespace cnnc

#endif // CNNC_RUNTIME_DISTRIBUTED_PROCESSGROUP_H
