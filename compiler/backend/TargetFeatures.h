//===- TargetFeatures.h - What a precision needs of the CPU -----*- C++ -*-===//
//
// `--precision bf16` compiles vdpbf16ps and vcvtne2ps2bf16 (AVX512-BF16);
// LLVM cannot select them for a CPU without it, and such a CPU faults on
// them. So every compilation to code checks its target first: the host's
// features for the JIT, --mcpu/--mattr's (or the host's) for an object.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_COMPILER_BACKEND_TARGETFEATURES_H
#define CNNC_COMPILER_BACKEND_TARGETFEATURES_H

#include "compiler/backend/Pipeline.h"

#include "llvm/Support/Error.h"
#include "llvm/Target/TargetMachine.h"

namespace cnnc {

/// The LLVM subtarget feature `precision` needs, or "" for none (fp32).
llvm::StringRef requiredFeature(Precision precision);

/// The precision's name as `--precision` spells it.
llvm::StringRef precisionName(Precision precision);

/// An error saying why `machine` cannot run code of `precision`, or
/// success. `which` names the CPU in the message ("this CPU", "the target
/// CPU"); `mattr` is the --mattr given, if any.
llvm::Error checkPrecisionSupported(const llvm::TargetMachine &machine,
                                    Precision precision, llvm::StringRef which,
                                    llvm::StringRef mattr = "");

} // namespace cnnc

#endif // CNNC_COMPILER_BACKEND_TARGETFEATURES_H
