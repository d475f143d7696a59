//===- CpuCheck.h - An object refuses a CPU it was not built for -*- C++
//-*-===//
//
// An object compiled with --mcpu/--mattr for a newer CPU than the one it
// runs on would die of SIGILL somewhere inside the model. Instead, each of
// its C entry points first checks (once, with cpuid) that the CPU has the
// instruction set extensions the code was compiled to use, and otherwise
// writes one line saying which and aborts.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_COMPILER_BACKEND_CPUCHECK_H
#define CNNC_COMPILER_BACKEND_CPUCHECK_H

namespace llvm {
class Module;
class TargetMachine;
} // namespace llvm

namespace cnnc {

/// Adds the check to every external `cnnc_*` function of `module`, for the
/// x86 extensions `machine` enables (nothing on other targets, or when the
/// target enables none beyond x86-64's baseline).
void addCpuCheck(llvm::Module &module, const llvm::TargetMachine &machine);

} // namespace cnnc

#endif // CNNC_COMPILER_BACKEND_CPUCHECK_H
