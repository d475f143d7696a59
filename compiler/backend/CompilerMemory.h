//===- CompilerMemory.h - Give back what compiling took ---------*- C++ -*-===//

#ifndef CNNC_COMPILER_BACKEND_COMPILERMEMORY_H
#define CNNC_COMPILER_BACKEND_COMPILERMEMORY_H

namespace cnnc {

/// Once a model is compiled, `cnnc train` needs none of LLVM's and MLIR's
/// code for the rest of the run (the JIT'd code calls only libc and libm),
/// yet the pages compilation touched stay resident: about 100 MB of clean
/// library text and constants, half the process's memory while it trains.
/// This returns the free heap to the system and drops those pages from the
/// process; they are read back from the files if anything touches them
/// again (an error message, the destructors at exit). Only mappings with no
/// modified page are dropped, so relocated data is never lost.
void releaseCompilerMemory();

} // namespace cnnc

#endif // CNNC_COMPILER_BACKEND_COMPILERMEMORY_H
