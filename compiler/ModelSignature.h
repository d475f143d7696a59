//===- ModelSignature.h - What the pipeline accepts as a model --*- C++ -*-===//

#ifndef CNNC_COMPILER_MODELSIGNATURE_H
#define CNNC_COMPILER_MODELSIGNATURE_H

#include "mlir/IR/BuiltinOps.h"

namespace cnnc {

/// Checks that `module` holds a model the pipeline can compile, reporting
/// the first problem at its location: `func.func @forward` with a body,
/// whose first argument is the input (a ranked f32 tensor with a dynamic
/// batch), whose other arguments are parameters (static f32 tensors), with
/// one result (an f32 tensor with a dynamic batch), and whose body holds
/// only `cnn` ops and its return. Frontends always produce such modules; a
/// hand-written `.mlir` may not, and must get an error rather than code
/// that reads or writes out of bounds.
mlir::LogicalResult verifyModelSignature(mlir::ModuleOp module);

} // namespace cnnc

#endif // CNNC_COMPILER_MODELSIGNATURE_H
