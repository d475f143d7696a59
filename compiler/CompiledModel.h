//===- CompiledModel.h - A model, JIT-compiled ------------------*- C++ -*-===//
//
// The in-process route: `cnn` IR through the same pipeline as `cnnc -o`,
// then MLIR's ExecutionEngine. The entry point has the plain C ABI that the
// AOT object exports too:
//
//   void cnnc_forward(const float *input, int64_t batch,
//                     const float *const *params, float *output);
//
// `input` is NHWC float32 (batch x the model's input shape), `params` the
// model's parameters in Keras order (each row-major in its Keras shape:
// Conv2D kernels (kh, kw, cin, filters), Dense kernels (in, units), biases),
// `output` batch x the model's output shape. Images are independent, so a
// batch may be split across threads, each calling with its own slice.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_COMPILER_COMPILEDMODEL_H
#define CNNC_COMPILER_COMPILEDMODEL_H

#include "compiler/Pipeline.h"
#include "runtime/model/Kernels.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace mlir {
class ExecutionEngine;
} // namespace mlir

namespace cnnc {

class CompiledModel {
public:
  /// Compiles `module` (a `cnn` module holding @forward; consumed) in
  /// process. Errors are located MLIR diagnostics (reported through the
  /// context) or an llvm::Error from the JIT.
  static llvm::Expected<std::unique_ptr<CompiledModel>>
  compile(mlir::ModuleOp module, const PipelineOptions &options);
  ~CompiledModel();

  /// Runs the forward pass on `batch` images, split over `threads` threads
  /// (0 = all cores). Results do not depend on the thread count.
  void forward(const float *input, int64_t batch, const float *const *params,
               float *output, unsigned threads = 0) const;

  /// Elements per image of the input and the output.
  int64_t inputElementsPerImage() const { return inputElements; }
  int64_t outputElementsPerImage() const { return outputElements; }
  /// Input and output shapes without the batch dimension.
  const std::vector<int64_t> &inputShape() const { return inputDims; }
  const std::vector<int64_t> &outputShape() const { return outputDims; }
  /// Parameter shapes in Keras order.
  const std::vector<std::vector<int64_t>> &paramShapes() const {
    return params;
  }
  /// The entry points and the model's description, for the runtime (the
  /// training ones when compiled with PipelineOptions::train).
  const ModelKernels &kernels() const { return entries; }

private:
  CompiledModel() = default;
  std::unique_ptr<mlir::ExecutionEngine> engine;
  ModelKernels entries;
  int64_t inputElements = 0, outputElements = 0;
  int64_t maxImagesPerCall = 256;
  std::vector<int64_t> inputDims, outputDims;
  std::vector<std::vector<int64_t>> params;
};

} // namespace cnnc

#endif // CNNC_COMPILER_COMPILEDMODEL_H
