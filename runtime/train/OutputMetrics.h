//===- OutputMetrics.h - fit()'s logs under Keras's names -------*- C++ -*-===//
//
// The values fit() and evaluate() log, named as Keras names them. A model
// of one output logs `loss` and `accuracy`. A model of several outputs
// logs, as tf.keras 2 does, the weighted total `loss`, then each output's
// own (unweighted) `<output>_loss`, then each `<output>_accuracy`, in
// output order; validation the same with `val_` in front. Each series is
// a running mean over the epoch's batches (RunningMetrics.h).
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUNTIME_TRAIN_OUTPUTMETRICS_H
#define CNNC_RUNTIME_TRAIN_OUTPUTMETRICS_H

#include "runtime/train/History.h"
#include "runtime/train/RunningMetrics.h"
#include "runtime/train/Trainer.h"

#include <string>
#include <vector>

namespace cnnc {

/// One epoch's running means, for a model whose outputs are `outputs`
/// (ModelInfo::trainOutputs: empty for one output).
class FitMetrics {
public:
  explicit FitMetrics(std::vector<std::string> outputs);

  /// Records a step's batch.
  void addBatch(const LossAndAccuracy &batch, int64_t batchSize);
  /// The epoch's logs so far, Keras's names in Keras's order.
  std::vector<MetricValue> logs() const;

private:
  std::vector<std::string> outputs;
  EpochMetrics total;
  std::vector<EpochMetrics> perOutput;
};

/// An evaluation's values under Keras's names, each with `prefix` in
/// front ("val_" for validation, "" for evaluate()).
std::vector<MetricValue> evaluationLogs(const std::vector<std::string> &outputs,
                                        const LossAndAccuracy &result,
                                        const std::string &prefix);

} // namespace cnnc

#endif // CNNC_RUNTIME_TRAIN_OUTPUTMETRICS_H
