//===- ForwardRunner.cpp - The compiled forward pass over a batch ---------===//

#include "runtime/infer/ForwardRunner.h"

#include <algorithm>
#include <cassert>

using namespace cnnc;

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
