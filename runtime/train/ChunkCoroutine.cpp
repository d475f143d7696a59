//===- ChunkCoroutine.cpp - A chunk's call on a stack of its own ----------===//

#include "runtime/train/ChunkCoroutine.h"

#include <cstdio>
#include <cstdlib>

#include <sys/mman.h>

using namespace cnnc;

static constexpr size_t kStackBytes = 8 << 20;
static constexpr size_t kGuardBytes = 4096;

ChunkCoroutine::ChunkCoroutine() {
  stack = mmap(nullptr, kStackBytes, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) {
    std::perror("cnnc: error: allocating a chunk's stack");
    std::exit(1);
  }
  mprotect(stack, kGuardBytes, PROT_NONE);
}

ChunkCoroutine::~ChunkCoroutine() { munmap(stack, kStackBytes); }

void ChunkCoroutine::prepare(void (*entry)(), ucontext_t *scheduler) {
  finished = false;
  getcontext(&context);
  context.uc_stack.ss_sp = stack;
  context.uc_stack.ss_size = kStackBytes;
  context.uc_link = scheduler;
  makecontext(&context, entry, 0);
}
