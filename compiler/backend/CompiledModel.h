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
// `output` batch x the model's output shape. runtime/infer/ForwardRunner
// runs it over a batch; the runtime's Trainer runs the training entries.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_COMPILER_BACKEND_COMPILEDMODEL_H
#define CNNC_COMPILER_BACKEND_COMPILEDMODEL_H

#include "compiler/backend/Pipeline.h"
#include "runtime/model/Kernels.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <memory>

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

  /// The entry points and the model's description, for the runtime (the
  /// training ones when compiled with PipelineOptions::train).
  const ModelKernels &kernels() const { return entries; }

private:
  CompiledModel() = default;
  std::unique_ptr<mlir::ExecutionEngine> engine;
  ModelKernels entries;
};

} // namespace cnnc

#endif // CNNC_COMPILER_BACKEND_COMPILEDMODEL_H
