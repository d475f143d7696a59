//===- LockstepChunksTest.cpp - A batch's chunks through shared sums ------===//
//
// LockstepChunks runs each chunk's call of the step as a coroutine that
// stops at each sum across chunks until every chunk has reached it; then
// every chunk gets the sum of all chunks' partial sums, added in chunk
// order from +0, whatever the thread count. Here a stand-in for the
// compiled step calls the hook as the real one does (a packed vector:
// the element count first), through the slot the runtime sets.
//
//===----------------------------------------------------------------------===//

#include "runtime/train/LockstepChunks.h"
#include "runtime/distributed/ProcessGroup.h"

#include <gtest/gtest.h>

#include <vector>

using namespace cnnc;

namespace {

/// The compiled code's `cnnc_sum_across_chunks_hook`.
SumAcrossChunksFn hookSlot = nullptr;

ModelKernels kernelsWithHook() {
  ModelKernels kernels;
  kernels.sumAcrossChunksHook = &hookSlot;
  return kernels;
}

/// Chunk k's partial sum: large terms of alternating sign around small
/// ones, so that another order of addition gives other bits.
double partialOf(int64_t k) {
  return k % 3 == 0 ? 1e16 : (k % 3 == 1 ? 1.0 + k : -1e16);
}

/// What one chunk saw: the totals of its two sums.
struct Seen {
  std::vector<double> first, second;
};

/// A step with two sums, the second depending on the first's total (as a
/// variance on the mean).
void fakeStep(int64_t k, Seen &seen) {
  std::vector<double> sums{1.0, partialOf(k), static_cast<double>(k)};
  hookSlot(sums.data(), 3);
  seen.first = sums;
  std::vector<double> more{sums[1] * 0.5 + k};
  hookSlot(more.data(), 1);
  seen.second = more;
}

/// One process's fold of the rows.
void addRows(const double *rows, int64_t length, double *total, int64_t count) {
  singleProcess().sumChunkSums(rows, count, count, length, total);
}

} // namespace

TEST(LockstepChunksTest, InstallNeedsTheCompiledHook) {
  ModelKernels without;
  EXPECT_FALSE(LockstepChunks::install(without));
  EXPECT_TRUE(LockstepChunks::install(kernelsWithHook()));
  EXPECT_NE(hookSlot, nullptr);
}

// Every chunk sees the left fold of all chunks' partial sums in chunk
// order, at 1, 2 and 3 threads, for 1 to 7 chunks (threads owning several
// chunks, and more threads than chunks).
TEST(LockstepChunksTest, EveryChunkGetsTheTotalsInChunkOrder) {
  ASSERT_TRUE(LockstepChunks::install(kernelsWithHook()));
  for (unsigned threads : {1u, 2u, 3u}) {
    WorkerPool pool(threads);
    LockstepChunks lockstep;
    for (int64_t count = 1; count <= 7; ++count) {
      SCOPED_TRACE(testing::Message()
                   << threads << " threads, " << count << " chunks");
      double sum = 0.0, indices = 0.0;
      for (int64_t k = 0; k < count; ++k) {
        sum += partialOf(k);
        indices += static_cast<double>(k);
      }
      double second = 0.0;
      for (int64_t k = 0; k < count; ++k)
        second += sum * 0.5 + k;
      std::vector<Seen> seen(count);
      lockstep.run(
          pool, count, [&](int64_t k) { fakeStep(k, seen[k]); },
          [&](const double *rows, int64_t length, double *total) {
            addRows(rows, length, total, count);
          });
      for (int64_t k = 0; k < count; ++k) {
        EXPECT_EQ(seen[k].first,
                  (std::vector<double>{double(count), sum, indices}));
        EXPECT_EQ(seen[k].second, std::vector<double>{second});
      }
    }
  }
}

// Outside run() (a call that computes the whole batch) the hook leaves the
// sums as they are.
TEST(LockstepChunksTest, OutsideRunTheSumsStay) {
  ASSERT_TRUE(LockstepChunks::install(kernelsWithHook()));
  Seen seen;
  fakeStep(4, seen);
  EXPECT_EQ(seen.first, (std::vector<double>{1.0, partialOf(4), 4.0}));
  EXPECT_EQ(seen.second, std::vector<double>{partialOf(4) * 0.5 + 4});
}

// A chunk whose call reaches another sum than the others is a fault of
// the compiler: one line and an abort, not a wrong total.
TEST(LockstepChunksDeathTest, ChunksThatDisagreeAbort) {
  ASSERT_TRUE(LockstepChunks::install(kernelsWithHook()));
  WorkerPool pool(1);
  LockstepChunks lockstep;
  EXPECT_DEATH(lockstep.run(
                   pool, 2,
                   [&](int64_t k) {
                     std::vector<double> sums(k + 1, 1.0);
                     hookSlot(sums.data(), k + 1);
                   },
                   [](const double *, int64_t, double *) {}),
               "the chunks of a batch reached different sums across chunks");
}
