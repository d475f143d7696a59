//===- ChunksTest.cpp - The fixed cut of a batch and the ordered sum ------===//

#include "runtime/train/Chunks.h"
#include "runtime/distributed/ProcessGroup.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace cnnc;

TEST(ChunksTest, CountsAndSizesDependOnTheImagesOnly) {
  EXPECT_EQ(chunkCount(0, 8), 0);
  EXPECT_EQ(chunkCount(1, 8), 1);
  EXPECT_EQ(chunkCount(32, 8), 4);
  EXPECT_EQ(chunkCount(28, 8), 4);
  EXPECT_EQ(chunkFirstImage(3, 8), 24);
  EXPECT_EQ(chunkImageCount(3, 28, 8), 4);
  EXPECT_EQ(chunkImageCount(2, 28, 8), 8);
}

// Workers (ranks or threads) own contiguous runs that cover every chunk
// once, in order, whatever their number, even with more workers than
// chunks (some then own none).
TEST(ChunksTest, WorkersOwnContiguousRunsCoveringAllChunks) {
  for (int64_t chunks = 0; chunks <= 40; ++chunks)
    for (int64_t workers = 1; workers <= 7; ++workers) {
      int64_t next = 0, smallest = chunks, largest = 0;
      for (int64_t w = 0; w < workers; ++w) {
        ChunkRange range = chunksOfWorker(chunks, w, workers);
        EXPECT_EQ(range.begin, next) << chunks << " chunks, worker " << w;
        EXPECT_GE(range.size(), 0);
        smallest = std::min(smallest, range.size());
        largest = std::max(largest, range.size());
        next = range.end;
      }
      EXPECT_EQ(next, chunks);
      EXPECT_LE(largest - smallest, 1);
    }
}

// The group's sum is the left fold from +0 in row order, the fold the
// compiled update does: with rows where order matters (1 + 1e8 rounds the
// 1 away), it gives the in-order result, and a -0 gradient becomes +0 as
// 0 + (-0) does in the update. The stats add up in double in the same
// order, and a group of one agrees on its own signal.
TEST(ChunksTest, SumInChunkOrderIsTheLeftFoldFromZero) {
  std::vector<float> rows = {1.0f, -0.0f, 1e8f, -0.0f, -1e8f, -0.0f};
  std::vector<float> stats = {0.5f, 1.0f, 0.25f, 0.0f, 0.125f, 1.0f};
  std::vector<float> total(2);
  StepTotals totals;
  singleProcess().sumStep(rows.data(), 3, 2, stats.data(), 15, total.data(),
                          totals);
  volatile float one = 1.0f, big = 1e8f; // computed at run time
  float inOrder = ((0.0f + one) + big) + -big;
  float otherOrder = (0.0f + one) + (big + -big);
  ASSERT_NE(inOrder, otherOrder); // the order matters for these rows
  EXPECT_EQ(total[0], inOrder);
  EXPECT_EQ(total[1], 0.0f);
  EXPECT_FALSE(std::signbit(total[1]));
  EXPECT_EQ(totals.lossSum, 0.875);
  EXPECT_EQ(totals.correct, 2.0);
  EXPECT_EQ(totals.stopSignal, 15);
}

// The ranks' update slices cover the parameters once, in order, cut at
// multiples of 16 floats (the last ending at the count), whatever the
// number of ranks, even with more ranks than 16-float pieces.
TEST(ChunksTest, UpdateSlicesCoverTheParametersAtMultiplesOf16) {
  for (int64_t count : {0, 5, 16, 100, 113386})
    for (int64_t ranks = 1; ranks <= 9; ++ranks) {
      int64_t next = 0;
      for (int64_t r = 0; r < ranks; ++r) {
        ParamSlice slice = sliceOfRank(count, r, ranks);
        EXPECT_EQ(slice.begin, next) << count << " floats, rank " << r;
        EXPECT_GE(slice.size(), 0);
        if (r + 1 < ranks)
          EXPECT_EQ(slice.end % 16, 0) << count << " floats, rank " << r;
        next = slice.end;
      }
      EXPECT_EQ(next, count);
    }
}
