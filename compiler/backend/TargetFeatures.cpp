//===- TargetFeatures.cpp - What a precision needs of the CPU -------------===//

#include "compiler/backend/TargetFeatures.h"

#include "llvm/MC/MCSubtargetInfo.h"

using namespace cnnc;

llvm::StringRef cnnc::requiredFeature(Precision precision) {
  switch (precision) {
  case Precision::FP32:
    return "";
  case Precision::BF16:
    return "avx512bf16";
  case Precision::Int8:
    // Its sums are still exact f32 FMAs: no VNNI needed yet.
    return "";
  }
  return "";
}

llvm::StringRef cnnc::precisionName(Precision precision) {
  switch (precision) {
  case Precision::BF16:
    return "bf16";
  case Precision::Int8:
    return "int8";
  default:
    return "fp32";
  }
}

llvm::Error cnnc::checkPrecisionSupported(const llvm::TargetMachine &machine,
                                          Precision precision,
                                          llvm::StringRef which,
                                          llvm::StringRef mattr) {
  llvm::StringRef feature = requiredFeature(precision);
  if (feature.empty())
    return llvm::Error::success();
  const llvm::MCSubtargetInfo *info = machine.getMCSubtargetInfo();
  if (info && info->checkFeatures(("+" + feature).str()))
    return llvm::Error::success();
  std::string cpu = which.str() + " ('" + machine.getTargetCPU().str() + "'" +
                    (mattr.empty() ? "" : " with --mattr=" + mattr.str()) + ")";
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      "--precision " + precisionName(precision).str() +
          " needs AVX512-BF16 (vdpbf16ps), which " + cpu +
          " does not have; use --precision fp32");
}
