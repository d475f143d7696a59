//===- AugmentationOps.cpp - Keras's augmentation layers' rule ------------===//
//
// Keras's image augmentation layers (keras/src/layers/preprocessing/
// image_preprocessing.py) take a batch of images; at inference they return
// it unchanged, so the output's type is the input's.
//
//===----------------------------------------------------------------------===//

#include "dialects/cnn/CnnOps.h"
#include "dialects/cnn/ShapeRules.h"

using namespace mlir;
using namespace mlir::cnn;

FailureOr<RankedTensorType>
cnn::inferAugmentationType(std::optional<Location> loc,
                           RankedTensorType input) {
  if (failed(verifyImageType(loc, input)))
    return failure();
  return input;
}

LogicalResult RandomAugmentationOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  auto input = dyn_cast<RankedTensorType>(adaptor.getInput().getType());
  if (!input)
    return emitOptionalError(loc, "expected a ranked f32 tensor operand");
  if (!adaptor.getKindAttr())
    return emitOptionalError(loc, "missing a required attribute");
  auto type = inferAugmentationType(loc, input);
  if (failed(type))
    return failure();
  inferred.push_back(*type);
  return success();
}
