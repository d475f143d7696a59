//===- RuntimeHook.h - Calls from compiled code into the runtime -*- C++
//-*-===//
//
// Compiled code calls the runtime through a weak global function pointer,
// null unless the runtime sets it: an object stays free of undefined
// symbols, and code that runs without the runtime (a unit test, a caller of
// the object that never sets it) pays one load and a branch per call.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_COMPILER_TRANSFORMS_RUNTIMEHOOK_H
#define CNNC_COMPILER_TRANSFORMS_RUNTIMEHOOK_H

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"

namespace cnnc {

/// Declares, at the end of `module`, the weak global `global` (a function
/// pointer, null) and the internal function `trampoline` of `arguments`
/// returning nothing, which calls the pointer with its arguments when it is
/// set. Fails, with an error on the module, when either name is taken.
mlir::FailureOr<mlir::LLVM::LLVMFuncOp>
declareRuntimeHook(mlir::ModuleOp module, llvm::StringRef global,
                   llvm::StringRef trampoline,
                   llvm::ArrayRef<mlir::Type> arguments);

} // namespace cnnc

#endif // CNNC_COMPILER_TRANSFORMS_RUNTIMEHOOK_H
