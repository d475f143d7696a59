//===- CnnMergeTrainingOps.cpp - Verifiers of the merge gradients ---------===//
//
// Each gradient's types are checked against the forward rule
// (MergeRules.cpp): the output gradient has the merge's output type, the
// result the input's.
//
//===----------------------------------------------------------------------===//

#include "dialects/cnn/ShapeRules.h"

using namespace mlir;
using namespace mlir::cnn;

LogicalResult MergeGradOp::verify() {
  SmallVector<RankedTensorType> inputs;
  for (Value input : getInputs())
    inputs.push_back(cast<RankedTensorType>(input.getType()));
  int64_t index = getIndex();
  if (index < 0 || index >= static_cast<int64_t>(inputs.size()))
    return emitOpError("index ")
           << index << " is not one of the " << inputs.size() << " inputs";
  FailureOr<RankedTensorType> output =
      inferMergeType(getLoc(), getKind(), inputs);
  if (failed(output))
    return failure();
  if (*output != getOutputGrad().getType())
    return emitOpError("expects an output gradient of the merge's type ")
           << *output << ", not " << getOutputGrad().getType();
  if (getType() != inputs[index])
    return emitOpError("expects the input gradient to have input ")
           << index << "'s type " << inputs[index];
  return success();
}

LogicalResult ConcatenateGradOp::verify() {
  RankedTensorType dy = getOutputGrad().getType(), dx = getType();
  int64_t axis = getAxis(), offset = getOffset();
  if (dy.getRank() != dx.getRank() || axis < 1 || axis >= dy.getRank())
    return emitOpError("expects an axis in [1, ")
           << dy.getRank() << ") and gradients of one rank";
  for (int64_t d = 0; d < dy.getRank(); ++d)
    if (d != axis && dy.getDimSize(d) != dx.getDimSize(d))
      return emitOpError("expects the gradients to agree but along axis ")
             << axis << ": " << dy << " and " << dx;
  if (offset < 0 || offset + dx.getDimSize(axis) > dy.getDimSize(axis))
    return emitOpError("slice [")
           << offset << ", " << offset + dx.getDimSize(axis)
           << ") is outside the output gradient's axis of "
           << dy.getDimSize(axis);
  return success();
}
