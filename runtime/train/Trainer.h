//===- Trainer.h - Training and evaluation on a compiled model --*- C++ -*-===//
//
// Owns the model's state as the compiled code wants it: all parameters end
// to end, the optimizer's slots, and one gradient row per chunk. A step
// cuts the batch into fixed chunks (Chunks.h); the process's threads run
// the compiled cnnc_train_gradients on the chunks this process owns, each
// into the chunk's own gradient row, and cnnc_apply_gradients sums the rows
// in chunk order and updates everything. Across MPI ranks the group sums
// the rows in the same order first (ProcessGroup.h), so the weights are
// the same bits whatever the threads and ranks. The runtime adds up the
// per-chunk loss sums and counts, in chunk order too. A model that
// normalizes with the batch's statistics runs its chunks in lockstep
// through the sums over the batch (LockstepChunks.h), and its step returns
// the moving statistics' next values, which the trainer moves into the
// parameters (bytes, no math).
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUNTIME_TRAIN_TRAINER_H
#define CNNC_RUNTIME_TRAIN_TRAINER_H

#include "runtime/distributed/ProcessGroup.h"
#include "runtime/model/Kernels.h"
#include "runtime/support/WorkerPool.h"
#include "runtime/train/Batching.h"
#include "runtime/train/Chunks.h"
#include "runtime/train/LockstepChunks.h"
#include "runtime/train/SplitChunks.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace cnnc {

/// A batch's or a data set's loss (mean per sample) and accuracy.
struct LossAndAccuracy {
  double loss = 0.0;
  double accuracy = 0.0;
  int64_t correct = 0;
  int64_t samples = 0;
  /// A model of several outputs: each output's own mean loss (unweighted),
  /// accuracy and count, in output order (ModelInfo::trainOutputs); `loss`
  /// is then the weighted total and `accuracy` the first output's.
  std::vector<double> outputLoss, outputAccuracy;
  std::vector<int64_t> outputCorrect;
};

class Trainer {
public:
  /// `kernels` and `group` must outlive the trainer; `threads` 0 means all
  /// cores.
  Trainer(const ModelKernels &kernels, unsigned threads,
          ProcessGroup &group = singleProcess());

  const ModelInfo &info() const { return kernels.info; }
  unsigned threads() const { return pool.size(); }

  /// All parameters end to end, in Keras order (ModelInfo::params).
  std::vector<float> &params() { return paramData; }
  /// The optimizer's slots, ModelInfo::stateSlots rows of params().size().
  std::vector<float> &state() { return stateData; }
  /// Whether a rank starts summing the last layers' gradients while the
  /// rest of the backward pass runs (the overlap, `--overlap`; the same
  /// bits either way). Every rank must get the same setting.
  void setOverlap(bool on) { overlap = on; }

  /// Optimizer steps taken (Keras's `iterations`).
  int64_t iteration = 0;

  /// What batches must hold for this model's labels.
  GatherOptions gatherOptions() const;

  /// One optimizer step on `batch`; the batch's mean loss and accuracy as
  /// Keras logs them (training mode, before the update). `seed` fixes the
  /// dropout masks together with the iteration. `stopSignal` is this
  /// process's pending stop signal (0: none); `agreedStop`, if given, gets
  /// the largest of the ranks', agreed in the step's exchange, so that
  /// every rank can stop before the same batch without a wait of its own.
  LossAndAccuracy step(const Batch &batch, uint64_t seed, int stopSignal = 0,
                       int *agreedStop = nullptr);

  /// Across ranks each rank updates the optimizer's slots on its slice of
  /// the parameters only; this brings them whole to rank 0, which writes
  /// the checkpoints. Every rank must call it.
  void gatherStateToRoot();

  /// The loss and accuracy over `samples` in inference mode, the samples
  /// split over the group's ranks; the same on every rank. `batchSize`
  /// (images gathered at once) changes only speed and memory.
  LossAndAccuracy evaluate(const SampleSet &samples, int64_t batchSize = 256);

  /// The forward pass of `count` images, split over the threads.
  void forward(const float *images, int64_t count, float *output);

private:
  /// Gradient rows (and their pointers) for at least `rows` chunks.
  void reserveGradientRows(int64_t rows);
  /// Runs `chunk(k, slot)` for each chunk k of `range` over the threads,
  /// each thread a contiguous run; slot = k - range.begin.
  void forEachChunk(ChunkRange range,
                    const std::function<void(int64_t, int64_t)> &chunk);
  /// Computes this rank's chunks `mine` of a batch of `chunks` chunks with
  /// `chunk(k, slot)`, and starts their sum across the ranks on the
  /// parameters the step reports final early: every chunk's head, then
  /// the tails, with the sum moving between them (SplitChunks.h). With
  /// several threads the chunks run on all of them and the sum starts
  /// after (each rank takes part the same way, whatever its threads).
  void computeOverlapped(ChunkRange mine, int64_t chunks,
                         const std::function<void(int64_t, int64_t)> &chunk);
  /// Moves the next values of the parameters the step computes from the
  /// batch's statistics out of the first of this rank's `rows` chunks'
  /// gradient rows (of a batch of `chunks`), zeroes them in all, and (across
  /// ranks) shares the first owning rank's.
  void takeNextValues(int64_t rows, int64_t chunks);
  /// Runs the compiled update on parameters [begin, end), summing
  /// `rowCount` gradient rows, over the threads.
  void update(int64_t begin, int64_t end, const float *rows, int64_t rowCount);
  /// Sums the stats (ModelInfo::statsPerCall floats) of all `chunks`
  /// chunks, this rank's run of which is in `stats`, in chunk order.
  void sumStats(int64_t chunks, std::vector<double> &sums);
  /// Sums `chunks` rows of stats at `rows`, in chunk order.
  void addStats(const float *rows, int64_t chunks,
                std::vector<double> &sums) const;

  const ModelKernels &kernels;
  ProcessGroup &group;
  WorkerPool pool;
  std::vector<float> paramData, stateData, gradientData, gradientTotal;
  std::vector<std::vector<float *>> gradientPointers; // per chunk row
  std::vector<float> stats, allStats; // statsPerCall() floats per chunk
  Batch evalBatch;
  bool overlap = false;
  SplitChunks split;
  LockstepChunks lockstepChunks;
};

} // namespace cnnc

#endif // CNNC_RUNTIME_TRAIN_TRAINER_H
