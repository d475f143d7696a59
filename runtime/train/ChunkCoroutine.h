//===- ChunkCoroutine.h - A chunk's call on a stack of its own --*- C++ -*-===//
//
// The trainer suspends a chunk's call of the compiled step inside a hook the
// step calls (SplitChunks.h, LockstepChunks.h) and resumes it later on the
// same thread: each call runs as a coroutine (ucontext) on a stack of its
// own. The compiled code's buffers are on the heap, so a thread-sized stack
// is ample; its pages are only committed as touched. The lowest page is
// left inaccessible, so that an overflow faults instead of writing the
// next stack.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUNTIME_TRAIN_CHUNKCOROUTINE_H
#define CNNC_RUNTIME_TRAIN_CHUNKCOROUTINE_H

#include <ucontext.h>

namespace cnnc {

struct ChunkCoroutine {
  ucontext_t context;
  bool finished = false;

  ChunkCoroutine();
  ~ChunkCoroutine();
  ChunkCoroutine(const ChunkCoroutine &) = delete;
  ChunkCoroutine &operator=(const ChunkCoroutine &) = delete;

  /// Makes the next resume() run `entry()` from its start; returning from
  /// it switches to `scheduler`.
  void prepare(void (*entry)(), ucontext_t *scheduler);
  /// Runs the coroutine from `scheduler` until it suspends (swaps back to
  /// `scheduler`) or returns.
  void resume(ucontext_t *scheduler) { swapcontext(scheduler, &context); }

private:
  void *stack = nullptr;
};

} // namespace cnnc

#endif // CNNC_RUNTIME_TRAIN_CHUNKCOROUTINE_H
