//===- LoadModel.h - Read any model file into `cnn` IR ----------*- C++ -*-===//

#ifndef CNNC_FRONTENDS_LOADMODEL_H
#define CNNC_FRONTENDS_LOADMODEL_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace cnnc {

/// Reads MODEL as `cnn` IR: a Keras Python file (.py), Keras / TF.js JSON
/// (.json) or MLIR (.mlir). Every error, the frontends' included, is reported
/// through the context's diagnostic engine at its place in the file, and
/// null is returned.
mlir::OwningOpRef<mlir::ModuleOp> loadModel(llvm::StringRef path,
                                            mlir::MLIRContext &context);

/// Registers what a `cnn` module may contain (cnn, func).
void registerModelDialects(mlir::DialectRegistry &registry);

} // namespace cnnc

#endif // CNNC_FRONTENDS_LOADMODEL_H
