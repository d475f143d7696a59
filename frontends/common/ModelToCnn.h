//===- ModelToCnn.h - Build `cnn` IR from a ModelSpec -----------*- C++ -*-===//

#ifndef CNNC_FRONTENDS_COMMON_MODELTOCNN_H
#define CNNC_FRONTENDS_COMMON_MODELTOCNN_H

#include "frontends/common/ModelSpec.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace cnnc {

/// Builds the module holding `func.func @forward` for `model`. Shapes are
/// inferred op by op; a layer that cannot work is reported at its location
/// through the context's diagnostic engine, and null is returned.
mlir::OwningOpRef<mlir::ModuleOp> buildCnnModule(const ModelSpec &model,
                                                 mlir::MLIRContext &context);

} // namespace cnnc

#endif // CNNC_FRONTENDS_COMMON_MODELTOCNN_H
