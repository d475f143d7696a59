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

#include <cstdint>
#include <memory>
#include <string>

namespace cnnc {

class ProcessGroup {
public:
  virtual ~ProcessGroup() = default;

  virtual int rank() const = 0;
  virtual int size() const = 0;
  bool isRoot() const { return rank() == 0; }

  /// Rank 0's `count` floats, copied to every rank.
  virtual void broadcast(float *data, int64_t count) = 0;

  /// The sum of all ranks' chunk gradients in chunk order: this rank's
  /// `rows` rows of `count` floats are the chunks it owns, ranks own
  /// consecutive runs (Chunks.h). On every rank `total` gets, elementwise,
  /// (((0 + c0) + c1) + ...) + cLast: the fold the compiled update does
  /// over all rows in one process.
  virtual void sumInChunkOrder(const float *rows, int64_t rowCount,
                               int64_t count, float *total) = 0;

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
