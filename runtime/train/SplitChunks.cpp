//===- SplitChunks.cpp - Every chunk's head, then every chunk's tail ------===//

#include "runtime/train/SplitChunks.h"

#include <atomic>
#include <cassert>
#include <cstdio>
#include <cstdlib>

#include <sys/mman.h>
#include <ucontext.h>

using namespace cnnc;

namespace {

/// A chunk's call uses the stack as a thread's would: the compiled code's
/// buffers are on the heap, so this is ample; the pages are only committed
/// as touched. The lowest page is left inaccessible, so that an overflow
/// faults instead of writing the next stack.
constexpr size_t kStackBytes = 8 << 20;
constexpr size_t kGuardBytes = 4096;

std::atomic<int64_t> lastSplit{-1};

} // namespace

struct SplitChunks::Coroutine {
  ucontext_t context;
  void *stack = nullptr;
  bool finished = false;

  Coroutine() {
    stack =
        mmap(nullptr, kStackBytes, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) {
      std::perror("cnnc: error: allocating a chunk's stack");
      std::exit(1);
    }
    mprotect(stack, kGuardBytes, PROT_NONE);
  }
  ~Coroutine() { munmap(stack, kStackBytes); }
};

namespace {

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
    coroutines.push_back(std::make_unique<Coroutine>());
  ucontext_t scheduler;
  auto resume = [&](int64_t k) {
    Coroutine &c = *coroutines[k];
    running = {&scheduler, &c.context, &chunk, k, &c.finished};
    swapcontext(&scheduler, &c.context);
    running = Running();
  };
  lastSplit.store(-1, std::memory_order_relaxed);
  for (int64_t k = 0; k < count; ++k) {
    Coroutine &c = *coroutines[k];
    c.finished = false;
    getcontext(&c.context);
    c.context.uc_stack.ss_sp = c.stack;
    c.context.uc_stack.ss_size = kStackBytes;
    c.context.uc_link = &scheduler;
    makecontext(&c.context, startChunk, 0);
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
