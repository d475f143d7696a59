//===- ForwardRunner.cpp - The compiled forward pass over a batch ---------===//

#include "runtime/infer/ForwardRunner.h"

#include <algorithm>
#include <cassert>
#include <new>

using namespace cnnc;

namespace {

/// The calling thread's workspace for cnnc_forward_ws, at least `bytes`
/// long and 64-byte aligned. Each thread keeps its own (a call uses one at
/// a time) for as long as it lives, grown when a call needs more: the
/// pool's threads live across calls, so after the first call nothing is
/// allocated, mapped or faulted in again. cnnc_forward's own allocation per
/// call was, at batch 256, above glibc's mmap threshold, so every call
/// mapped, faulted in (the kernel clearing each page) and unmapped its
/// tens of MB: about 10 % of the residual network's inference time.
void *threadWorkspace(size_t bytes) {
  struct Workspace {
    void *data = nullptr;
    size_t size = 0;
    ~Workspace() { ::operator delete(data, std::align_val_t(64)); }
  };
  static thread_local Workspace workspace;
  if (workspace.size < bytes) {
    ::operator delete(workspace.data, std::align_val_t(64));
    workspace.data = nullptr;
    workspace.size = 0;
    workspace.data = ::operator new(bytes, std::align_val_t(64));
    workspace.size = bytes;
  }
  return workspace.data;
}

} // namespace

void cnnc::runForward(const ModelKernels &kernels, WorkerPool &pool,
                      const float *input, int64_t batch,
                      const float *const *params, float *output) {
  runForward(kernels, pool, std::vector<const float *>{input}, batch, params,
             output);
}

void cnnc::runForward(const ModelKernels &kernels, WorkerPool &pool,
                      const std::vector<const float *> &inputs, int64_t batch,
                      const float *const *params, float *output) {
  const ModelInfo &info = kernels.info;
  assert(inputs.size() == info.inputShapes.size() &&
         "callers check the inputs against the model");
  int64_t out = info.outputElements();
  // A round gives every thread at most one call's worth of images.
  int64_t perRound = info.imagesPerCall() * int64_t(pool.size());
  for (int64_t begin = 0; begin < batch; begin += perRound) {
    int64_t n = std::min(perRound, batch - begin);
    std::vector<int64_t> bounds = pool.shards(n);
    pool.run(unsigned(bounds.size() - 1), [&](unsigned s) {
      int64_t first = begin + bounds[s];
      int64_t count = bounds[s + 1] - bounds[s];
      if (kernels.forwardWorkspace && kernels.workspaceBytes) {
        kernels.forwardWorkspace(inputs[0] + first * info.inputElements(0),
                                 count, params, output + first * out,
                                 threadWorkspace(std::max<size_t>(
                                     1, kernels.workspaceBytes(count))));
        return;
      }
      if (kernels.forward) {
        kernels.forward(inputs[0] + first * info.inputElements(0), count,
                        params, output + first * out);
        return;
      }
      std::vector<const float *> shard(inputs.size());
      for (size_t i = 0; i < inputs.size(); ++i)
        shard[i] = inputs[i] + first * info.inputElements(i);
      kernels.forwardInputs(shard.data(), count, params, output + first * out);
    });
  }
}
