//===- OutputMetricsTest.cpp - fit()'s logs for several outputs -----------===//
//
// A model of several outputs logs Keras's names in tf.keras 2's order: the
// weighted total `loss`, each `<output>_loss`, each `<output>_accuracy`
// (docs/keras-semantics.md §8), each a running mean weighted by batch size
// like the one-output series. The model description carries the names.
//
//===----------------------------------------------------------------------===//

#include "runtime/train/OutputMetrics.h"
#include "runtime/model/ModelInfo.h"

#include <gtest/gtest.h>

using namespace cnnc;

namespace {

std::vector<std::string> names(const std::vector<MetricValue> &logs) {
  std::vector<std::string> out;
  for (const MetricValue &value : logs)
    out.push_back(value.first);
  return out;
}

LossAndAccuracy batch(double total, std::vector<double> losses,
                      std::vector<int64_t> correct) {
  LossAndAccuracy result;
  result.loss = total;
  result.correct = correct.front();
  result.outputLoss = std::move(losses);
  result.outputCorrect = std::move(correct);
  return result;
}

TEST(OutputMetricsTest, OneOutputLogsLossAndAccuracy) {
  FitMetrics metrics({});
  metrics.addBatch(batch(2.0, {}, {16}), 32);
  std::vector<MetricValue> logs = metrics.logs();
  EXPECT_EQ(names(logs), (std::vector<std::string>{"loss", "accuracy"}));
  EXPECT_EQ(logs[0].second, 2.0f);
  EXPECT_EQ(logs[1].second, 0.5f);
}

TEST(OutputMetricsTest, SeveralOutputsLogTheTotalThenEachLossThenEachAccuracy) {
  FitMetrics metrics({"digit", "aux"});
  // Two batches, 32 and 16 samples, weights 1 and 0.5.
  metrics.addBatch(batch(1.0 + 0.5 * 2.0, {1.0, 2.0}, {8, 4}), 32);
  metrics.addBatch(batch(4.0 + 0.5 * 1.0, {4.0, 1.0}, {16, 0}), 16);
  std::vector<MetricValue> logs = metrics.logs();
  EXPECT_EQ(names(logs),
            (std::vector<std::string>{"loss", "digit_loss", "aux_loss",
                                      "digit_accuracy", "aux_accuracy"}));
  EXPECT_EQ(logs[0].second, float(32 * 2.0 + 16 * 4.5) / 48.0f);
  EXPECT_EQ(logs[1].second, float(32 * 1.0 + 16 * 4.0) / 48.0f); // 2
  EXPECT_EQ(logs[2].second, float(32 * 2.0 + 16 * 1.0) / 48.0f);
  EXPECT_EQ(logs[3].second, 24.0f / 48.0f);
  EXPECT_EQ(logs[4].second, 4.0f / 48.0f);
}

TEST(OutputMetricsTest, EvaluationLogsTakeThePrefix) {
  LossAndAccuracy result = batch(1.5, {1.0, 1.0}, {3, 2});
  result.outputAccuracy = {0.75, 0.5};
  std::vector<MetricValue> logs =
      evaluationLogs({"digit", "aux"}, result, "val_");
  EXPECT_EQ(names(logs), (std::vector<std::string>{
                             "val_loss", "val_digit_loss", "val_aux_loss",
                             "val_digit_accuracy", "val_aux_accuracy"}));
  EXPECT_EQ(logs[3].second, 0.75);
  EXPECT_EQ(names(evaluationLogs({}, result, "")),
            (std::vector<std::string>{"loss", "accuracy"}));
}

TEST(OutputMetricsTest, TheModelDescriptionCarriesTheOutputs) {
  ModelInfo info;
  info.name = "m";
  info.inputShapes = {{4}};
  info.outputShape = {3};
  info.trainable = true;
  info.stateSlots = 1;
  info.trainOutputs = {"digit", "aux"};
  EXPECT_EQ(info.statsPerCall(), 6);
  std::string text = formatModelInfo(info);
  EXPECT_NE(text.find("\ntrain-outputs digit aux\n"), std::string::npos);
  ModelInfo parsed;
  std::string error;
  ASSERT_TRUE(parseModelInfo(text, parsed, error)) << error;
  EXPECT_EQ(parsed.trainOutputs, info.trainOutputs);
  info.trainOutputs.clear();
  EXPECT_EQ(info.statsPerCall(), 2);
  // One name is not a list of several outputs.
  ASSERT_FALSE(parseModelInfo("cnnc-model-info 1\nname m\ninput 4\noutput "
                              "3\ntrain-outputs digit\n",
                              parsed, error));
}

} // namespace
