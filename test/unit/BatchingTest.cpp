//===- BatchingTest.cpp - fit()'s split, shuffle and batches --------------===//
//
// The rules are Keras's (docs/keras-semantics.md §4). Expected splits were
// computed with Python's own `int(math.floor(n * (1. - f)))`, the expression
// in keras/engine/data_adapter.py::train_validation_split, including the
// cases where double rounding makes it differ from exact arithmetic.
//
//===----------------------------------------------------------------------===//

#include "runtime/train/Batching.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

using namespace cnnc;

namespace {

//===----------------------------------------------------------------------===//
// validation_split
//===----------------------------------------------------------------------===//

ValidationSplit split(int64_t count, double fraction) {
  ValidationSplit out;
  std::string error;
  EXPECT_TRUE(splitForValidation(count, fraction, out, error)) << error;
  return out;
}

std::string splitError(int64_t count, double fraction) {
  ValidationSplit out;
  std::string error;
  EXPECT_FALSE(splitForValidation(count, fraction, out, error));
  return error;
}

TEST(ValidationSplitTest, TheLastFractionOfTheSamplesIsValidation) {
  ValidationSplit mnist = split(60000, 0.1);
  EXPECT_EQ(mnist.trainCount, 54000);
  EXPECT_EQ(mnist.validationCount, 6000);
  ValidationSplit fifth = split(60000, 0.2);
  EXPECT_EQ(fifth.trainCount, 48000);
  EXPECT_EQ(fifth.validationCount, 12000);
}

TEST(ValidationSplitTest, SplitAtIsTheFloorOfNTimesOneMinusF) {
  EXPECT_EQ(split(10, 0.25).trainCount, 7); // 7.5
  EXPECT_EQ(split(10, 0.3).trainCount, 7);
  EXPECT_EQ(split(2000, 0.15).trainCount, 1700);
}

TEST(ValidationSplitTest, TheFloorIsTakenInDoubleAsKerasTakesIt) {
  // 50 * (1 - 0.34) is 32.99999999999999 in double: Keras trains on 32.
  EXPECT_EQ(split(50, 0.34).trainCount, 32);
  EXPECT_EQ(split(50, 0.34).validationCount, 18);
  // 10 * (1 - 0.8) is 1.9999999999999996: one training sample, not two.
  EXPECT_EQ(split(10, 0.8).trainCount, 1);
  EXPECT_EQ(split(25, 0.56).trainCount, 10);
}

TEST(ValidationSplitTest, ZeroKeepsEverySampleForTraining) {
  ValidationSplit all = split(640, 0.0);
  EXPECT_EQ(all.trainCount, 640);
  EXPECT_EQ(all.validationCount, 0);
}

TEST(ValidationSplitTest, AFractionOutsideZeroToOneIsRefused) {
  EXPECT_EQ(splitError(100, 1.0), "validation_split must be in [0, 1), not 1");
  EXPECT_EQ(splitError(100, -0.1),
            "validation_split must be in [0, 1), not -0.1");
  EXPECT_EQ(splitError(100, std::nan("")),
            "validation_split must be in [0, 1), not nan");
}

TEST(ValidationSplitTest, ASplitLeavingEitherSideEmptyIsRefusedAsKerasDoes) {
  EXPECT_EQ(splitError(1, 0.5),
            "validation_split=0.5 leaves no training samples out of 1 (Keras "
            "refuses such a split too): use more data or another fraction");
  // 1 - 1e-20 is 1.0 in double: nothing is left for validation.
  EXPECT_EQ(splitError(10, 1e-20),
            "validation_split=1e-20 leaves no validation samples out of 10 "
            "(Keras refuses such a split too): use more data or another "
            "fraction");
  EXPECT_EQ(split(10, 1e-9).validationCount, 1); // 9.99999999 -> 9
}

//===----------------------------------------------------------------------===//
// Steps and permutations
//===----------------------------------------------------------------------===//

TEST(StepsTest, StepsAreTheCeilingAndTheLastPartialBatchIsKept) {
  EXPECT_EQ(stepsPerEpoch(60000, 32), 1875);
  EXPECT_EQ(stepsPerEpoch(54000, 32), 1688); // 1687 full + one of 16
  EXPECT_EQ(stepsPerEpoch(2000, 32), 63);
  EXPECT_EQ(stepsPerEpoch(1, 32), 1);
  EXPECT_EQ(stepsPerEpoch(64, 32), 2);
  EXPECT_EQ(stepsPerEpoch(0, 32), 0);
}

TEST(ShuffleTest, TheEngineIsTheStandardsMt19937_64) {
  // C++ [rand.predef]: the 10000th output of a default-constructed
  // mt19937_64. Permutations depend only on the engine's output, which the
  // standard fixes, not on any library's distributions.
  std::mt19937_64 engine;
  engine.discard(9999);
  EXPECT_EQ(engine(), 9981545732273789042ull);
}

bool isPermutation(std::vector<int64_t> order) {
  std::sort(order.begin(), order.end());
  for (size_t i = 0; i < order.size(); ++i)
    if (order[i] != int64_t(i))
      return false;
  return true;
}

TEST(ShuffleTest, EachEpochIsAPermutationOfTheTrainingIndices) {
  for (int64_t epoch = 0; epoch < 5; ++epoch) {
    std::vector<int64_t> order = epochOrder(1000, 7, epoch, true);
    EXPECT_EQ(order.size(), 1000u);
    EXPECT_TRUE(isPermutation(order)) << "epoch " << epoch;
  }
}

TEST(ShuffleTest, EveryEpochDrawsANewPermutation) {
  std::set<std::vector<int64_t>> seen;
  for (int64_t epoch = 0; epoch < 10; ++epoch)
    seen.insert(epochOrder(100, 7, epoch, true));
  EXPECT_EQ(seen.size(), 10u);
  EXPECT_NE(epochOrder(100, 7, 0, true), epochOrder(100, 8, 0, true));
}

TEST(ShuffleTest, APermutationDependsOnlyOnSeedAndEpochSoResumeRepeatsIt) {
  // An uninterrupted run draws epochs 0, 1, 2, 3; a run resumed at epoch 3
  // draws epoch 3 first. Nothing carries over between epochs, so the two
  // epoch-3 orders are the same.
  std::vector<std::vector<int64_t>> uninterrupted;
  for (int64_t epoch = 0; epoch < 4; ++epoch)
    uninterrupted.push_back(epochOrder(500, 1234, epoch, true));
  EXPECT_EQ(epochOrder(500, 1234, 3, true), uninterrupted[3]);
  EXPECT_EQ(EpochBatches({nullptr, nullptr, 500, 1}, 32, 1234, 3, true).order(),
            uninterrupted[3]);
}

TEST(ShuffleTest, ThePermutationIsPinnedAcrossVersions) {
  // A checkpoint resumed by a later cnnc must see the same order: a change
  // here breaks exact resumption of older runs.
  EXPECT_EQ(epochOrder(10, 42, 0, true),
            (std::vector<int64_t>{2, 0, 5, 7, 4, 1, 9, 3, 6, 8}));
  EXPECT_EQ(epochOrder(10, 42, 1, true),
            (std::vector<int64_t>{2, 5, 7, 8, 4, 3, 0, 9, 1, 6}));
}

TEST(ShuffleTest, NoShuffleKeepsFileOrder) {
  std::vector<int64_t> order = epochOrder(7, 99, 3, false);
  EXPECT_EQ(order, (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6}));
}

TEST(ShuffleTest, AllPermutationsAreEquallyLikely) {
  // 3 samples over 6000 epochs: each of the 6 orders about 1000 times (a
  // biased shuffle, e.g. swapping with any index, favours some by ~30 %).
  std::map<std::vector<int64_t>, int> counts;
  for (int64_t epoch = 0; epoch < 6000; ++epoch)
    ++counts[epochOrder(3, 5, epoch, true)];
  ASSERT_EQ(counts.size(), 6u);
  for (const auto &[order, count] : counts)
    EXPECT_NEAR(count, 1000, 120);
}

TEST(ShuffleTest, UniformBelowStaysBelowItsBoundAndCoversIt) {
  std::mt19937_64 rng(3);
  std::vector<int> hits(7);
  for (int i = 0; i < 7000; ++i) {
    uint64_t x = uniformBelow(rng, 7);
    ASSERT_LT(x, 7u);
    ++hits[x];
  }
  for (int count : hits)
    EXPECT_NEAR(count, 1000, 150);
  EXPECT_EQ(uniformBelow(rng, 1), 0u);
  // The largest bound rejects almost nothing and still stays below it.
  EXPECT_LT(uniformBelow(rng, ~uint64_t(0)), ~uint64_t(0));
}

//===----------------------------------------------------------------------===//
// Gathering batches
//===----------------------------------------------------------------------===//

/// `count` samples of 2x2 pixels: sample i's pixels are 10i .. 10i+3 and
/// its label is i mod 10.
struct Samples {
  std::vector<uint8_t> pixels, labels;
  SampleSet set;
  explicit Samples(int64_t count) {
    for (int64_t i = 0; i < count; ++i) {
      for (int k = 0; k < 4; ++k)
        pixels.push_back(uint8_t(10 * i + k));
      labels.push_back(uint8_t(i % 10));
    }
    set = {pixels.data(), labels.data(), count, 4};
  }
};

TEST(GatherTest, PixelsAreDividedBy255AsNumpyDoesIt) {
  // x_train / 255 in float64, then float32 (or float32 / 255): both give
  // the same 256 values, which are what a batch holds.
  std::vector<uint8_t> pixels(256), labels(1, 0);
  for (int p = 0; p < 256; ++p)
    pixels[size_t(p)] = uint8_t(p);
  SampleSet one{pixels.data(), labels.data(), 1, 256};
  Batch batch;
  int64_t index = 0;
  gatherBatch(one, &index, 1, {}, batch);
  for (int p = 0; p < 256; ++p) {
    EXPECT_EQ(batch.images[size_t(p)], float(double(p) / 255.0)) << p;
    EXPECT_EQ(batch.images[size_t(p)], float(p) / 255.0f) << p;
  }
  EXPECT_EQ(batch.images[0], 0.0f);
  EXPECT_EQ(batch.images[255], 1.0f);
}

TEST(GatherTest, ABatchHoldsTheIndexedSamplesInOrder) {
  Samples samples(20);
  int64_t indices[] = {13, 2, 7};
  Batch batch;
  gatherBatch(samples.set, indices, 3, {}, batch);
  EXPECT_EQ(batch.size, 3);
  ASSERT_EQ(batch.images.size(), 12u);
  for (int i = 0; i < 3; ++i)
    for (int k = 0; k < 4; ++k)
      EXPECT_EQ(batch.images[size_t(4 * i + k)],
                float(10 * indices[i] + k) / 255.0f);
  EXPECT_EQ(batch.labels, (std::vector<int32_t>{3, 2, 7}));
  EXPECT_TRUE(batch.oneHot.empty());
}

TEST(GatherTest, CategoricalLossesGetOneHotRows) {
  Samples samples(20);
  int64_t indices[] = {13, 9};
  Batch batch;
  gatherBatch(samples.set, indices, 2, {10, true}, batch);
  std::vector<float> expected(20, 0.0f);
  expected[3] = 1.0f;
  expected[10 + 9] = 1.0f;
  EXPECT_EQ(batch.oneHot, expected);
}

TEST(GatherTest, ReusedBuffersAreResizedToTheBatch) {
  Samples samples(20);
  Batch batch;
  int64_t many[] = {0, 1, 2, 3, 4}, few[] = {5, 6};
  gatherBatch(samples.set, many, 5, {10, true}, batch);
  gatherBatch(samples.set, few, 2, {10, true}, batch);
  EXPECT_EQ(batch.size, 2);
  EXPECT_EQ(batch.images.size(), 8u);
  EXPECT_EQ(batch.labels, (std::vector<int32_t>{5, 6}));
  EXPECT_EQ(batch.oneHot.size(), 20u);
  EXPECT_EQ(std::count(batch.oneHot.begin(), batch.oneHot.end(), 1.0f), 2);
}

TEST(GatherTest, ValidationIsTheLastSamplesInOrder) {
  Samples samples(10);
  ValidationSplit parts = split(10, 0.3);
  SampleSet validation = samples.set.slice(parts.trainCount, 10);
  Batch batch;
  gatherRange(validation, 0, validation.count, {}, batch);
  EXPECT_EQ(batch.labels, (std::vector<int32_t>{7, 8, 9}));
  EXPECT_EQ(batch.images[0], 70.0f / 255.0f);
}

TEST(EpochBatchesTest, AnEpochVisitsEveryTrainingSampleOnce) {
  Samples samples(100);
  EpochBatches epoch(samples.set, 32, 11, 0, true);
  ASSERT_EQ(epoch.steps(), 4);
  EXPECT_EQ(epoch.sizeOf(0), 32);
  EXPECT_EQ(epoch.sizeOf(3), 4); // the last, partial batch is kept
  std::vector<int64_t> visited;
  Batch batch;
  for (int64_t step = 0; step < epoch.steps(); ++step) {
    epoch.gather(step, {}, batch);
    EXPECT_EQ(batch.size, epoch.sizeOf(step));
    for (int64_t i = 0; i < batch.size; ++i) {
      int64_t index = epoch.indicesOf(step)[i];
      visited.push_back(index);
      EXPECT_EQ(batch.labels[size_t(i)], int32_t(index % 10));
    }
  }
  EXPECT_EQ(visited, epoch.order());
  EXPECT_TRUE(isPermutation(visited));
}

TEST(EpochBatchesTest, WithoutShuffleBatchesAreConsecutiveSamples) {
  Samples samples(10);
  EpochBatches epoch(samples.set, 4, 11, 2, false);
  Batch batch;
  epoch.gather(2, {}, batch);
  EXPECT_EQ(batch.labels, (std::vector<int32_t>{8, 9}));
}

} // namespace
