//===- CnnMergeOps.cpp - Type inference of the merge ops ------------------===//
//
// Delegated to MergeRules.cpp, which the frontends share.
//
//===----------------------------------------------------------------------===//

#include "dialects/cnn/ShapeRules.h"

using namespace mlir;
using namespace mlir::cnn;

/// The operands as ranked tensors; failure (reported) when one is not.
static FailureOr<SmallVector<RankedTensorType>>
rankedInputs(std::optional<Location> loc, ValueRange values) {
  SmallVector<RankedTensorType> types;
  for (Value value : values) {
    auto type = dyn_cast<RankedTensorType>(value.getType());
    if (!type)
      return emitOptionalError(loc, "expected ranked f32 tensor operands");
    types.push_back(type);
  }
  return types;
}

LogicalResult MergeOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  auto inputs = rankedInputs(loc, adaptor.getInputs());
  if (failed(inputs))
    return failure();
  if (!adaptor.getKindAttr())
    return emitOptionalError(loc, "missing a required attribute");
  auto type = inferMergeType(loc, adaptor.getKind(), *inputs);
  if (failed(type))
    return failure();
  inferred.push_back(*type);
  return success();
}

LogicalResult ConcatenateOp::inferReturnTypes(MLIRContext *,
                                              std::optional<Location> loc,
                                              Adaptor adaptor,
                                              SmallVectorImpl<Type> &inferred) {
  auto inputs = rankedInputs(loc, adaptor.getInputs());
  if (failed(inputs))
    return failure();
  if (!adaptor.getAxisAttr())
    return emitOptionalError(loc, "missing a required attribute");
  auto type = inferConcatenateType(loc, *inputs, adaptor.getAxis());
  if (failed(type))
    return failure();
  inferred.push_back(*type);
  return success();
}
