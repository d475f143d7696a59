//===- LockstepChunks.cpp - A batch's chunks through its shared sums ------===//

#include "runtime/train/LockstepChunks.h"
#include "runtime/train/Chunks.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <thread>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

using namespace cnnc;

struct LockstepChunks::Chunk {
  ChunkCoroutine coroutine;
  /// Where the call waits for the batch's totals; null when it is not
  /// waiting (running, or finished).
  double *sums = nullptr;
  int64_t length = 0;
};

namespace {

/// The chunk running on this thread inside run() (null outside).
struct Current {
  ucontext_t *scheduler = nullptr;
  LockstepChunks::Chunk *chunk = nullptr;
  const std::function<void(int64_t)> *body = nullptr;
  int64_t index = 0;
};
thread_local Current current;

extern "C" void sumAcrossChunks(double *sums, int64_t length) {
  LockstepChunks::Chunk *chunk = current.chunk;
  if (!chunk)
    return; // a call that computes the whole batch: its sums are the total
  chunk->sums = sums;
  chunk->length = length;
  swapcontext(&chunk->coroutine.context, current.scheduler);
}

void startChunk() {
  (*current.body)(current.index);
  current.chunk->coroutine.finished = true;
  // Returning switches to uc_link, the scheduler.
}

[[noreturn]] void chunksDisagree() {
  // The chunks run one compiled function, so they reach the same sums in
  // the same order; anything else is a fault of the compiler.
  std::fputs("cnnc: internal error: the chunks of a batch reached different "
             "sums across chunks\n",
             stderr);
  std::abort();
}

} // namespace

bool LockstepChunks::install(const ModelKernels &kernels) {
  if (!kernels.sumAcrossChunksHook)
    return false;
  *kernels.sumAcrossChunksHook = sumAcrossChunks;
  return true;
}

LockstepChunks::LockstepChunks() = default;
LockstepChunks::~LockstepChunks() = default;

void LockstepChunks::barrier(unsigned parties) {
  if (parties == 1)
    return;
  // Read before arriving: the last to arrive moves the generation on.
  uint64_t seen = generation.load(std::memory_order_acquire);
  if (arrived.fetch_add(1, std::memory_order_acq_rel) + 1 == parties) {
    arrived.store(0, std::memory_order_relaxed);
    generation.fetch_add(1, std::memory_order_release);
    return;
  }
  // The wait is for another chunk's part of one layer: short, so spin,
  // and yield the core once it is not (more threads than cores).
  for (unsigned i = 1; generation.load(std::memory_order_acquire) == seen;
       ++i) {
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#endif
    if (i % 1024 == 0)
      std::this_thread::yield();
  }
}

bool LockstepChunks::addSums(int64_t count, const AddRows &addRows) {
  const Chunk &first = *chunks[0];
  if (!first.sums) {
    for (int64_t k = 0; k < count; ++k)
      if (!chunks[k]->coroutine.finished)
        chunksDisagree();
    return false;
  }
  int64_t length = first.length;
  rows.resize(count * length);
  for (int64_t k = 0; k < count; ++k) {
    const Chunk &chunk = *chunks[k];
    if (!chunk.sums || chunk.length != length)
      chunksDisagree();
    std::copy_n(chunk.sums, length, rows.begin() + k * length);
  }
  total.resize(length);
  addRows(rows.data(), length, total.data());
  return true;
}

void LockstepChunks::run(WorkerPool &pool, int64_t count,
                         const std::function<void(int64_t)> &body,
                         const AddRows &addRows) {
  while (static_cast<int64_t>(chunks.size()) < count)
    chunks.push_back(std::make_unique<Chunk>());
  auto parts = static_cast<unsigned>(
      std::min<int64_t>(static_cast<int64_t>(pool.size()), count));
  pool.run(parts, [&](unsigned t) {
    ChunkRange mine = chunksOfWorker(count, t, parts);
    ucontext_t scheduler;
    auto resume = [&](int64_t k) {
      Chunk &chunk = *chunks[k];
      chunk.sums = nullptr;
      current = {&scheduler, &chunk, &body, k};
      chunk.coroutine.resume(&scheduler);
      current = Current();
    };
    for (int64_t k = mine.begin; k < mine.end; ++k) {
      chunks[k]->coroutine.prepare(startChunk, &scheduler);
      resume(k);
    }
    for (;;) {
      // Every chunk waits at the same sum (or has finished): the calling
      // thread (the one that talks to MPI) adds them up, then each thread
      // hands the total to its own chunks.
      barrier(parts);
      if (t == 0)
        goOn = addSums(count, addRows);
      barrier(parts);
      if (!goOn)
        break;
      for (int64_t k = mine.begin; k < mine.end; ++k) {
        std::copy(total.begin(), total.end(), chunks[k]->sums);
        resume(k);
      }
    }
  });
}
