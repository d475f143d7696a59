//===- ModelDescription.h - A cnn module as the runtime sees it -*- C++ -*-===//
//
// The compiler's side of runtime/model/ModelInfo.h: reads shapes,
// parameters, initializers and training settings off a `cnn` module (after
// --cnn-build-train-step, if it ran, and before lowering).
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_COMPILER_REPORTS_MODELDESCRIPTION_H
#define CNNC_COMPILER_REPORTS_MODELDESCRIPTION_H

#include "runtime/model/ModelInfo.h"

#include "mlir/IR/BuiltinOps.h"

namespace cnnc {

/// Describes `module`, which must be a verified model (a module marked
/// cnn.model: dialects/cnn/ModelContract.h).
ModelInfo describeModel(mlir::ModuleOp module);

} // namespace cnnc

#endif // CNNC_COMPILER_REPORTS_MODELDESCRIPTION_H
