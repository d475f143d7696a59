//===- ForwardRunner.cpp - The compiled forward pass over a batch ---------===//

#include "runtime/infer/ForwardRunner.h"

#include <algorithm>

using namespace cnnc;

void cnnc::runForward(const ModelKernels &kernels, WorkerPool &pool,
                      const float *input, int64_t batch,
                      const float *const *params, float *output) {
  const ModelInfo &info = kernels.info;
  int64_t in = info.inputElements(), out = info.outputElements();
  // A round gives every thread at most one call's worth of images.
  int64_t perRound = info.imagesPerCall() * int64_t(pool.size());
  for (int64_t begin = 0; begin < batch; begin += perRound) {
    int64_t n = std::min(perRound, batch - begin);
    std::vector<int64_t> bounds = pool.shards(n);
    pool.run(unsigned(bounds.size() - 1), [&](unsigned s) {
      int64_t first = begin + bounds[s];
      kernels.forward(input + first * in, bounds[s + 1] - bounds[s], params,
                      output + first * out);
    });
  }
}
