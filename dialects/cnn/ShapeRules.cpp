//===- ShapeRules.cpp - Keras's shape rules for the cnn ops ---------------===//
//
// keras/utils/conv_utils.py (Keras 2) and keras/src/ops/operation_utils.py
// (Keras 3) are the reference for every rule here.
//
//===----------------------------------------------------------------------===//

#include "dialects/cnn/ShapeRules.h"

#include <cmath>

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::cnn;

static StringRef paddingName(Padding padding) {
  return padding == Padding::same ? "same" : "valid";
}

int64_t cnn::windowOutputLength(int64_t in, int64_t window, int64_t stride,
                                int64_t dilation, Padding padding) {
  if (padding == Padding::same)
    return (in + stride - 1) / stride;
  int64_t span = dilation * (window - 1) + 1;
  if (in < span)
    return 0;
  return (in - span) / stride + 1;
}

std::pair<int64_t, int64_t> cnn::paddingAmounts(int64_t in, int64_t window,
                                                int64_t stride,
                                                int64_t dilation,
                                                Padding padding) {
  if (padding == Padding::valid)
    return {0, 0};
  int64_t out = windowOutputLength(in, window, stride, dilation, padding);
  int64_t total = std::max<int64_t>(0, (out - 1) * stride +
                                           (window - 1) * dilation + 1 - in);
  return {total / 2, total - total / 2};
}

std::string cnn::kerasShapeString(ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << '(';
  llvm::interleaveComma(shape, os, [&](int64_t dim) {
    if (ShapedType::isDynamic(dim))
      os << "None";
    else
      os << dim;
  });
  if (shape.size() == 1)
    os << ',';
  os << ')';
  return text;
}

/// `rows x cols`, as the messages below describe windows.
static std::string pairString(ArrayRef<int64_t> pair) {
  return std::to_string(pair[0]) + "x" + std::to_string(pair[1]);
}

LogicalResult cnn::verifyActivationType(std::optional<Location> loc,
                                        RankedTensorType type) {
  if (!type.getElementType().isF32())
    return emitOptionalError(loc, "expected f32 elements, got ", type);
  if (type.getRank() < 2)
    return emitOptionalError(
        loc, "expected a batch dimension and at least one more, got ", type);
  int64_t sampleElements = 1;
  for (auto [index, dim] : llvm::enumerate(type.getShape())) {
    if (ShapedType::isDynamic(dim)) {
      if (index == 0)
        continue;
      return emitOptionalError(
          loc, "dimension ", index, " of ", type,
          " must be static: only the batch may be dynamic");
    }
    if (dim <= 0 || dim > kMaxDimSize)
      return emitOptionalError(loc, "dimension ", index, " of ", type,
                               " must be in [1, ", kMaxDimSize, "]");
    if (index == 0)
      continue;
    sampleElements *= dim;
    if (sampleElements > kMaxSampleElements)
      return emitOptionalError(
          loc, "tensor ", kerasShapeString(type.getShape()), " has more than ",
          kMaxSampleElements, " elements per sample");
  }
  return success();
}

/// The result of a window op: the input's batch, `spatial`, `channels`.
static FailureOr<RankedTensorType> makeResult(std::optional<Location> loc,
                                              RankedTensorType input,
                                              ArrayRef<int64_t> shape) {
  auto type = RankedTensorType::get(shape, input.getElementType());
  if (failed(verifyActivationType(loc, type)))
    return failure();
  return type;
}

LogicalResult cnn::verifyImageType(std::optional<Location> loc,
                                   RankedTensorType input) {
  if (failed(verifyActivationType(loc, input)))
    return failure();
  if (input.getRank() != 4)
    return emitOptionalError(
        loc, "expected a 4-D input (batch, rows, columns, channels), got ",
        kerasShapeString(input.getShape()));
  return success();
}

/// Checks a 2-element window attribute (kernel, pool, stride or dilation).
static LogicalResult verifyPair(std::optional<Location> loc, StringRef what,
                                ArrayRef<int64_t> pair) {
  if (pair.size() != 2)
    return emitOptionalError(loc, what, " must have 2 values, got ",
                             pair.size());
  for (int64_t value : pair)
    if (value <= 0 || value > kMaxDimSize)
      return emitOptionalError(loc, what, " must be in [1, ", kMaxDimSize,
                               "], got ", pairString(pair));
  return success();
}

/// Output rows and columns of a 2-D window op, or a located error when the
/// window does not fit the input.
static FailureOr<std::array<int64_t, 2>>
windowOutput(std::optional<Location> loc, RankedTensorType input,
             ArrayRef<int64_t> window, ArrayRef<int64_t> strides,
             ArrayRef<int64_t> dilation, Padding padding, StringRef what) {
  std::array<int64_t, 2> out;
  for (int i = 0; i < 2; ++i) {
    out[i] = windowOutputLength(input.getDimSize(i + 1), window[i], strides[i],
                                dilation[i], padding);
    if (out[i] <= 0) {
      std::string windowText = pairString(window);
      if (dilation[0] != 1 || dilation[1] != 1)
        windowText += " dilated by " + pairString(dilation);
      return emitOptionalError(
          loc, "computed output size would be zero or negative: input ",
          kerasShapeString(input.getShape()), ", ", what, " ", windowText,
          ", '", paddingName(padding), "' padding");
    }
  }
  return out;
}

FailureOr<RankedTensorType>
cnn::inferConv2DType(std::optional<Location> loc, RankedTensorType input,
                     RankedTensorType kernel, RankedTensorType bias,
                     ArrayRef<int64_t> strides, ArrayRef<int64_t> dilation,
                     Padding padding) {
  if (failed(verifyImageType(loc, input)) ||
      failed(verifyPair(loc, "strides", strides)) ||
      failed(verifyPair(loc, "dilation", dilation)))
    return failure();
  if ((strides[0] > 1 || strides[1] > 1) &&
      (dilation[0] > 1 || dilation[1] > 1))
    return emitOptionalError(
        loc, "strides > 1 together with dilation > 1 is not supported "
             "(Keras refuses it too)");
  if (kernel.getRank() != 4 || !kernel.hasStaticShape())
    return emitOptionalError(loc,
                             "expected a static 4-D kernel (rows, columns, "
                             "input channels, filters), got ",
                             kernel);
  if (failed(verifyPair(loc, "kernel size", kernel.getShape().take_front(2))))
    return failure();
  int64_t channels = input.getDimSize(3);
  int64_t filters = kernel.getDimSize(3);
  if (kernel.getDimSize(2) != channels)
    return emitOptionalError(loc, "kernel ", kernel, " expects ",
                             kernel.getDimSize(2),
                             " input channels, but the input has ", channels);
  if (filters <= 0 || filters > kMaxDimSize)
    return emitOptionalError(loc, "filters must be in [1, ", kMaxDimSize,
                             "], got ", filters);
  if (bias && (bias.getRank() != 1 || bias.getDimSize(0) != filters))
    return emitOptionalError(loc, "expected a bias of shape (", filters,
                             ",), got ", bias);
  auto out = windowOutput(loc, input, kernel.getShape().take_front(2), strides,
                          dilation, padding, "kernel");
  if (failed(out))
    return failure();
  return makeResult(loc, input,
                    {input.getDimSize(0), (*out)[0], (*out)[1], filters});
}

FailureOr<RankedTensorType> cnn::inferDenseType(std::optional<Location> loc,
                                                RankedTensorType input,
                                                RankedTensorType kernel,
                                                RankedTensorType bias) {
  if (failed(verifyActivationType(loc, input)))
    return failure();
  if (kernel.getRank() != 2 || !kernel.hasStaticShape())
    return emitOptionalError(
        loc, "expected a static 2-D kernel (inputs, units), got ", kernel);
  int64_t inputs = input.getShape().back();
  int64_t units = kernel.getDimSize(1);
  if (kernel.getDimSize(0) != inputs)
    return emitOptionalError(
        loc, "kernel ", kernel, " expects ", kernel.getDimSize(0),
        " inputs on the last axis, but the input ",
        kerasShapeString(input.getShape()), " has ", inputs);
  if (units <= 0 || units > kMaxDimSize)
    return emitOptionalError(loc, "units must be in [1, ", kMaxDimSize,
                             "], got ", units);
  if (bias && (bias.getRank() != 1 || bias.getDimSize(0) != units))
    return emitOptionalError(loc, "expected a bias of shape (", units,
                             ",), got ", bias);
  SmallVector<int64_t> shape(input.getShape());
  shape.back() = units;
  return makeResult(loc, input, shape);
}

FailureOr<RankedTensorType> cnn::inferPool2DType(std::optional<Location> loc,
                                                 RankedTensorType input,
                                                 ArrayRef<int64_t> poolSize,
                                                 ArrayRef<int64_t> strides,
                                                 Padding padding) {
  if (failed(verifyImageType(loc, input)) ||
      failed(verifyPair(loc, "pool size", poolSize)) ||
      failed(verifyPair(loc, "strides", strides)))
    return failure();
  int64_t unit[2] = {1, 1};
  auto out =
      windowOutput(loc, input, poolSize, strides, unit, padding, "pool size");
  if (failed(out))
    return failure();
  return makeResult(
      loc, input,
      {input.getDimSize(0), (*out)[0], (*out)[1], input.getDimSize(3)});
}

FailureOr<RankedTensorType>
cnn::inferGlobalPool2DType(std::optional<Location> loc, RankedTensorType input,
                           bool keepDims) {
  if (failed(verifyImageType(loc, input)))
    return failure();
  int64_t batch = input.getDimSize(0), channels = input.getDimSize(3);
  if (keepDims)
    return makeResult(loc, input, {batch, 1, 1, channels});
  return makeResult(loc, input, {batch, channels});
}

FailureOr<RankedTensorType> cnn::inferFlattenType(std::optional<Location> loc,
                                                  RankedTensorType input) {
  if (failed(verifyActivationType(loc, input)))
    return failure();
  int64_t features = 1;
  for (int64_t dim : input.getShape().drop_front())
    features *= dim;
  return makeResult(loc, input, {input.getDimSize(0), features});
}

FailureOr<RankedTensorType> cnn::inferCrop2DType(std::optional<Location> loc,
                                                 RankedTensorType input,
                                                 int64_t rows, int64_t cols) {
  if (failed(verifyImageType(loc, input)))
    return failure();
  if (rows < 1 || rows > input.getDimSize(1) || cols < 1 ||
      cols > input.getDimSize(2))
    return emitOptionalError(loc, "crop2d keeps ", rows, "x", cols, " of a ",
                             input.getDimSize(1), "x", input.getDimSize(2),
                             " image: it must keep at "
                             "least 1x1 and at most all of it");
  return makeResult(loc, input,
                    {input.getDimSize(0), rows, cols, input.getDimSize(3)});
}

FailureOr<RankedTensorType> cnn::inferDropoutType(std::optional<Location> loc,
                                                  RankedTensorType input,
                                                  double rate, bool spatial) {
  if (failed(verifyActivationType(loc, input)))
    return failure();
  // Written so that NaN fails too.
  if (!(rate >= 0.0 && rate < 1.0))
    return emitOptionalError(loc, "dropout rate must be in [0, 1), got ", rate);
  if (spatial && input.getRank() != 4)
    return emitOptionalError(loc,
                             "spatial dropout expects a 4-D input (batch, "
                             "rows, columns, channels), got ",
                             kerasShapeString(input.getShape()));
  return input;
}

FailureOr<RankedTensorType> cnn::inferNoiseType(std::optional<Location> loc,
                                                RankedTensorType input,
                                                StringRef what, double value,
                                                bool isRate) {
  if (failed(verifyActivationType(loc, input)))
    return failure();
  bool ok = isRate ? value >= 0.0 && value < 1.0
                   : value >= 0.0 && std::isfinite(value);
  if (!ok)
    return emitOptionalError(loc, what, " must be ",
                             isRate ? "in [0, 1)" : "finite and >= 0", ", got ",
                             value);
  return input;
}

FailureOr<RankedTensorType> cnn::inferSoftmaxType(std::optional<Location> loc,
                                                  RankedTensorType input,
                                                  int64_t axis) {
  if (failed(verifyActivationType(loc, input)))
    return failure();
  int64_t rank = input.getRank();
  if (axis < -rank || axis >= rank)
    return emitOptionalError(loc, "softmax axis ", axis,
                             " is out of range for ",
                             kerasShapeString(input.getShape()));
  return input;
}

FailureOr<RankedTensorType>
cnn::inferElementwiseType(std::optional<Location> loc, RankedTensorType input) {
  if (failed(verifyActivationType(loc, input)))
    return failure();
  return input;
}
