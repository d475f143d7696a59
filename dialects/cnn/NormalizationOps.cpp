//===- NormalizationOps.cpp - Type inference of the BN ops ----------------===//
//
// The ops are declared in CnnNormalizationOps.td (part of CnnOps.td's
// generated classes); their rules are in NormalizationRules.cpp.
//
//===----------------------------------------------------------------------===//

#include "dialects/cnn/CnnOps.h"
#include "dialects/cnn/ShapeRules.h"

using namespace mlir;
using namespace mlir::cnn;

/// Every present operand as a ranked tensor; false if one is not (ODS has
/// not checked the operands yet when the parser infers).
static bool rankedAll(ArrayRef<Value> values,
                      SmallVectorImpl<RankedTensorType> &types) {
  for (Value value : values) {
    if (!value) {
      types.push_back(nullptr);
      continue;
    }
    auto type = dyn_cast<RankedTensorType>(value.getType());
    if (!type)
      return false;
    types.push_back(type);
  }
  return true;
}

static LogicalResult inferred(FailureOr<RankedTensorType> type,
                              SmallVectorImpl<Type> &results) {
  if (failed(type))
    return failure();
  results.push_back(*type);
  return success();
}

LogicalResult BatchNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &results) {
  SmallVector<RankedTensorType> types;
  if (!rankedAll({adaptor.getInput(), adaptor.getGamma(), adaptor.getBeta(),
                  adaptor.getMovingMean(), adaptor.getMovingVariance()},
                 types) ||
      !types[0] || !types[3] || !types[4])
    return emitOptionalError(loc, "expected ranked f32 tensor operands");
  if (!adaptor.getEpsilonAttr() || !adaptor.getMomentumAttr())
    return emitOptionalError(loc, "missing a required attribute");
  return inferred(inferBatchNormType(loc, types[0],
                                     ArrayRef(types).drop_front(),
                                     adaptor.getEpsilon().convertToDouble(),
                                     adaptor.getMomentum().convertToDouble()),
                  results);
}

LogicalResult FoldBatchNormKernelOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &results) {
  SmallVector<RankedTensorType> types;
  if (!rankedAll({adaptor.getKernel(), adaptor.getGamma(),
                  adaptor.getMovingVariance()},
                 types) ||
      !types[0] || !types[2])
    return emitOptionalError(loc, "expected ranked f32 tensor operands");
  if (!adaptor.getEpsilonAttr())
    return emitOptionalError(loc, "missing a required attribute");
  return inferred(
      inferFoldBatchNormType(loc, types[0], ArrayRef(types).drop_front(),
                             adaptor.getEpsilon().convertToDouble()),
      results);
}

LogicalResult FoldBatchNormBiasOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &results) {
  SmallVector<RankedTensorType> types;
  if (!rankedAll({adaptor.getBias(), adaptor.getGamma(), adaptor.getBeta(),
                  adaptor.getMovingMean(), adaptor.getMovingVariance()},
                 types) ||
      !types[3] || !types[4])
    return emitOptionalError(loc, "expected ranked f32 tensor operands");
  if (!adaptor.getEpsilonAttr())
    return emitOptionalError(loc, "missing a required attribute");
  // The result has the moving mean's type: one value per channel.
  return inferred(
      inferFoldBatchNormType(loc, types[3], types,
                             adaptor.getEpsilon().convertToDouble()),
      results);
}

LogicalResult LayerNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &results) {
  SmallVector<RankedTensorType> types;
  if (!rankedAll({adaptor.getInput(), adaptor.getGamma(), adaptor.getBeta()},
                 types) ||
      !types[0])
    return emitOptionalError(loc, "expected ranked f32 tensor operands");
  if (!adaptor.getAxisAttr() || !adaptor.getEpsilonAttr())
    return emitOptionalError(loc, "missing a required attribute");
  return inferred(inferLayerNormType(loc, types[0],
                                     ArrayRef(types).drop_front(),
                                     adaptor.getAxis(),
                                     adaptor.getEpsilon().convertToDouble()),
                  results);
}
