//===- CnnTrainingOps.cpp - Verifiers of the training ops -----------------===//
//
// A backward op is valid when the forward op it differentiates would be:
// each verifier runs the forward shape rule on the backward op's types and
// checks that it gives the gradient it was handed.
//
//===----------------------------------------------------------------------===//

#include "dialects/cnn/CnnOps.h"
#include "dialects/cnn/ShapeRules.h"

#include <cmath>

using namespace mlir;
using namespace mlir::cnn;

/// Checks that the forward rule gives `expected` (the gradient's type).
static LogicalResult forwardGives(Operation *op,
                                  FailureOr<RankedTensorType> forward,
                                  Type expected, StringRef what) {
  if (failed(forward))
    return failure();
  if (*forward != expected)
    return op->emitOpError() << "expects " << what << " of type " << *forward
                             << ", not " << expected;
  return success();
}

LogicalResult Conv2DInputGradOp::verify() {
  return forwardGives(
      *this,
      inferConv2DType(getLoc(), getType(), getKernel().getType(), nullptr,
                      getStrides(), getDilation(), getPadding()),
      getOutputGrad().getType(), "an output gradient");
}

LogicalResult Conv2DKernelGradOp::verify() {
  return forwardGives(*this,
                      inferConv2DType(getLoc(), getInput().getType(), getType(),
                                      nullptr, getStrides(), getDilation(),
                                      getPadding()),
                      getOutputGrad().getType(), "an output gradient");
}

LogicalResult BiasGradOp::verify() {
  auto expected = RankedTensorType::get(
      getOutputGrad().getType().getShape().back(), getType().getElementType());
  if (getType() != expected)
    return emitOpError() << "expects a result of type " << expected;
  return success();
}

LogicalResult Crop2DGradOp::verify() {
  RankedTensorType dy = getOutputGrad().getType();
  if (dy.getRank() != 4)
    return emitOpError("expects an image gradient (N, H, W, C), not ") << dy;
  return forwardGives(
      *this,
      inferCrop2DType(getLoc(), getType(), dy.getDimSize(1), dy.getDimSize(2)),
      dy, "an output gradient");
}

LogicalResult DenseInputGradOp::verify() {
  return forwardGives(
      *this,
      inferDenseType(getLoc(), getType(), getKernel().getType(), nullptr),
      getOutputGrad().getType(), "an output gradient");
}

LogicalResult DenseKernelGradOp::verify() {
  return forwardGives(
      *this, inferDenseType(getLoc(), getInput().getType(), getType(), nullptr),
      getOutputGrad().getType(), "an output gradient");
}

LogicalResult Pool2DGradOp::verify() {
  if (getType() != getInput().getType())
    return emitOpError("expects the input gradient to have the input's type");
  return forwardGives(*this,
                      inferPool2DType(getLoc(), getInput().getType(),
                                      getPoolSize(), getStrides(),
                                      getPadding()),
                      getOutputGrad().getType(), "an output gradient");
}

LogicalResult GlobalPool2DGradOp::verify() {
  if (getType() != getInput().getType())
    return emitOpError("expects the input gradient to have the input's type");
  // keepdims only adds unit axes: either output form is accepted.
  auto reduced = inferGlobalPool2DType(getLoc(), getInput().getType(), false);
  auto kept = inferGlobalPool2DType(getLoc(), getInput().getType(), true);
  if (failed(reduced) || failed(kept))
    return failure();
  Type dy = getOutputGrad().getType();
  if (dy != *reduced && dy != *kept)
    return emitOpError() << "expects an output gradient of type " << *reduced
                         << " or " << *kept << ", not " << dy;
  return success();
}

/// Success when a forward rule accepts the type.
static LogicalResult accepted(FailureOr<RankedTensorType> type) {
  return failure(failed(type));
}

LogicalResult ActivationGradOp::verify() {
  return accepted(inferElementwiseType(getLoc(), getType()));
}

LogicalResult ApplyActivationGradOp::verify() {
  std::optional<double> maxValue;
  if (std::optional<APFloat> max = getMaxValue())
    maxValue = max->convertToDouble();
  return accepted(inferActivationType(getLoc(), getType(), getFunction(),
                                      getAlpha().convertToDouble(), maxValue,
                                      getThreshold().convertToDouble()));
}

LogicalResult PReluInputGradOp::verify() {
  return accepted(inferPReluType(getLoc(), getType(), getAlpha().getType()));
}

LogicalResult PReluAlphaGradOp::verify() {
  if (failed(inferPReluType(getLoc(), getInput().getType(), getType())))
    return failure();
  if (getOutputGrad().getType() != getInput().getType())
    return emitOpError() << "expects an output gradient of type "
                         << getInput().getType();
  return success();
}

LogicalResult SoftmaxGradOp::verify() {
  return accepted(inferSoftmaxType(getLoc(), getType(), getAxis()));
}

LogicalResult ReshapeOp::verify() {
  RankedTensorType in = getInput().getType(), out = getType();
  if (failed(verifyActivationType(getLoc(), in)) ||
      failed(verifyActivationType(getLoc(), out)))
    return failure();
  auto perSample = [](RankedTensorType t) {
    int64_t n = 1;
    for (int64_t d : t.getShape().drop_front())
      n *= d;
    return n;
  };
  if (in.getDimSize(0) != out.getDimSize(0) || perSample(in) != perSample(out))
    return emitOpError()
           << "cannot reshape " << in << " to " << out
           << ": the batch and the elements per sample must agree";
  return success();
}

LogicalResult DropoutMaskOp::verify() {
  return accepted(inferDropoutType(getLoc(), getType(),
                                   getRate().convertToDouble(), getSpatial()));
}

LogicalResult AlphaDropoutApplyOp::verify() {
  return accepted(inferNoiseType(getLoc(), getType(), "rate",
                                 getRate().convertToDouble(),
                                 /*isRate=*/true));
}

LogicalResult AlphaDropoutGradOp::verify() {
  return accepted(inferNoiseType(getLoc(), getType(), "rate",
                                 getRate().convertToDouble(),
                                 /*isRate=*/true));
}

LogicalResult MultiplyOp::verify() {
  return accepted(inferElementwiseType(getLoc(), getType()));
}

//===----------------------------------------------------------------------===//
// Losses and metrics
//===----------------------------------------------------------------------===//

/// Labels are one i32 class index per sample, or targets shaped like the
/// prediction.
static LogicalResult verifyLabels(Operation *op, RankedTensorType prediction,
                                  Type labels) {
  if (prediction.getRank() != 2)
    return op->emitOpError()
           << "expects a (batch, classes) prediction, not " << prediction;
  auto labelType = cast<RankedTensorType>(labels);
  if (labelType.getElementType().isInteger(32)) {
    if (labelType.getRank() != 1 ||
        labelType.getDimSize(0) != prediction.getDimSize(0))
      return op->emitOpError()
             << "expects one class index per sample, not " << labelType;
    return success();
  }
  if (labelType != prediction)
    return op->emitOpError()
           << "expects targets of type " << prediction << ", not " << labelType;
  return success();
}

template <typename LossOp> static LogicalResult verifyLoss(LossOp op) {
  if (op.getPredictionGrad().getType() != op.getPrediction().getType())
    return op.emitOpError("expects the gradient to have the prediction's type");
  if (isa<MeanSquaredErrorOp>(op.getOperation()) &&
      !isa<FloatType>(
          cast<RankedTensorType>(op.getLabels().getType()).getElementType()))
    return op.emitOpError("expects float targets");
  if (failed(verifyLabels(op, op.getPrediction().getType(),
                          op.getLabels().getType())))
    return failure();
  // The binary losses read a class index as the target 0 or 1 of the one
  // output column.
  if (isa<SigmoidCrossEntropyOp, BinaryCrossEntropyOp>(op.getOperation()) &&
      cast<RankedTensorType>(op.getLabels().getType())
          .getElementType()
          .isInteger(32) &&
      op.getPrediction().getType().getDimSize(1) != 1)
    return op.emitOpError(
        "expects one output column with class indices as targets");
  return success();
}

LogicalResult SoftmaxCrossEntropyOp::verify() { return verifyLoss(*this); }
LogicalResult CrossEntropyOp::verify() { return verifyLoss(*this); }
LogicalResult MeanSquaredErrorOp::verify() { return verifyLoss(*this); }
LogicalResult SigmoidCrossEntropyOp::verify() { return verifyLoss(*this); }
LogicalResult BinaryCrossEntropyOp::verify() { return verifyLoss(*this); }

LogicalResult PenaltyOp::verify() {
  for (double factor : {getL1().convertToDouble(), getL2().convertToDouble()})
    if (!(factor >= 0.0) || !std::isfinite(factor))
      return emitOpError("expects finite factors, at least 0");
  if (getGradIn() && getGradIn().getType() != getInput().getType())
    return emitOpError("expects 'grad_in' of the input's type");
  return success();
}

LogicalResult CountCorrectOp::verify() {
  return verifyLabels(*this, getPrediction().getType(), getLabels().getType());
}

//===----------------------------------------------------------------------===//
// Optimizer updates
//===----------------------------------------------------------------------===//

template <typename UpdateOp>
static LogicalResult verifyUpdate(UpdateOp op, int64_t slots) {
  auto params = op.getParams().getType(), state = op.getState().getType(),
       grads = op.getGradients().getType();
  // The count may be dynamic: a thread updates its part of the parameters.
  if (params.getRank() != 1)
    return op.emitOpError()
           << "expects the parameters as one vector, not " << params;
  int64_t count = params.getDimSize(0);
  auto countText = [&] {
    return ShapedType::isDynamic(count) ? std::string("?")
                                        : std::to_string(count);
  };
  if (state != RankedTensorType::get({slots, count}, params.getElementType()))
    return op.emitOpError() << "expects a state of type tensor<" << slots << "x"
                            << countText() << "xf32>, not " << state;
  if (grads.getRank() != 2 || grads.getDimSize(1) != count)
    return op.emitOpError() << "expects gradients of type tensor<?x"
                            << countText() << "xf32>, not " << grads;
  if (op.getNewParams().getType() != params ||
      op.getNewState().getType() != state)
    return op.emitOpError(
        "expects results of the parameters' and state's types");
  if (op.getLearningRate().isNegative())
    return op.emitOpError("expects a non-negative learning rate");
  return success();
}

LogicalResult AdamUpdateOp::verify() { return verifyUpdate(*this, 2); }
LogicalResult SGDUpdateOp::verify() { return verifyUpdate(*this, 1); }
LogicalResult RMSpropUpdateOp::verify() { return verifyUpdate(*this, 1); }
