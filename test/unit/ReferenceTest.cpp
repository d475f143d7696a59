//===- ReferenceTest.cpp - The reference forward pass, checked by hand ----===//
//
// The reference is what the compiled model is judged by, so it is judged
// first, on cases small enough to work out on paper. Each expected value
// below is written out with the arithmetic that gives it.
//
//===----------------------------------------------------------------------===//

#include "test/reference/Reference.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

using namespace cnnc::reference;

namespace {

/// values[0], values[1], ... in row-major order.
RefTensor tensor(std::vector<int64_t> shape, std::vector<float> values) {
  return RefTensor(std::move(shape), std::move(values));
}

/// A (1, h, w, 1) image whose cell (r, c) holds r*w + c.
RefTensor rampImage(int64_t h, int64_t w) {
  RefTensor image({1, h, w, 1});
  for (int64_t i = 0; i < h * w; ++i)
    image.data[size_t(i)] = float(i);
  return image;
}

/// A (k, k, 1, 1) kernel of zeros but for a 1 at (p, q).
RefTensor tap(int64_t k, int64_t p, int64_t q) {
  RefTensor kernel({k, k, 1, 1});
  kernel.data[size_t(p * k + q)] = 1;
  return kernel;
}

RefTensor ones(std::vector<int64_t> shape) {
  RefTensor t(std::move(shape));
  std::fill(t.data.begin(), t.data.end(), 1.0f);
  return t;
}

/// The (h, w) plane of channel 0 of image 0, as rows.
std::vector<std::vector<float>> plane(const RefTensor &t) {
  std::vector<std::vector<float>> rows;
  for (int64_t r = 0; r < t.shape[1]; ++r) {
    rows.emplace_back();
    for (int64_t c = 0; c < t.shape[2]; ++c)
      rows.back().push_back(t.at({0, r, c, 0}));
  }
  return rows;
}

using Rows = std::vector<std::vector<float>>;

void expectNear(const std::vector<float> &actual,
                const std::vector<double> &expected, double tolerance = 1e-6) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i)
    EXPECT_NEAR(actual[i], expected[i], tolerance) << "element " << i;
}

constexpr Padding valid = Padding::Valid, same = Padding::Same;

//===----------------------------------------------------------------------===//
// Window geometry
//===----------------------------------------------------------------------===//

TEST(ReferenceGeometry, ValidIsFloorOfTheSpanOverTheStridePlusOne) {
  EXPECT_EQ(outputLength(28, 3, 1, 1, valid), 26); // the lesson's conv
  EXPECT_EQ(outputLength(26, 2, 2, 1, valid), 13); // its pool: not 12.5
  EXPECT_EQ(outputLength(11, 2, 2, 1, valid), 5);
  EXPECT_EQ(outputLength(7, 2, 3, 1, valid), 2);   // floor(5/3) + 1
  EXPECT_EQ(outputLength(28, 3, 1, 2, valid), 24); // 3 taps span 5
  EXPECT_EQ(outputLength(4, 3, 1, 2, valid), 0);
  EXPECT_EQ(outputLength(3, 5, 1, 1, valid), -1); // floor(-2/1) + 1
  EXPECT_EQ(outputLength(3, 5, 2, 1, valid), 0);  // floor(-2/2) + 1
}

TEST(ReferenceGeometry, SameIsCeilOfTheInputOverTheStride) {
  EXPECT_EQ(outputLength(7, 3, 1, 1, same), 7);
  EXPECT_EQ(outputLength(7, 3, 2, 1, same), 4);
  EXPECT_EQ(outputLength(7, 5, 3, 1, same), 3);
  EXPECT_EQ(outputLength(1, 5, 3, 1, same), 1);
}

TEST(ReferenceGeometry, TheOddPaddingCellGoesAfter) {
  using Pad = std::array<int64_t, 2>;
  // 7 -> 4, k 3, s 2: total (4-1)*2 + 3 - 7 = 2.
  EXPECT_EQ(paddingAmounts(7, 3, 2, 1, same), (Pad{1, 1}));
  // 7 -> 4, k 2, s 2: total 3*2 + 2 - 7 = 1, all of it after.
  EXPECT_EQ(paddingAmounts(7, 2, 2, 1, same), (Pad{0, 1}));
  // 7 -> 4, k 4, s 2: total 3*2 + 4 - 7 = 3 = 1 before + 2 after.
  EXPECT_EQ(paddingAmounts(7, 4, 2, 1, same), (Pad{1, 2}));
  // 5 -> 5, k 2 dilated by 2 (span 3): total 4 + 3 - 5 = 2.
  EXPECT_EQ(paddingAmounts(5, 2, 1, 2, same), (Pad{1, 1}));
  // A stride larger than the window can need no padding at all:
  // 7 -> 3, k 1, s 3: total 2*3 + 1 - 7 = 0.
  EXPECT_EQ(paddingAmounts(7, 1, 3, 1, same), (Pad{0, 0}));
  EXPECT_EQ(paddingAmounts(7, 3, 1, 1, valid), (Pad{0, 0}));
}

//===----------------------------------------------------------------------===//
// Conv2D
//===----------------------------------------------------------------------===//

TEST(ReferenceConv2D, IsCrossCorrelationPlusBias) {
  // x = [1 2 3; 4 5 6; 7 8 9], K = [1 2; 3 4], b = 0.5. Unflipped:
  //   y00 = 1*1 + 2*2 + 4*3 + 5*4 = 37   (a true convolution gives 23)
  //   y01 = 2*1 + 3*2 + 5*3 + 6*4 = 47
  //   y10 = 4*1 + 5*2 + 7*3 + 8*4 = 67
  //   y11 = 5*1 + 6*2 + 8*3 + 9*4 = 77
  RefTensor x = tensor({1, 3, 3, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  RefTensor k = tensor({2, 2, 1, 1}, {1, 2, 3, 4});
  RefTensor b = tensor({1}, {0.5f});
  RefTensor y = conv2d(x, k, &b, {1, 1}, {1, 1}, valid);
  EXPECT_EQ(y.shape, (std::vector<int64_t>{1, 2, 2, 1}));
  EXPECT_EQ(plane(y), (Rows{{37.5f, 47.5f}, {67.5f, 77.5f}}));
  RefTensor unbiased = conv2d(x, k, nullptr, {1, 1}, {1, 1}, valid);
  EXPECT_EQ(plane(unbiased), (Rows{{37, 47}, {67, 77}}));
}

TEST(ReferenceConv2D, ContractsChannelsIntoFiltersLikeAMatrixProduct) {
  // A 1x1 kernel: each pixel's channel vector times K (C=2, F=3).
  //   pixel (1, 2) -> (1*1 + 2*0, 1*0 + 2*1, 1*1 + 2*1) + b = (1, 12, 103)
  //   pixel (3, 4) -> (3, 4, 7) + b = (3, 14, 107)
  RefTensor x = tensor({1, 1, 2, 2}, {1, 2, 3, 4});
  RefTensor k = tensor({1, 1, 2, 3}, {1, 0, 1, 0, 1, 1});
  RefTensor b = tensor({3}, {0, 10, 100});
  RefTensor y = conv2d(x, k, &b, {1, 1}, {1, 1}, valid);
  EXPECT_EQ(y.shape, (std::vector<int64_t>{1, 1, 2, 3}));
  EXPECT_EQ(y.data, (std::vector<float>{1, 12, 103, 3, 14, 107}));
}

TEST(ReferenceConv2D, StridesSkipPositions) {
  // 5x5 ramp (cell = 5r + c), 3x3 ones, stride 2: windows at rows/cols 0, 2.
  //   y00 = (0+1+2) + (5+6+7) + (10+11+12) = 54
  //   y01 = (2+3+4) + (7+8+9) + (12+13+14) = 72
  //   y10 = (10+11+12) + (15+16+17) + (20+21+22) = 144
  //   y11 = (12+13+14) + (17+18+19) + (22+23+24) = 162
  RefTensor y = conv2d(rampImage(5, 5), ones({3, 3, 1, 1}), nullptr, {2, 2},
                       {1, 1}, valid);
  EXPECT_EQ(plane(y), (Rows{{54, 72}, {144, 162}}));
  // Strides per axis: rows by 1, columns by 3 (floor(2/3) + 1 = 1 column).
  RefTensor z = conv2d(rampImage(5, 5), ones({3, 3, 1, 1}), nullptr, {1, 3},
                       {1, 1}, valid);
  EXPECT_EQ(plane(z), (Rows{{54}, {99}, {144}}));
}

TEST(ReferenceConv2D, DilationSpreadsTheTaps) {
  // 2x2 ones dilated by 2 on the 5x5 ramp reads (r, c), (r, c+2), (r+2, c),
  // (r+2, c+2): 4(5r + c) + 2 + 10 + 12 = 4x + 24; 5 - 3 + 1 = 3 outputs.
  RefTensor y = conv2d(rampImage(5, 5), ones({2, 2, 1, 1}), nullptr, {1, 1},
                       {2, 2}, valid);
  EXPECT_EQ(plane(y), (Rows{{24, 28, 32}, {44, 48, 52}, {64, 68, 72}}));
  // Under 'same' the span of 3 is padded by 1 on each side: y00 reads rows
  // and columns -1 and 1, of which only (1, 1) = 6 exists.
  RefTensor s = conv2d(rampImage(5, 5), ones({2, 2, 1, 1}), nullptr, {1, 1},
                       {2, 2}, same);
  EXPECT_EQ(s.shape, (std::vector<int64_t>{1, 5, 5, 1}));
  EXPECT_EQ(s.at({0, 0, 0, 0}), 6);
  // y22 reads (1,1) (1,3) (3,1) (3,3) = 6 + 8 + 16 + 18.
  EXPECT_EQ(s.at({0, 2, 2, 0}), 48);
}

TEST(ReferenceConv2D, SamePaddingWithStrideTwoPadsTheOddCellAtTheBottom) {
  // 7x7 ramp (cell = 7r + c), 2x2 ones, stride 2, 'same': 4x4 outputs and
  // one padding row/column, after. Window (i, j) covers rows 2i..2i+1.
  //   y00 = 0 + 1 + 7 + 8 = 16          (padding first would give 0)
  //   y03 = (0,6) + (1,6) = 6 + 13 = 19 (column 7 is padding)
  //   y30 = (6,0) + (6,1) = 42 + 43 = 85
  //   y33 = (6,6) = 48
  //   y12 = (2,4) + (2,5) + (3,4) + (3,5) = 18 + 19 + 25 + 26 = 88
  RefTensor y = conv2d(rampImage(7, 7), ones({2, 2, 1, 1}), nullptr, {2, 2},
                       {1, 1}, same);
  EXPECT_EQ(y.shape, (std::vector<int64_t>{1, 4, 4, 1}));
  EXPECT_EQ(y.at({0, 0, 0, 0}), 16);
  EXPECT_EQ(y.at({0, 0, 3, 0}), 19);
  EXPECT_EQ(y.at({0, 3, 0, 0}), 85);
  EXPECT_EQ(y.at({0, 3, 3, 0}), 48);
  EXPECT_EQ(y.at({0, 1, 2, 0}), 88);
}

TEST(ReferenceConv2D, SamePaddingSplitsAnOddTotalOneBeforeTwoAfter) {
  // 7x7, k 4, stride 2: total 3 = 1 top + 2 bottom. A kernel that only
  // reads its last tap (3, 3) sees cell (2i - 1 + 3, 2j - 1 + 3).
  RefTensor last =
      conv2d(rampImage(7, 7), tap(4, 3, 3), nullptr, {2, 2}, {1, 1}, same);
  EXPECT_EQ(
      plane(last),
      (Rows{{16, 18, 20, 0}, {30, 32, 34, 0}, {44, 46, 48, 0}, {0, 0, 0, 0}}));
  // Its first tap (0, 0) sees (2i - 1, 2j - 1): the top row and left
  // column are the single padding cell before.
  RefTensor first =
      conv2d(rampImage(7, 7), tap(4, 0, 0), nullptr, {2, 2}, {1, 1}, same);
  EXPECT_EQ(
      plane(first),
      (Rows{{0, 0, 0, 0}, {0, 8, 10, 12}, {0, 22, 24, 26}, {0, 36, 38, 40}}));
}

TEST(ReferenceConv2D, ImagesInABatchAreIndependent) {
  RefTensor x = tensor({2, 3, 3, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9, //
                                      -1, -2, -3, -4, -5, -6, -7, -8, -9});
  RefTensor y = conv2d(x, tensor({2, 2, 1, 1}, {1, 2, 3, 4}), nullptr, {1, 1},
                       {1, 1}, valid);
  EXPECT_EQ(y.data, (std::vector<float>{37, 47, 67, 77, -37, -47, -67, -77}));
}

TEST(ReferenceConv2D, RefusesAWindowLargerThanTheInput) {
  EXPECT_THROW(conv2d(rampImage(3, 3), ones({5, 5, 1, 1}), nullptr, {1, 1},
                      {1, 1}, valid),
               std::invalid_argument);
  EXPECT_THROW(conv2d(rampImage(3, 3), ones({2, 2, 2, 1}), nullptr, {1, 1},
                      {1, 1}, valid),
               std::invalid_argument); // channel mismatch
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

TEST(ReferencePool2D, TakesTheMaxMinOrMeanOfEachWindow) {
  // 4x4 ramp, 2x2 windows, stride 2: windows {0,1,4,5}, {2,3,6,7}, ...
  RefTensor x = rampImage(4, 4);
  EXPECT_EQ(plane(maxPool2d(x, {2, 2}, {2, 2}, valid)),
            (Rows{{5, 7}, {13, 15}}));
  EXPECT_EQ(plane(minPool2d(x, {2, 2}, {2, 2}, valid)),
            (Rows{{0, 2}, {8, 10}}));
  EXPECT_EQ(plane(avgPool2d(x, {2, 2}, {2, 2}, valid)),
            (Rows{{2.5f, 4.5f}, {10.5f, 12.5f}}));
}

TEST(ReferencePool2D, ValidAverageDividesByTheWindowSize) {
  // 3x3 = [1 2 3; 4 5 6; 7 8 9], 2x2 windows, stride 1:
  //   (1+2+4+5)/4 = 3, (2+3+5+6)/4 = 4, (4+5+7+8)/4 = 6, (5+6+8+9)/4 = 7
  RefTensor x = tensor({1, 3, 3, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  EXPECT_EQ(plane(avgPool2d(x, {2, 2}, {1, 1}, valid)), (Rows{{3, 4}, {6, 7}}));
}

TEST(ReferencePool2D, SameAverageDividesByTheCellsInBounds) {
  // 3x3 = 1..9, 2x2 windows, stride 2, 'same': 2x2 outputs, one padding
  // row/column after.
  //   y00 = (1+2+4+5)/4 = 3
  //   y01 = (3+6)/2 = 4.5     (counting padding would give 2.25)
  //   y10 = (7+8)/2 = 7.5
  //   y11 = 9/1 = 9           (counting padding would give 2.25)
  RefTensor x = tensor({1, 3, 3, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  EXPECT_EQ(plane(avgPool2d(x, {2, 2}, {2, 2}, same)),
            (Rows{{3, 4.5f}, {7.5f, 9}}));
  // 3x3 windows, stride 1, 'same': one padding cell on every side.
  //   corner (1+2+4+5)/4 = 3, edge (1+2+3+4+5+6)/6 = 3.5, centre 45/9 = 5
  RefTensor y = avgPool2d(x, {3, 3}, {1, 1}, same);
  EXPECT_EQ(y.at({0, 0, 0, 0}), 3);
  EXPECT_EQ(y.at({0, 0, 1, 0}), 3.5f);
  EXPECT_EQ(y.at({0, 1, 1, 0}), 5);
}

TEST(ReferencePool2D, PaddingNeverWinsAMaxOrAMin) {
  // All negative: a zero-padded max would give 0 at the edges.
  RefTensor negative =
      tensor({1, 3, 3, 1}, {-1, -2, -3, -4, -5, -6, -7, -8, -9});
  EXPECT_EQ(plane(maxPool2d(negative, {2, 2}, {2, 2}, same)),
            (Rows{{-1, -3}, {-7, -9}}));
  // All positive: a zero-padded min would give 0 at the edges.
  RefTensor positive = tensor({1, 3, 3, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  EXPECT_EQ(plane(minPool2d(positive, {2, 2}, {2, 2}, same)),
            (Rows{{1, 3}, {7, 9}}));
}

TEST(ReferencePool2D, StridesOtherThanThePoolSize) {
  // 7x7 ramp, 2x2 max, stride 3: floor(5/3) + 1 = 2; window (i, j) starts
  // at (3i, 3j), its max is at (3i+1, 3j+1) = 7(3i+1) + 3j+1.
  EXPECT_EQ(plane(maxPool2d(rampImage(7, 7), {2, 2}, {3, 3}, valid)),
            (Rows{{8, 11}, {29, 32}}));
  // 3x3 max, stride 1: overlapping windows, 7 - 3 + 1 = 5.
  RefTensor overlap = maxPool2d(rampImage(7, 7), {3, 3}, {1, 1}, valid);
  EXPECT_EQ(overlap.shape, (std::vector<int64_t>{1, 5, 5, 1}));
  EXPECT_EQ(overlap.at({0, 0, 0, 0}), 16); // (2, 2)
  // 2x2, stride 3, 'same': ceil(7/3) = 3, total 2*3 + 2 - 7 = 1, after:
  // the last window is (6, 6) alone.
  RefTensor tail = minPool2d(rampImage(7, 7), {2, 2}, {3, 3}, same);
  EXPECT_EQ(plane(tail), (Rows{{0, 3, 6}, {21, 24, 27}, {42, 45, 48}}));
}

TEST(ReferencePool2D, ChannelsArePooledSeparately) {
  // Two channels interleaved: (c0, c1) per pixel over a 2x2 image.
  RefTensor x = tensor({1, 2, 2, 2}, {1, -1, 2, -2, 3, -3, 4, -4});
  EXPECT_EQ(maxPool2d(x, {2, 2}, {2, 2}, valid).data,
            (std::vector<float>{4, -1}));
  EXPECT_EQ(minPool2d(x, {2, 2}, {2, 2}, valid).data,
            (std::vector<float>{1, -4}));
}

TEST(ReferenceGlobalPool2D, ReducesRowsAndColumnsPerChannel) {
  // Pixels (c0, c1): (1, -5), (-2, 6), (3, 0), (4, 2).
  RefTensor x = tensor({1, 2, 2, 2}, {1, -5, -2, 6, 3, 0, 4, 2});
  RefTensor max = globalPool2d(PoolKind::Max, x, false);
  EXPECT_EQ(max.shape, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(max.data, (std::vector<float>{4, 6}));
  EXPECT_EQ(globalPool2d(PoolKind::Min, x, false).data,
            (std::vector<float>{-2, -5}));
  // (1 - 2 + 3 + 4)/4 = 1.5, (-5 + 6 + 0 + 2)/4 = 0.75
  EXPECT_EQ(globalPool2d(PoolKind::Avg, x, false).data,
            (std::vector<float>{1.5f, 0.75f}));
  RefTensor kept = globalPool2d(PoolKind::Avg, x, true);
  EXPECT_EQ(kept.shape, (std::vector<int64_t>{1, 1, 1, 2}));
  EXPECT_EQ(kept.data, (std::vector<float>{1.5f, 0.75f}));
}

//===----------------------------------------------------------------------===//
// Flatten, Dense
//===----------------------------------------------------------------------===//

TEST(ReferenceFlatten, IsRowMajorOverHeightWidthChannels) {
  RefTensor x({2, 2, 3, 2});
  for (size_t i = 0; i < x.data.size(); ++i)
    x.data[i] = float(i);
  RefTensor y = flatten(x);
  EXPECT_EQ(y.shape, (std::vector<int64_t>{2, 12}));
  // (h, w, c) = (1, 2, 1) lands at (1*3 + 2)*2 + 1 = 11.
  EXPECT_EQ(y.at({0, 11}), x.at({0, 1, 2, 1}));
  EXPECT_EQ(y.at({1, 11}), x.at({1, 1, 2, 1}));
  // So on NHWC data it moves nothing.
  EXPECT_EQ(y.data, x.data);
}

TEST(ReferenceDense, MultipliesTheLastAxisByTheKernel) {
  // x = [1 2 3; 4 5 6], K = [1 2; 0 1; 1 0], b = (0.5, -0.5):
  //   row 0: (1 + 0 + 3, 2 + 2 + 0) + b = (4.5, 3.5)
  //   row 1: (4 + 0 + 6, 8 + 5 + 0) + b = (10.5, 12.5)
  RefTensor x = tensor({2, 3}, {1, 2, 3, 4, 5, 6});
  RefTensor k = tensor({3, 2}, {1, 2, 0, 1, 1, 0});
  RefTensor b = tensor({2}, {0.5f, -0.5f});
  RefTensor y = dense(x, k, &b);
  EXPECT_EQ(y.shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(y.data, (std::vector<float>{4.5f, 3.5f, 10.5f, 12.5f}));
  EXPECT_EQ(dense(x, k, nullptr).data, (std::vector<float>{4, 4, 10, 13}));
}

TEST(ReferenceDense, OnRankFourActsOnEachPixel) {
  // The same two rows as pixels of a 1x2 image: (1, 1, 2, 3) -> (1, 1, 2, 2).
  RefTensor x = tensor({1, 1, 2, 3}, {1, 2, 3, 4, 5, 6});
  RefTensor k = tensor({3, 2}, {1, 2, 0, 1, 1, 0});
  RefTensor b = tensor({2}, {0.5f, -0.5f});
  RefTensor y = dense(x, k, &b);
  EXPECT_EQ(y.shape, (std::vector<int64_t>{1, 1, 2, 2}));
  EXPECT_EQ(y.data, (std::vector<float>{4.5f, 3.5f, 10.5f, 12.5f}));
}

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

TEST(ReferenceActivations, AreTheTextbookFunctions) {
  RefTensor x = tensor({1, 4}, {-1, 0, 0.5f, 2});
  EXPECT_EQ(relu(x).data, (std::vector<float>{0, 0, 0.5f, 2}));
  expectNear(sigmoid(x).data,
             {0.2689414213699951, 0.5, 0.6224593312018546, 0.8807970779778823});
  expectNear(tanh(x).data,
             {-0.7615941559557649, 0, 0.46211715726000974, 0.9640275800758169});
}

TEST(ReferenceSoftmax, NormalisesAlongTheLastAxis) {
  // e^1 : e^2 : e^3 over their sum.
  RefTensor x = tensor({2, 3}, {1, 2, 3, 1000, 1000, 1000});
  expectNear(softmax(x).data,
             {0.09003057317038046, 0.24472847105479767, 0.6652409557748219,
              // Large logits do not overflow: the max is subtracted first.
              1.0 / 3, 1.0 / 3, 1.0 / 3});
}

TEST(ReferenceSoftmax, NormalisesAlongAnyAxis) {
  // (1, 3, 1, 2): channel 0 runs 1, 2, 3 down the rows; channel 1 is zero.
  RefTensor x = tensor({1, 3, 1, 2}, {1, 0, 2, 0, 3, 0});
  expectNear(softmax(x, 1).data,
             {0.09003057317038046, 1.0 / 3, 0.24472847105479767, 1.0 / 3,
              0.6652409557748219, 1.0 / 3});
  // Along the channels: (a, 0) -> (e^a, 1)/(e^a + 1).
  expectNear(softmax(x, -1).data,
             {0.7310585786300049, 0.2689414213699951, 0.8807970779778823,
              0.11920292202211755, 0.9525741268224334, 0.04742587317756678});
  EXPECT_EQ(softmax(x, 3).data, softmax(x, -1).data);
  EXPECT_THROW(softmax(x, 4), std::invalid_argument);
}

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

TEST(ReferenceLoss, MeanSquaredErrorIsTheMeanOverClassesSummedOverTheBatch) {
  // Row 0: (1 + 0 + 4) / 3; row 1: (0.25 + 0.25 + 0) / 3.
  RefTensor p = tensor({2, 3}, {1, 0, 2, 0.5, 0.5, 0});
  RefTensor y = tensor({2, 3}, {0, 0, 0, 0, 1, 0});
  EXPECT_NEAR(meanSquaredErrorSum(p, y), 5.0 / 3 + 0.5 / 3, 1e-12);
}

TEST(ReferenceLoss, CategoricalCrossentropyNormalisesThenClips) {
  // Row 0 sums to 2: q = (0.25, 0.75); -(0.5 log 0.25 + 0.5 log 0.75).
  // Row 1: q = (0, 1) clips to (1e-7, 1 - 1e-7); -log(1e-7) = 16.118...
  RefTensor p = tensor({2, 2}, {0.5, 1.5, 0, 0.3});
  RefTensor y = tensor({2, 2}, {0.5, 0.5, 1, 0});
  EXPECT_NEAR(categoricalCrossentropySum(p, y),
              0.6931471805599453 + 0.14384103622589045 + 16.11809565095832,
              1e-9);
}

TEST(ReferenceLoss, FromLogitsIsLogSumExpMinusTheTargetLogitUnclipped) {
  // Row 0: logsumexp(0, log 3) = log 4 -> 0.5 (log 4) + 0.5 (log 4 - log 3).
  // Row 1: a gap of 40: log(1 + e^-40) + 40 = 40 + 4.2e-18, no clipping.
  RefTensor z = tensor({2, 2}, {0, float(std::log(3.0)), 20, -20});
  RefTensor y = tensor({2, 2}, {0.5, 0.5, 0, 1});
  double row0 = std::log(4.0) - 0.5 * double(float(std::log(3.0)));
  // (float(log 3) is log 3 to 3e-8, which moves log 4 by less than 1e-7.)
  EXPECT_NEAR(categoricalCrossentropyFromLogitsSum(z, y), row0 + 40, 1e-7);
  EXPECT_NEAR(sparseCategoricalCrossentropyFromLogitsSum(z, {1, 0}),
              std::log(4.0) - double(float(std::log(3.0))) +
                  4.248354255291589e-18,
              1e-7);
}

TEST(ReferenceLoss, SparseCrossentropyOnProbabilitiesClipsThenNormalises) {
  // Row 0: -log(0.2 / (0.2 + 0.6)) = log 4. Row 1: p = (0, 0.5) clips to
  // (1e-7, 0.5): -log(1e-7 / 0.5000001).
  RefTensor p = tensor({2, 2}, {0.2, 0.6, 0, 0.5});
  EXPECT_NEAR(sparseCategoricalCrossentropySum(p, {0, 0}),
              std::log(4.0) - std::log(1e-7 / 0.5000001), 1e-7);
  EXPECT_THROW(sparseCategoricalCrossentropySum(p, {0, 2}),
               std::invalid_argument);
  EXPECT_THROW(meanSquaredErrorSum(p, tensor({1, 2}, {0, 1})),
               std::invalid_argument);
}

} // namespace
