//===- RunningMetricsTest.cpp - fit()'s epoch loss and accuracy -----------===//
//
// The numbers fit() reports are tf.keras's `Mean` metrics: float32 running
// totals over the epoch's batches, each batch weighted by its size
// (docs/keras-semantics.md §4). Expected values are worked out by hand below.
//
//===----------------------------------------------------------------------===//

#include "runtime/train/RunningMetrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace cnnc;

namespace {

TEST(RunningMetricsTest, BatchesAreWeightedByTheirSize) {
  // 60 samples: a full batch of 32 with loss 1.0 and 28 right, then the
  // last, partial batch of 28 with loss 2.5 and 14 right. Unweighted means
  // would give 1.75 and 0.6875.
  EpochMetrics metrics;
  metrics.addBatch(1.0f, 28, 32);
  metrics.addBatch(2.5f, 14, 28);
  EXPECT_EQ(metrics.loss(), float(32 * 1.0 + 28 * 2.5) / 60.0f); // 1.7
  EXPECT_EQ(metrics.accuracy(), 42.0f / 60.0f);                  // 0.7
  EXPECT_EQ(metrics.samples(), 60);
  EXPECT_EQ(metrics.batches(), 2);
}

TEST(RunningMetricsTest, TheRunningMeanAfterEachBatchIsWhatTheBarShows) {
  EpochMetrics metrics;
  metrics.addBatch(2.0f, 10, 32);
  EXPECT_EQ(metrics.loss(), 2.0f);
  EXPECT_EQ(metrics.accuracy(), 10.0f / 32.0f);
  metrics.addBatch(1.0f, 22, 32);
  EXPECT_EQ(metrics.loss(), 1.5f);
  EXPECT_EQ(metrics.accuracy(), 0.5f);
}

TEST(RunningMetricsTest, TotalsAreFloat32AsInKeras) {
  // Keras's Mean keeps float32 variables. After a total of 2^24 (a batch of
  // 2^24 samples at loss 1), adding 3 gives 16777219, which float32 rounds
  // to 16777220, and the count 16777217 rounds to 16777216: the mean is
  // 16777220 / 16777216 = 1 + 2^-22. Double totals would give 1 + 2^-23.
  EpochMetrics metrics;
  metrics.addBatch(1.0f, 0, int64_t(1) << 24);
  metrics.addBatch(3.0f, 1, 1);
  EXPECT_EQ(metrics.loss(), 1.0f + 0x1p-22f);
}

TEST(RunningMetricsTest, TheProductIsRoundedBeforeItIsAdded) {
  // TensorFlow computes loss * batch_size as a float32, then adds it:
  // 0.1f * 3 rounds up to 0.3000000119f (not the exact 0.3000000045).
  RunningMean mean;
  mean.add(0.1f, 3.0f);
  float product = 0.1f * 3.0f;
  EXPECT_EQ(product, 0.300000011920928955078125f);
  EXPECT_EQ(mean.result(), product / 3.0f);
}

TEST(RunningMetricsTest, NothingSeenIsZeroAsDivNoNanGives) {
  EpochMetrics metrics;
  EXPECT_EQ(metrics.loss(), 0.0f);
  EXPECT_EQ(metrics.accuracy(), 0.0f);
  RunningMean mean;
  EXPECT_EQ(mean.result(), 0.0f);
}

TEST(RunningMetricsTest, ResetStartsTheNextEpochFromNothing) {
  EpochMetrics metrics;
  metrics.addBatch(5.0f, 1, 4);
  metrics.reset();
  metrics.addBatch(0.25f, 3, 4);
  EXPECT_EQ(metrics.loss(), 0.25f);
  EXPECT_EQ(metrics.accuracy(), 0.75f);
  EXPECT_EQ(metrics.samples(), 4);
  EXPECT_EQ(metrics.batches(), 1);
}

TEST(RunningMetricsTest, ANanLossStaysVisible) {
  // A diverging run must show nan, not a number averaged from it.
  EpochMetrics metrics;
  metrics.addBatch(1.0f, 1, 2);
  metrics.addBatch(std::numeric_limits<float>::quiet_NaN(), 1, 2);
  EXPECT_TRUE(std::isnan(metrics.loss()));
  EXPECT_EQ(metrics.accuracy(), 0.5f);
}

} // namespace
