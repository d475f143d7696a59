//===- ShapeRulesTest.cpp - Keras's output-size rule ----------------------===//
//
// The pooling lesson's subject: how big is a window op's output? These are
// the rule's values as Keras computes them (conv_utils.conv_output_length).
//
//===----------------------------------------------------------------------===//

#include "dialects/cnn/ShapeRules.h"

#include <gtest/gtest.h>

using mlir::cnn::Padding;
using mlir::cnn::paddingAmounts;
using mlir::cnn::windowOutputLength;
using Pad = std::pair<int64_t, int64_t>;

TEST(WindowOutputLength, ValidIsFloorOfSpanOverStridePlusOne) {
  EXPECT_EQ(windowOutputLength(28, 3, 1, 1, Padding::valid), 26);
  // The lesson's first pool: (26 - 2)/2 + 1 = 13, where the lesson's own
  // formula (l - f + 1)/s gives 12.5.
  EXPECT_EQ(windowOutputLength(26, 2, 2, 1, Padding::valid), 13);
  EXPECT_EQ(windowOutputLength(11, 2, 2, 1, Padding::valid), 5);
  EXPECT_EQ(windowOutputLength(7, 3, 2, 1, Padding::valid), 3);
}

TEST(WindowOutputLength, DilationWidensTheWindow) {
  // A 3-tap kernel dilated by 2 spans 5 cells.
  EXPECT_EQ(windowOutputLength(28, 3, 1, 2, Padding::valid), 24);
  EXPECT_EQ(windowOutputLength(5, 3, 1, 2, Padding::valid), 1);
  EXPECT_EQ(windowOutputLength(4, 3, 1, 2, Padding::valid), 0);
}

TEST(WindowOutputLength, SameIsCeilOfInputOverStride) {
  EXPECT_EQ(windowOutputLength(28, 3, 1, 1, Padding::same), 28);
  EXPECT_EQ(windowOutputLength(28, 3, 2, 1, Padding::same), 14);
  EXPECT_EQ(windowOutputLength(7, 3, 2, 1, Padding::same), 4);
  EXPECT_EQ(windowOutputLength(1, 5, 3, 1, Padding::same), 1);
}

TEST(WindowOutputLength, WindowLargerThanInputGivesNothingUnderValid) {
  EXPECT_EQ(windowOutputLength(3, 5, 1, 1, Padding::valid), 0);
}

TEST(PaddingAmounts, OddExtraGoesBottomRight) {
  // 7 -> 4 with k=3, s=2: total (4-1)*2 + 3 - 7 = 2 -> 1 before, 1 after.
  EXPECT_EQ(paddingAmounts(7, 3, 2, 1, Padding::same), Pad(1, 1));
  // 28 -> 14 with k=3, s=2: total 13*2 + 3 - 28 = 1 -> 0 before, 1 after.
  EXPECT_EQ(paddingAmounts(28, 3, 2, 1, Padding::same), Pad(0, 1));
  // 4 -> 2 with k=2, s=2: no padding needed.
  EXPECT_EQ(paddingAmounts(4, 2, 2, 1, Padding::same), Pad(0, 0));
  EXPECT_EQ(paddingAmounts(28, 3, 1, 1, Padding::valid), Pad(0, 0));
}
