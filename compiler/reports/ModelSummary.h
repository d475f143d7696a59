//===- ModelSummary.h - Keras's model.summary() of `cnn` IR -----*- C++ -*-===//

#ifndef CNNC_COMPILER_REPORTS_MODELSUMMARY_H
#define CNNC_COMPILER_REPORTS_MODELSUMMARY_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

namespace cnnc {

/// Prints the table Keras 2.8-2.12's `model.summary()` prints for the model
/// in `module` (its `@forward`): one row per Keras layer (`cnn.layer`), the
/// layer's output shape and parameter count, then the totals. Fails with a
/// located error when the module holds no `@forward`.
mlir::LogicalResult printModelSummary(mlir::ModuleOp module,
                                      llvm::raw_ostream &os);

} // namespace cnnc

#endif // CNNC_COMPILER_REPORTS_MODELSUMMARY_H
