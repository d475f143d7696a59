//===- ForwardRunner.cpp - The compiled forward pass over a batch ---------===//

#include "runtime/infer/ForwardRunner.h"

#include <algorithm>
#include <cassert>
#include <cstdlib>

using namespace cnnc;

namespace {

/// This thread's workspace for cnnc_forward_ws, grown to `bytes` (64-byte
/// aligned) and kept for the thread's life. cnnc_forward allocates its
/// workspace per call and frees it on return; several MB (batch 256) sit
/// near glibc's mmap and trim thresholds, so depending on the sizes around
/// them each call could map fresh pages and fault every one of them in:
/// lesson-bn's inference spent most of its time in the kernel's page
/// fault handler (bench/README.md). Worker threads live as long as their
/// pool, so the buffer is reused call after call.
void *threadWorkspace(int64_t bytes) {
  struct Buffer {
    void *data = nullptr;
    int64_t size = 0;
    ~Buffer() { std::free(data); }
  };
  thread_local Buffer buffer;
  if (bytes > buffer.size) {
    std::free(buffer.data);
    // aligned_alloc wants a multiple of the alignment.
    int64_t rounded = (bytes + 63) / 64 * 64;
    buffer.data = std::aligned_alloc(64, size_t(rounded));
    buffer.size = buffer.data ? rounded : 0;
  }
  return buffer.data;
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
      if (kernels.forwardWs && kernels.workspaceBytes) {
        if (void *workspace = threadWorkspace(kernels.workspaceBytes(count))) {
          kernels.forwardWs(inputs[0] + first * info.inputElements(0), count,
                            params, output + first * out, workspace);
          return;
        }
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
