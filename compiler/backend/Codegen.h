//===- Codegen.h - LLVM IR, assembly and objects for a host -----*- C++ -*-===//

#ifndef CNNC_COMPILER_BACKEND_CODEGEN_H
#define CNNC_COMPILER_BACKEND_CODEGEN_H

#include "compiler/backend/Pipeline.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <string>

namespace cnnc {

/// What `cnnc` passes to LLVM: llc's options.
struct TargetOptions {
  std::string triple; // empty: this host
  std::string cpu;    // empty: this host's CPU ("native")
  unsigned optLevel = 3;
  /// llc's -mattr: features added (+f) or removed (-f) after the CPU's,
  /// comma-separated; empty: none.
  std::string features;
};

/// An error when `target` cannot run code compiled at `precision`
/// (--precision bf16 without AVX512-BF16).
llvm::Error checkTargetPrecision(const TargetOptions &target,
                                 Precision precision);

enum class OutputKind { LLVMIR, Assembly, Object };

/// Translates an LLVM-dialect module to LLVM IR, optimises it for the target
/// and renders it as IR text, AT&T assembly or an ELF object.
llvm::Expected<std::string>
emitCode(mlir::ModuleOp module, const TargetOptions &target, OutputKind kind);

} // namespace cnnc

#endif // CNNC_COMPILER_BACKEND_CODEGEN_H
