//===- Trainer.h - Training and evaluation on a compiled model --*- C++ -*-===//
//
// Owns the model's state as the compiled code wants it: all parameters end
// to end, the optimizer's slots, and one gradient row per thread. A step
// cuts the batch into one shard per thread; each thread runs the compiled
// cnnc_train_gradients on its shard into its own gradient row, and one call
// of cnnc_apply_gradients sums the rows and updates everything. The
// runtime does no arithmetic on tensors: it moves bytes and adds up the
// per-shard loss sums and counts.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUNTIME_TRAIN_TRAINER_H
#define CNNC_RUNTIME_TRAIN_TRAINER_H

#include "runtime/model/Kernels.h"
#include "runtime/support/WorkerPool.h"
#include "runtime/train/Batching.h"

#include <cstdint>
#include <vector>

namespace cnnc {

/// A batch's or a data set's loss (mean per sample) and accuracy.
struct LossAndAccuracy {
  double loss = 0.0;
  double accuracy = 0.0;
  int64_t correct = 0;
  int64_t samples = 0;
};

class Trainer {
public:
  /// `kernels` must outlive the trainer; `threads` 0 means all cores.
  Trainer(const ModelKernels &kernels, unsigned threads);

  const ModelInfo &info() const { return kernels.info; }
  unsigned threads() const { return pool.size(); }

  /// All parameters end to end, in Keras order (ModelInfo::params).
  std::vector<float> &params() { return paramData; }
  /// The optimizer's slots, ModelInfo::stateSlots rows of params().size().
  std::vector<float> &state() { return stateData; }
  /// Optimizer steps taken (Keras's `iterations`).
  int64_t iteration = 0;

  /// What batches must hold for this model's labels.
  GatherOptions gatherOptions() const;

  /// One optimizer step on `batch`; the batch's mean loss and accuracy as
  /// Keras logs them (training mode, before the update). `seed` fixes the
  /// dropout masks together with the iteration.
  LossAndAccuracy step(const Batch &batch, uint64_t seed);

  /// The loss and accuracy over `samples` in inference mode.
  LossAndAccuracy evaluate(const SampleSet &samples, int64_t batchSize = 256);

  /// The forward pass of `count` images, split over the threads.
  void forward(const float *images, int64_t count, float *output);

private:
  const ModelKernels &kernels;
  WorkerPool pool;
  std::vector<float> paramData, stateData, gradientData;
  std::vector<std::vector<float *>> gradientPointers; // per shard
  std::vector<float> stats;                           // 2 per shard
  Batch evalBatch;
};

} // namespace cnnc

#endif // CNNC_RUNTIME_TRAIN_TRAINER_H
