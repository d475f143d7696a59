//===- ForwardRunner.h - The compiled forward pass over a batch -*- C++ -*-===//
//
// The one way cnnc runs a compiled model's forward pass on many images:
// `cnnc predict`, the test-set speed `cnnc train` reports, the benchmark and
// the AOT drivers all come here, whether the code is JIT-compiled or linked.
// Images are independent, so a batch is cut into the pool's shards
// (WorkerPool::shards), each thread runs its shard, and no call takes more
// than ModelInfo::imagesPerCall() images (a call's temporaries grow with its
// batch). The result does not depend on the thread count.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUNTIME_INFER_FORWARDRUNNER_H
#define CNNC_RUNTIME_INFER_FORWARDRUNNER_H

#include "runtime/model/Kernels.h"
#include "runtime/support/WorkerPool.h"

#include <cstdint>
#include <vector>

namespace cnnc {

/// Runs `kernels.forward` on `batch` images of `input` (NHWC float32, the
/// model's input shape each) into `output` (the output shape each), with
/// `params` one pointer per parameter (paramPointers()).
void runForward(const ModelKernels &kernels, WorkerPool &pool,
                const float *input, int64_t batch, const float *const *params,
                float *output);

/// The same for a model with any number of inputs: `inputs` holds one
/// pointer per model input, in its input order, each `batch` images of that
/// input's shape.
void runForward(const ModelKernels &kernels, WorkerPool &pool,
                const std::vector<const float *> &inputs, int64_t batch,
                const float *const *params, float *output);

} // namespace cnnc

#endif // CNNC_RUNTIME_INFER_FORWARDRUNNER_H
