//===- Optimize.h - LLVM's optimizations for cnnc's code --------*- C++ -*-===//

#ifndef CNNC_COMPILER_BACKEND_OPTIMIZE_H
#define CNNC_COMPILER_BACKEND_OPTIMIZE_H

#include "llvm/Support/Error.h"

#include <functional>

namespace llvm {
class Module;
class TargetMachine;
} // namespace llvm

namespace cnnc {

/// LLVM's -O`optLevel` module pipeline, without loop unrolling. cnnc's
/// register tiles arrive unrolled already; LLVM's unrolling of what is left
/// (reduction and tile loops) took half of the optimizer's time and a good
/// part of code generation's, for no measurable speed.
std::function<llvm::Error(llvm::Module *)>
makeModuleOptimizer(unsigned optLevel, llvm::TargetMachine *targetMachine);

} // namespace cnnc

#endif // CNNC_COMPILER_BACKEND_OPTIMIZE_H
