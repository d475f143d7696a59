//===- QuantOps.cpp - Type inference of the int8 ops ----------------------===//
//
// Each op of CnnQuantOps.td returns its input's type; the per-channel
// arrays must have one value per element of the last dimension.
//
//===----------------------------------------------------------------------===//

#include "dialects/cnn/CnnOps.h"

using namespace mlir;
using namespace mlir::cnn;

/// The input's type, once `channels` values (when given) fit its last
/// dimension.
static LogicalResult sameType(std::optional<Location> loc, Value input,
                              std::optional<size_t> channels,
                              SmallVectorImpl<Type> &inferred) {
  auto type = input ? dyn_cast<RankedTensorType>(input.getType()) : nullptr;
  if (!type || type.getRank() < 1)
    return emitOptionalError(loc, "expected a ranked f32 tensor of rank >= 1 "
                                  "and every required attribute");
  if (channels && int64_t(*channels) != type.getShape().back())
    return emitOptionalError(loc, "expected ", type.getShape().back(),
                             " per-channel values (the last dimension), not ",
                             *channels);
  inferred.push_back(type);
  return success();
}

LogicalResult
QuantizeInputOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                  Adaptor adaptor,
                                  SmallVectorImpl<Type> &inferred) {
  if (!adaptor.getScaleAttr() || !adaptor.getZeroPointAttr())
    return emitOptionalError(loc, "expected scale and zero_point");
  return sameType(loc, adaptor.getInput(), std::nullopt, inferred);
}

LogicalResult
QuantizeKernelOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                   Adaptor adaptor,
                                   SmallVectorImpl<Type> &inferred) {
  if (!adaptor.getScalesAttr())
    return emitOptionalError(loc, "expected scales");
  return sameType(loc, adaptor.getKernel(), adaptor.getScales().size(),
                  inferred);
}

LogicalResult DequantizeOp::inferReturnTypes(MLIRContext *,
                                             std::optional<Location> loc,
                                             Adaptor adaptor,
                                             SmallVectorImpl<Type> &inferred) {
  if (!adaptor.getMultipliersAttr())
    return emitOptionalError(loc, "expected multipliers");
  size_t channels = adaptor.getMultipliers().size();
  if (Value bias = adaptor.getBias()) {
    auto type = dyn_cast<RankedTensorType>(bias.getType());
    if (!type || type.getRank() != 1 || type.getDimSize(0) != int64_t(channels))
      return emitOptionalError(loc, "expected a bias of ", channels,
                               " values, one per channel");
  }
  return sameType(loc, adaptor.getInput(), channels, inferred);
}
