//===- RunningMetrics.h - fit()'s epoch loss and accuracy -------*- C++ -*-===//
//
// The loss and accuracy `fit()` reports for an epoch (in the progress bar and
// in History) are not a re-evaluation after the epoch but running means over
// its batches (docs/keras-semantics.md §4): each batch's value, taken before
// that batch's update, weighted by the batch's size. `evaluate()` reports its
// loss and accuracy the same way over the test batches.
//
// In tf.keras these are `keras.metrics.Mean` objects, whose state is two
// float32 variables:
//
//   loss      total += float32(batch_mean_loss * batch_size)
//             count += batch_size
//   accuracy  total += (number of correct predictions in the batch)
//             count += batch_size
//   result    total / count in float32 (0 when count is 0: div_no_nan)
//
// cnnc accumulates in float32 the same way, so that given the same batch
// losses its History matches Keras's to the bit; a double accumulator would
// be "more accurate" and differ from Keras in the last digits.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUNTIME_TRAIN_RUNNINGMETRICS_H
#define CNNC_RUNTIME_TRAIN_RUNNINGMETRICS_H

#include <cstdint>

namespace cnnc {

/// keras.metrics.Mean with sample weights: a float32 total and count.
class RunningMean {
public:
  /// Adds `value` with weight `weight` (Keras: update_state(value,
  /// sample_weight=weight) for a scalar value).
  void add(float value, float weight);
  /// Adds a sum of `weight` unit-weight values (Keras: update_state on a
  /// batch of per-sample values, e.g. 0/1 matches).
  void addSum(float sum, float weight) {
    total += sum;
    count += weight;
  }
  /// total / count, or 0 before anything was added.
  float result() const { return count == 0.0f ? 0.0f : total / count; }
  void reset() { total = count = 0.0f; }

private:
  float total = 0.0f, count = 0.0f;
};

/// The loss and accuracy of one epoch (or one evaluation), batch by batch.
class EpochMetrics {
public:
  /// Records a batch of `batchSize` samples whose mean loss is `meanLoss`
  /// and of which `correct` were predicted right.
  void addBatch(float meanLoss, int64_t correct, int64_t batchSize);

  float loss() const { return lossMean.result(); }
  float accuracy() const { return accuracyMean.result(); }
  int64_t samples() const { return seen; }
  int64_t batches() const { return batchCount; }
  void reset();

private:
  RunningMean lossMean, accuracyMean;
  int64_t seen = 0, batchCount = 0;
};

} // namespace cnnc

#endif // CNNC_RUNTIME_TRAIN_RUNNINGMETRICS_H
