//===- SplitChunks.cpp - Every chunk's head, then every chunk's tail ------===//

#include "runtime/train/SplitChunks.h"

#include <atomic>
#include <cassert>

using namespace cnnc;

namespace {

std::atomic<int64_t> lastSplit{-1};

/// What the coroutine running on this thread is (null outside run()).
struct Running {
  ucontext_t *scheduler = nullptr;
  ucontext_t *self = nullptr;
  const std::function<void(int64_t)> *chunk = nullptr;
  int64_t index = 0;
  bool *finished = nullptr;
};
thread_local Running running;

extern "C" void gradientReady(int64_t firstParam) {
  lastSplit.store(firstParam, std::memory_order_relaxed);
  // Called by a chunk that run() started: back to the scheduler, which
  // resumes the chunk for its tail.
  if (running.self)
    swapcontext(running.self, running.scheduler);
}

void startChunk() {
  (*running.chunk)(running.index);
  *running.finished = true;
  // Returning switches to uc_link, the scheduler.
}

} // namespace

bool SplitChunks::install(const ModelKernels &kernels) {
  if (!kernels.gradientReadyHook)
    return false;
  *kernels.gradientReadyHook = gradientReady;
  return true;
}

int64_t SplitChunks::reportedSplit() {
  return lastSplit.load(std::memory_order_relaxed);
}

SplitChunks::SplitChunks() = default;
SplitChunks::~SplitChunks() = default;

void SplitChunks::run(int64_t count, const std::function<void(int64_t)> &chunk,
                      const std::function<void(int64_t)> &afterHeads,
                      const std::function<void()> &afterTail) {
  while (static_cast<int64_t>(coroutines.size()) < count)
    coroutines.push_back(std::make_unique<ChunkCoroutine>());
  ucontext_t scheduler;
  auto resume = [&](int64_t k) {
    ChunkCoroutine &c = *coroutines[k];
    running = {&scheduler, &c.context, &chunk, k, &c.finished};
    c.resume(&scheduler);
    running = Running();
  };
  lastSplit.store(-1, std::memory_order_relaxed);
  for (int64_t k = 0; k < count; ++k) {
    coroutines[k]->prepare(startChunk, &scheduler);
    resume(k); // the head: up to the gradient-ready call
  }
  afterHeads(reportedSplit());
  for (int64_t k = 0; k < count; ++k) {
    if (!coroutines[k]->finished)
      resume(k); // the tail
    assert(coroutines[k]->finished && "a chunk reported twice");
    afterTail();
  }
}
