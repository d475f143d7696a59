//===- SplitChunksTest.cpp - Every chunk's head, then every tail ----------===//
//
// SplitChunks runs each chunk's call as a coroutine, suspended where the
// compiled step reports its last layers' gradients final (the hook): all
// heads first, then the callback that starts the sum, then the tails in
// order. Here a stand-in for the compiled step calls the hook as the real
// one does, through the slot the runtime sets.
//
//===----------------------------------------------------------------------===//

#include "runtime/train/SplitChunks.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace cnnc;

namespace {

/// The compiled code's `cnnc_gradient_ready_hook`.
GradientReadyFn hookSlot = nullptr;

/// A step that reports parameters [2, P) final half way, as
/// --cnn-gradient-ready-hook makes the compiled one do.
void fakeStep(std::vector<std::string> &log, int64_t chunk, bool reports) {
  log.push_back("head " + std::to_string(chunk));
  if (reports && hookSlot)
    hookSlot(2);
  log.push_back("tail " + std::to_string(chunk));
}

ModelKernels kernelsWithHook() {
  ModelKernels kernels;
  kernels.gradientReadyHook = &hookSlot;
  return kernels;
}

} // namespace

TEST(SplitChunksTest, InstallNeedsTheCompiledHook) {
  ModelKernels without;
  EXPECT_FALSE(SplitChunks::install(without));
  ModelKernels with = kernelsWithHook();
  EXPECT_TRUE(SplitChunks::install(with));
  EXPECT_NE(hookSlot, nullptr);
}

// Heads in chunk order, then the sum's start with the reported split, then
// each tail in order, each followed by the sum's progress.
TEST(SplitChunksTest, HeadsThenSumThenTails) {
  ASSERT_TRUE(SplitChunks::install(kernelsWithHook()));
  std::vector<std::string> log;
  SplitChunks split;
  for (int round = 0; round < 2; ++round) { // stacks are reused
    log.clear();
    split.run(
        3, [&](int64_t k) { fakeStep(log, k, true); },
        [&](int64_t from) {
          log.push_back("sum from " + std::to_string(from));
        },
        [&] { log.push_back("progress"); });
    EXPECT_EQ(log, (std::vector<std::string>{"head 0", "head 1", "head 2",
                                             "sum from 2", "tail 0", "progress",
                                             "tail 1", "progress", "tail 2",
                                             "progress"}));
  }
}

// A step that never reports runs whole in the first pass; the sum is told
// there is nothing early (-1).
TEST(SplitChunksTest, AStepWithoutTheCallRunsWhole) {
  ASSERT_TRUE(SplitChunks::install(kernelsWithHook()));
  std::vector<std::string> log;
  SplitChunks split;
  split.run(
      2, [&](int64_t k) { fakeStep(log, k, false); },
      [&](int64_t from) { log.push_back("sum from " + std::to_string(from)); },
      [&] { log.push_back("progress"); });
  EXPECT_EQ(log,
            (std::vector<std::string>{"head 0", "tail 0", "head 1", "tail 1",
                                      "sum from -1", "progress", "progress"}));
}

// Outside run() (a pool thread, one process) the hook only records the
// split and returns: the call goes on to its end.
TEST(SplitChunksTest, OutsideRunTheHookReturns) {
  ASSERT_TRUE(SplitChunks::install(kernelsWithHook()));
  std::vector<std::string> log;
  fakeStep(log, 7, true);
  EXPECT_EQ(log, (std::vector<std::string>{"head 7", "tail 7"}));
  EXPECT_EQ(SplitChunks::reportedSplit(), 2);
}
