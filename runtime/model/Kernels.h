//===- Kernels.h - The entry points of a compiled model ---------*- C++ -*-===//
//
// The C functions cnnc generates (--cnn-emit-c-interface), as the runtime
// calls them, whether they come from the JIT or from a linked object.
// Arrays are row-major float32 (Keras shapes, NHWC images); `params` and
// `gradients` list one pointer per parameter, Keras order; `stats` receives
// {sum of the per-sample losses, number of correct predictions}, and for a
// model of several outputs one such pair per output after them
// (ModelInfo::statsPerCall).
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUNTIME_MODEL_KERNELS_H
#define CNNC_RUNTIME_MODEL_KERNELS_H

#include "runtime/model/ModelInfo.h"

#include <cstddef>
#include <cstdint>

namespace cnnc {

extern "C" {
/// The forward pass (inference: dropout off) of `batch` images.
using ForwardFn = void (*)(const float *input, int64_t batch,
                           const float *const *params, float *output);
/// The forward pass of a model with several inputs: `inputs` holds one
/// pointer per input, in the model's input order (cnnc_forward_inputs).
using ForwardInputsFn = void (*)(const float *const *inputs, int64_t batch,
                                 const float *const *params, float *output);
/// The training-mode forward and backward pass of `batch` samples, which
/// start at sample `first_sample` of the step's whole batch: writes the
/// gradient of `scale` times the loss summed over these samples (scale =
/// 1 / the whole batch's size makes the shards' gradients add up to that of
/// Keras's mean loss). `labels` are int32 class indices or float targets
/// shaped like the output (ModelInfo::sparseLabels). `seed` and `step`
/// (with first_sample) fix the dropout masks.
using TrainGradientsFn = void (*)(const float *input, const void *labels,
                                  int64_t batch, const float *const *params,
                                  float scale, int64_t seed, int64_t step,
                                  int64_t first_sample, float *stats,
                                  float *const *gradients);
/// The loss and accuracy count of `batch` samples in inference mode.
using EvaluateFn = void (*)(const float *input, const void *labels,
                            int64_t batch, const float *const *params,
                            float *stats);
/// One optimizer step: `params` (all parameters end to end), `state`
/// (ModelInfo::stateSlots rows of as many floats) and `gradients` (`shards`
/// rows, summed) as laid out by the Trainer; `iteration` = steps taken.
/// Updates parameters [begin, begin + count) of each row only, so that
/// threads can update disjoint parts at once.
using ApplyGradientsFn = void (*)(float *params, float *state,
                                  const float *gradients, int64_t shards,
                                  int64_t iteration, int64_t begin,
                                  int64_t count);
/// The forward pass without allocating: its intermediate tensors live in
/// `workspace`, 64-byte aligned and WorkspaceBytesFn(batch) bytes long
/// (cnnc_forward_ws, cnnc_workspace_bytes).
using ForwardWorkspaceFn = void (*)(const float *input, int64_t batch,
                                    const float *const *params, float *output,
                                    void *workspace);
using WorkspaceBytesFn = size_t (*)(int64_t batch);
/// What a training step calls (when set) once the gradients of parameters
/// [first_param, P) are final, while those of [0, first_param) are still
/// being computed (--cnn-gradient-ready-hook).
using GradientReadyFn = void (*)(int64_t first_param);
/// What a training step calls (when set) for the totals over the batch's
/// chunks of its `length` partial sums at `sums`, which it then reads back
/// from there (--cnn-lower-chunk-sums).
using SumAcrossChunksFn = void (*)(double *sums, int64_t length);
}

/// A compiled model: its description and entry points. The training
/// entries are null when the code was compiled without a training step.
struct ModelKernels {
  ModelInfo info;
  /// A model of one input has `forward`, one of several `forwardInputs`.
  ForwardFn forward = nullptr;
  ForwardInputsFn forwardInputs = nullptr;
  TrainGradientsFn trainGradients = nullptr;
  EvaluateFn evaluate = nullptr;
  ApplyGradientsFn applyGradients = nullptr;
  /// A single-input model's allocation-free forward pass, which the
  /// runner prefers to `forward` (null where the code has none).
  ForwardWorkspaceFn forwardWorkspace = nullptr;
  WorkspaceBytesFn workspaceBytes = nullptr;
  /// The compiled code's `cnnc_gradient_ready_hook`, which the runtime may
  /// point at its function; null when the code has none.
  GradientReadyFn *gradientReadyHook = nullptr;
  /// The compiled code's `cnnc_sum_across_chunks_hook`, which the runtime
  /// points at its function; null when the step has no sums across chunks.
  SumAcrossChunksFn *sumAcrossChunksHook = nullptr;
};

} // namespace cnnc

#endif // CNNC_RUNTIME_MODEL_KERNELS_H
