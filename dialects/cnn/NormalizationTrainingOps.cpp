//===- NormalizationTrainingOps.cpp - Verifiers of a BN's training ops ----===//
//
// Each op is valid when the batch_norm it serves would be: the input an
// activation, every per-channel operand and result a vector of its last
// dimension (NormalizationRules.cpp's rule), epsilon and momentum in range;
// a layer_norm's, when its parameters' shapes fit the normalized axes.
//
//===----------------------------------------------------------------------===//

#include "dialects/cnn/CnnOps.h"
#include "dialects/cnn/ShapeRules.h"

using namespace mlir;
using namespace mlir::cnn;

/// batch_norm's rule on `input` and the per-channel `vectors`; the ops
/// without a momentum pass a valid one.
static LogicalResult verifyChannels(Operation *op, Value input,
                                    ValueRange vectors, double epsilon,
                                    double momentum = 0.0) {
  SmallVector<RankedTensorType> types;
  for (Value vector : vectors)
    if (vector)
      types.push_back(cast<RankedTensorType>(vector.getType()));
  return inferBatchNormType(op->getLoc(),
                            cast<RankedTensorType>(input.getType()), types,
                            epsilon, momentum);
}

LogicalResult BatchMomentsOp::verify() {
  return verifyChannels(*this, getInput(), {getMean(), getVariance()},
                        /*epsilon=*/0.0);
}

LogicalResult MovingAverageOp::verify() {
  double momentum = getMomentum().convertToDouble();
  // Written so that NaN fails too.
  if (!(momentum >= 0.0 && momentum <= 1.0))
    return emitOpError("expects a momentum in [0, 1], got ") << momentum;
  if (getType().getRank() != 1)
    return emitOpError("expects per-channel vectors, got ") << getType();
  return success();
}

LogicalResult BatchNormGradOp::verify() {
  if (getInputGrad().getType() != getInput().getType())
    return emitOpError("expects the input gradient of the input's type, got ")
           << getInputGrad().getType();
  return verifyChannels(
      *this, getInput(),
      {getGamma(), getMean(), getVariance(), getBetaGrad(), getGammaGrad()},
      getEpsilon().convertToDouble());
}

/// layer_norm's rule on `input` and the parameter-shaped `params`.
static LogicalResult verifyLayerNorm(Operation *op, Value input,
                                     ValueRange params, int64_t axis,
                                     double epsilon) {
  SmallVector<RankedTensorType> types;
  for (Value param : params)
    if (param)
      types.push_back(cast<RankedTensorType>(param.getType()));
  return inferLayerNormType(op->getLoc(),
                            cast<RankedTensorType>(input.getType()), types,
                            axis, epsilon);
}

LogicalResult LayerNormParamGradOp::verify() {
  return verifyLayerNorm(*this, getInput(), {getBetaGrad(), getGammaGrad()},
                         getAxis(), getEpsilon().convertToDouble());
}

LogicalResult LayerNormInputGradOp::verify() {
  return verifyLayerNorm(*this, getInput(), {getGamma()}, getAxis(),
                         getEpsilon().convertToDouble());
}
