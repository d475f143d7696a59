//===- WorkspaceHeader.h - model.h's memory declarations --------*- C++ -*-===//

#ifndef CNNC_COMPILER_REPORTS_WORKSPACEHEADER_H
#define CNNC_COMPILER_REPORTS_WORKSPACEHEADER_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace cnnc {

/// The bytes of @forward's parameters (its arguments that name a Keras
/// weight), all float32.
int64_t weightsBytes(mlir::func::FuncOp forward);

/// The C parameter names of @forward's inputs in model.h, in the model's
/// input order: `input` for a model of one input; else `input_<name>`
/// from each input's Keras name (`cnn.input`), made a C identifier and
/// unique.
std::vector<std::string> inputParameterNames(mlir::func::FuncOp forward);

/// cnnc_forward's input parameters as model.h declares them: `const float
/// *input, ` for one input; one `const float *input_<name>,` line each,
/// continued with `indent`, for several.
std::string inputParameters(mlir::func::FuncOp forward, llvm::StringRef indent);

/// Writes model.h's memory part for `forward` (`cnn` level):
/// CNNC_WEIGHTS_BYTES, cnnc_param_elements, cnnc_workspace_bytes and
/// cnnc_forward_ws, which --cnn-emit-workspace-interface defines.
void writeWorkspaceDeclarations(mlir::func::FuncOp forward,
                                llvm::raw_ostream &os);

} // namespace cnnc

#endif // CNNC_COMPILER_REPORTS_WORKSPACEHEADER_H
