//===- ActivationRules.cpp - The parameters Keras accepts per activation --===//
//
// Keras checks its activation layers' arguments when they are built (ReLU:
// "max_value of a ReLU layer cannot be a negative value", and alike for
// negative_slope and threshold; LeakyReLU: negative_slope >= 0). The same
// checks here make them cnn.activation's verifier and the frontends' check;
// and PReLU's alpha must fit its input.
//
//===----------------------------------------------------------------------===//

#include "dialects/cnn/ShapeRules.h"

#include <cmath>

using namespace mlir;
using namespace mlir::cnn;

/// Keras's ReLU parameters: finite and not negative.
static LogicalResult checkReluParameter(std::optional<Location> loc,
                                        StringRef name, double value) {
  // Written so that NaN fails too.
  if (value >= 0.0 && std::isfinite(value))
    return success();
  return emitOptionalError(loc, "relu's ", name,
                           " must be a finite number >= 0, got ", value);
}

FailureOr<RankedTensorType>
cnn::inferActivationType(std::optional<Location> loc, RankedTensorType input,
                         ActivationFunction function, double alpha,
                         std::optional<double> maxValue, double threshold) {
  if (failed(verifyActivationType(loc, input)))
    return failure();
  StringRef name = stringifyActivationFunction(function);
  if (function != ActivationFunction::relu) {
    if (maxValue || threshold != 0.0)
      return emitOptionalError(loc, "activation '", name,
                               "' takes no max_value or threshold");
  }
  switch (function) {
  case ActivationFunction::relu:
    if (failed(checkReluParameter(loc, "negative_slope (alpha)", alpha)) ||
        failed(checkReluParameter(loc, "threshold", threshold)) ||
        (maxValue && failed(checkReluParameter(loc, "max_value", *maxValue))))
      return failure();
    return input;
  case ActivationFunction::elu:
    if (!std::isfinite(alpha))
      return emitOptionalError(loc, "elu's alpha must be finite, got ", alpha);
    return input;
  case ActivationFunction::hard_sigmoid:
    if (!(alpha > 0.0 && std::isfinite(alpha)))
      return emitOptionalError(
          loc, "hard_sigmoid's slope (alpha) must be finite and > 0, got ",
          alpha);
    return input;
  default:
    if (alpha != 0.0)
      return emitOptionalError(loc, "activation '", name, "' takes no alpha");
    return input;
  }
}

FailureOr<RankedTensorType> cnn::inferPReluType(std::optional<Location> loc,
                                                RankedTensorType input,
                                                RankedTensorType alpha) {
  if (failed(verifyActivationType(loc, input)))
    return failure();
  ArrayRef<int64_t> sample = input.getShape().drop_front();
  bool fits = alpha.hasStaticShape() && alpha.getRank() == input.getRank() - 1;
  for (size_t i = 0; fits && i < sample.size(); ++i)
    fits = alpha.getDimSize(i) == sample[i] || alpha.getDimSize(i) == 1;
  if (!fits)
    return emitOptionalError(
        loc, "prelu's alpha ", alpha, " does not fit the input ",
        kerasShapeString(input.getShape()),
        ": it needs the input's shape without the batch, with 1 on each "
        "shared axis");
  return input;
}
