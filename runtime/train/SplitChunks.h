//===- SplitChunks.h - Every chunk's head, then every chunk's tail -*- C++ -*-//
//
// The overlap of the gradient's sum with the backward pass (docs/compiler.md
// §10, "Overlap"). The compiled step calls cnnc_gradient_ready(s) once the
// gradients of parameters [s, P) (the last layers') are final. A rank that
// runs its chunks one after another would only have them final for all its
// chunks at its very end; so each chunk's call runs as a coroutine on a
// stack of its own, suspended at that call: first every chunk's head
// (forward, loss, last layers' backward), then, while the ranks sum those
// gradients, every chunk's tail. The calls are the compiled ones, whole:
// nothing is computed twice, and each chunk's activations stay on its
// heap until its tail ends. Coroutines rather than threads, so that the
// process's one MPI thread (MPI_THREAD_FUNNELED) runs the sum between
// tails, and a rank of one thread never shares its core.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUNTIME_TRAIN_SPLITCHUNKS_H
#define CNNC_RUNTIME_TRAIN_SPLITCHUNKS_H

#include "runtime/model/Kernels.h"
#include "runtime/train/ChunkCoroutine.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace cnnc {

class SplitChunks {
public:
  /// Points the compiled code's hook at this runtime's function, which
  /// suspends the chunk that calls it inside run() and records `s`
  /// elsewhere. False when the code has no hook.
  static bool install(const ModelKernels &kernels);

  /// The `s` the compiled step last reported, from any thread; -1 if none.
  static int64_t reportedSplit();

  SplitChunks();
  ~SplitChunks();
  SplitChunks(const SplitChunks &) = delete;
  SplitChunks &operator=(const SplitChunks &) = delete;

  /// Runs `chunk(0)` .. `chunk(count - 1)` on this thread, each up to its
  /// gradient-ready call (or its end); `betweenTails` runs once every head
  /// is done, with the reported `s` (-1 if no chunk reported one), then
  /// the tails run in order, `afterTail` after each.
  void run(int64_t count, const std::function<void(int64_t)> &chunk,
           const std::function<void(int64_t)> &afterHeads,
           const std::function<void()> &afterTail);

private:
  std::vector<std::unique_ptr<ChunkCoroutine>> coroutines;
};

} // namespace cnnc

#endif // CNNC_RUNTIME_TRAIN_SPLITCHUNKS_H
