//===- MergeRules.cpp - Keras's rules for the merge layers ----------------===//
//
// What Keras's merge layers accept (keras/src/layers/merging/base_merge.py
// and concatenate.py) and the shapes they give. Keras also lets inputs of
// different ranks meet (it inserts axes after the batch into the shorter
// ones, while its shape function aligns them from the right); the two
// disagree, so cnnc refuses mixed ranks rather than pick one.
//
//===----------------------------------------------------------------------===//

#include "dialects/cnn/ShapeRules.h"

using namespace mlir;
using namespace mlir::cnn;

/// Every input an activation of one rank and one batch dimension.
static LogicalResult verifyInputs(std::optional<Location> loc,
                                  ArrayRef<RankedTensorType> inputs,
                                  size_t minInputs) {
  if (inputs.size() < minInputs)
    return emitOptionalError(loc, "expected at least ", minInputs,
                             " input(s), got ", inputs.size());
  for (RankedTensorType input : inputs) {
    if (failed(verifyActivationType(loc, input)))
      return failure();
    if (input.getRank() != inputs[0].getRank())
      return emitOptionalError(loc,
                               "inputs of different ranks cannot be merged: ",
                               kerasShapeString(inputs[0].getShape()), " and ",
                               kerasShapeString(input.getShape()));
    if (input.getDimSize(0) != inputs[0].getDimSize(0))
      return emitOptionalError(loc, "inputs have different batch sizes: ",
                               kerasShapeString(inputs[0].getShape()), " and ",
                               kerasShapeString(input.getShape()));
  }
  return success();
}

FailureOr<RankedTensorType>
cnn::inferMergeType(std::optional<Location> loc, MergeKind kind,
                    ArrayRef<RankedTensorType> inputs) {
  if (kind == MergeKind::subtract && inputs.size() != 2)
    return emitOptionalError(loc,
                             "a Subtract layer takes exactly 2 inputs, "
                             "got ",
                             inputs.size());
  if (failed(verifyInputs(loc, inputs, 1)))
    return failure();
  SmallVector<int64_t> shape(inputs[0].getShape());
  for (RankedTensorType input : inputs.drop_front()) {
    for (int64_t d = 1; d < input.getRank(); ++d) {
      int64_t size = input.getDimSize(d);
      if (size == shape[d] || size == 1)
        continue;
      if (shape[d] != 1)
        return emitOptionalError(
            loc, "inputs ", kerasShapeString(inputs[0].getShape()), " and ",
            kerasShapeString(input.getShape()),
            " cannot be broadcast together: dimension ", d, " is ", shape[d],
            " in one and ", size, " in the other");
      shape[d] = size;
    }
  }
  return RankedTensorType::get(shape, inputs[0].getElementType());
}

FailureOr<RankedTensorType>
cnn::inferConcatenateType(std::optional<Location> loc,
                          ArrayRef<RankedTensorType> inputs, int64_t axis) {
  if (failed(verifyInputs(loc, inputs, 1)))
    return failure();
  int64_t rank = inputs[0].getRank();
  if (axis < -rank || axis >= rank)
    return emitOptionalError(loc, "axis ", axis, " is out of range for ",
                             kerasShapeString(inputs[0].getShape()));
  int64_t positive = axis < 0 ? axis + rank : axis;
  if (positive == 0)
    return emitOptionalError(loc, "cannot concatenate along the batch axis");
  SmallVector<int64_t> shape(inputs[0].getShape());
  for (RankedTensorType input : inputs.drop_front()) {
    for (int64_t d = 1; d < rank; ++d)
      if (d != positive && input.getDimSize(d) != shape[d])
        return emitOptionalError(
            loc,
            "inputs must have the same shape except along the "
            "concatenation axis ",
            positive, ", got ", kerasShapeString(inputs[0].getShape()), " and ",
            kerasShapeString(input.getShape()));
    shape[positive] += input.getDimSize(positive);
  }
  auto type = RankedTensorType::get(shape, inputs[0].getElementType());
  if (failed(verifyActivationType(loc, type)))
    return failure();
  return type;
}
