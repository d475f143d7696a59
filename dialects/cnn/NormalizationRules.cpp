//===- NormalizationRules.cpp - What Keras's BatchNormalization accepts ---===//
//
// BatchNormalization keeps one gamma, beta, moving mean and moving variance
// per channel of its axis; cnnc normalizes the last axis (Keras's default,
// the channel axis of NHWC), so each parameter is a vector of the input's
// last dimension. Keras takes epsilon inside a square root and momentum as
// a moving-average factor: a negative epsilon makes the root of a negative
// number for a small variance, and a momentum outside [0, 1] a moving
// average that diverges, so both are refused here, where the verifier and
// the frontends share the check.
//
// LayerNormalization normalizes each sample over trailing axes (Keras's
// `axis`, which cnnc takes when it names the axes from one on to the
// last); gamma and beta have those axes' shape, as Keras builds them.
//
//===----------------------------------------------------------------------===//

#include "dialects/cnn/ShapeRules.h"

#include <cmath>

using namespace mlir;
using namespace mlir::cnn;

static LogicalResult checkEpsilon(std::optional<Location> loc, double epsilon,
                                  StringRef layer = "batch") {
  // Written so that NaN fails too.
  if (epsilon >= 0.0 && std::isfinite(epsilon))
    return success();
  return emitOptionalError(loc, layer,
                           " normalization's epsilon must be a finite number "
                           ">= 0, got ",
                           epsilon);
}

/// Each present parameter is (channels).
static LogicalResult checkChannelVectors(std::optional<Location> loc,
                                         ArrayRef<RankedTensorType> params,
                                         int64_t channels,
                                         RankedTensorType of) {
  for (RankedTensorType param : params) {
    if (!param)
      continue;
    if (param.getRank() != 1 || param.getDimSize(0) != channels)
      return emitOptionalError(loc, "batch normalization's parameter ", param,
                               " must be a vector of the ", channels,
                               " channels of ", of);
  }
  return success();
}

FailureOr<RankedTensorType>
cnn::inferBatchNormType(std::optional<Location> loc, RankedTensorType input,
                        ArrayRef<RankedTensorType> params, double epsilon,
                        double momentum) {
  if (failed(verifyActivationType(loc, input)) ||
      failed(checkEpsilon(loc, epsilon)))
    return failure();
  if (!(momentum >= 0.0 && momentum <= 1.0))
    return emitOptionalError(
        loc, "batch normalization's momentum must be in [0, 1], got ",
        momentum);
  if (failed(checkChannelVectors(loc, params, input.getShape().back(), input)))
    return failure();
  return input;
}

FailureOr<RankedTensorType>
cnn::inferLayerNormType(std::optional<Location> loc, RankedTensorType input,
                        ArrayRef<RankedTensorType> params, int64_t axis,
                        double epsilon) {
  if (failed(verifyActivationType(loc, input)) ||
      failed(checkEpsilon(loc, epsilon, "layer")))
    return failure();
  // Each sample is normalized on its own: the batch is never one of the
  // axes.
  int64_t rank = input.getRank();
  if (axis < 1 || axis >= rank)
    return emitOptionalError(loc, "layer normalization's first axis ", axis,
                             " must be in [1, ", rank - 1, "] for input ",
                             kerasShapeString(input.getShape()));
  ArrayRef<int64_t> normalized = input.getShape().drop_front(axis);
  for (RankedTensorType param : params)
    if (param && param.getShape() != normalized)
      return emitOptionalError(loc, "layer normalization's parameter ", param,
                               " must have the shape of the normalized axes ",
                               kerasShapeString(normalized), " of ", input);
  return input;
}

FailureOr<RankedTensorType>
cnn::inferFoldBatchNormType(std::optional<Location> loc,
                            RankedTensorType target,
                            ArrayRef<RankedTensorType> params, double epsilon) {
  if (failed(checkEpsilon(loc, epsilon)))
    return failure();
  if (target.getRank() < 1 || !target.hasStaticShape())
    return emitOptionalError(loc, "expected a static kernel or bias, got ",
                             target);
  if (failed(
          checkChannelVectors(loc, params, target.getShape().back(), target)))
    return failure();
  return target;
}
