//===- OutputMetrics.cpp - fit()'s logs under Keras's names ---------------===//

#include "runtime/train/OutputMetrics.h"

using namespace cnnc;

FitMetrics::FitMetrics(std::vector<std::string> names)
    : outputs(std::move(names)), perOutput(outputs.size()) {}

void FitMetrics::addBatch(const LossAndAccuracy &batch, int64_t batchSize) {
  // Keras's Mean metrics take each batch's mean, weighted by the batch's
  // size: the total's and each output's alike.
  total.addBatch(static_cast<float>(batch.loss), batch.correct, batchSize);
  for (size_t i = 0; i < perOutput.size() && i < batch.outputLoss.size(); ++i)
    perOutput[i].addBatch(static_cast<float>(batch.outputLoss[i]),
                          batch.outputCorrect[i], batchSize);
}

std::vector<MetricValue> FitMetrics::logs() const {
  if (outputs.empty())
    return {{"loss", total.loss()}, {"accuracy", total.accuracy()}};
  std::vector<MetricValue> logs = {{"loss", total.loss()}};
  for (size_t i = 0; i < outputs.size(); ++i)
    logs.push_back({outputs[i] + "_loss", perOutput[i].loss()});
  for (size_t i = 0; i < outputs.size(); ++i)
    logs.push_back({outputs[i] + "_accuracy", perOutput[i].accuracy()});
  return logs;
}

std::vector<MetricValue>
cnnc::evaluationLogs(const std::vector<std::string> &outputs,
                     const LossAndAccuracy &result, const std::string &prefix) {
  if (outputs.empty())
    return {{prefix + "loss", result.loss},
            {prefix + "accuracy", result.accuracy}};
  std::vector<MetricValue> logs = {{prefix + "loss", result.loss}};
  for (size_t i = 0; i < outputs.size() && i < result.outputLoss.size(); ++i)
    logs.push_back({prefix + outputs[i] + "_loss", result.outputLoss[i]});
  for (size_t i = 0; i < outputs.size() && i < result.outputAccuracy.size();
       ++i)
    logs.push_back(
        {prefix + outputs[i] + "_accuracy", result.outputAccuracy[i]});
  return logs;
}
