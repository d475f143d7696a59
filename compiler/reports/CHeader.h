//===- CHeader.h - The C header beside an AOT object ------------*- C++ -*-===//

#ifndef CNNC_COMPILER_REPORTS_CHEADER_H
#define CNNC_COMPILER_REPORTS_CHEADER_H

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace cnnc {

/// The header declaring `cnnc_forward` for the model in `module` (`cnn`
/// level, before lowering): its shapes, its parameters in Keras order, and
/// how to call it; with `trainStep`, the training entry points too.
/// `headerName` (e.g. "model.h") names the include guard.
std::string buildCHeader(mlir::ModuleOp module, bool trainStep,
                         llvm::StringRef headerName,
                         llvm::StringRef sourceName);

} // namespace cnnc

#endif // CNNC_COMPILER_REPORTS_CHEADER_H
