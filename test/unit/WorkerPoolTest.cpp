//===- WorkerPoolTest.cpp - Every part runs once, jobs follow each other --===//

#include "runtime/support/WorkerPool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

using namespace cnnc;

namespace {

/// Runs `jobs` jobs of `parts` parts back to back; each part counts itself.
void runJobs(WorkerPool &pool, unsigned jobs, unsigned parts) {
  std::vector<std::atomic<int>> counts(parts);
  for (unsigned job = 0; job < jobs; ++job) {
    for (auto &count : counts)
      count.store(0);
    pool.run(parts, [&](unsigned p) { counts[p].fetch_add(1); });
    // run() returns only when every part has run, each exactly once.
    for (unsigned p = 0; p < parts; ++p)
      ASSERT_EQ(counts[p].load(), 1) << "job " << job << ", part " << p;
  }
}

TEST(WorkerPool, EveryPartRunsOnceInJobsBackToBack) {
  WorkerPool pool(2);
  runJobs(pool, 2000, 2);
}

TEST(WorkerPool, MorePartsThanWorkers) {
  WorkerPool pool(2);
  runJobs(pool, 500, 7);
}

TEST(WorkerPool, MoreThreadsThanCoresDoNotSpin) {
  // 16 threads on however few cores: waits sleep instead of spinning, and
  // the jobs still complete.
  WorkerPool pool(16);
  runJobs(pool, 200, 16);
}

TEST(WorkerPool, OnePartOrOneThreadRunsOnTheCaller) {
  WorkerPool single(1);
  runJobs(single, 10, 3);
  WorkerPool pool(4);
  runJobs(pool, 10, 1);
}

TEST(WorkerPool, DestroyedRightAfterAJob) {
  for (int i = 0; i < 50; ++i) {
    WorkerPool pool(3);
    runJobs(pool, 1, 3);
  }
}

} // namespace

TEST(WorkerPool, ShardsCoverTheBatchEvenlyAndAreNeverEmpty) {
  WorkerPool pool(3);
  EXPECT_EQ(pool.shards(10), (std::vector<int64_t>{0, 3, 6, 10}));
  EXPECT_EQ(pool.shards(2), (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(pool.shards(1), (std::vector<int64_t>{0, 1}));
  // An empty batch is one empty shard, so callers need no special case.
  EXPECT_EQ(pool.shards(0), (std::vector<int64_t>{0, 0}));
}
