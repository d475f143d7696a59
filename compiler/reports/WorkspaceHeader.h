//===- WorkspaceHeader.h - model.h's memory declarations --------*- C++ -*-===//

#ifndef CNNC_COMPILER_REPORTS_WORKSPACEHEADER_H
#define CNNC_COMPILER_REPORTS_WORKSPACEHEADER_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/raw_ostream.h"

namespace cnnc {

/// The bytes of @forward's parameters (its arguments that name a Keras
/// weight), all float32.
int64_t weightsBytes(mlir::func::FuncOp forward);

/// Writes model.h's memory part for `forward` (`cnn` level):
/// CNNC_WEIGHTS_BYTES, cnnc_param_elements, cnnc_workspace_bytes and
/// cnnc_forward_ws, which --cnn-emit-workspace-interface defines.
void writeWorkspaceDeclarations(mlir::func::FuncOp forward,
                                llvm::raw_ostream &os);

} // namespace cnnc

#endif // CNNC_COMPILER_REPORTS_WORKSPACEHEADER_H
