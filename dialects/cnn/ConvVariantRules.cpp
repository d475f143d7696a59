//===- ConvVariantRules.cpp - Keras's rules for the convolution variants --===//
//
// DepthwiseConv2D, Conv2DTranspose and UpSampling2D: what Keras accepts
// (keras/layers/convolutional/{depthwise_conv2d,conv2d_transpose}.py,
// reshaping/up_sampling2d.py) and the shapes it gives
// (keras/utils/conv_utils.py::deconv_output_length).
//
//===----------------------------------------------------------------------===//

#include "dialects/cnn/ShapeRules.h"

using namespace mlir;
using namespace mlir::cnn;

/// Two values, each in [min, kMaxDimSize].
static LogicalResult verifyPairAtLeast(std::optional<Location> loc,
                                       StringRef what, ArrayRef<int64_t> pair,
                                       int64_t min) {
  if (pair.size() != 2)
    return emitOptionalError(loc, what, " must have 2 values, got ",
                             pair.size());
  for (int64_t value : pair)
    if (value < min || value > kMaxDimSize)
      return emitOptionalError(loc, what, " must be in [", min, ", ",
                               kMaxDimSize, "], got (", pair[0], ", ", pair[1],
                               ")");
  return success();
}

static FailureOr<RankedTensorType> imageResult(std::optional<Location> loc,
                                               RankedTensorType input,
                                               int64_t rows, int64_t cols,
                                               int64_t channels) {
  auto type = RankedTensorType::get({input.getDimSize(0), rows, cols, channels},
                                    input.getElementType());
  if (failed(verifyActivationType(loc, type)))
    return failure();
  return type;
}

FailureOr<RankedTensorType>
cnn::inferDepthwiseConv2DType(std::optional<Location> loc,
                              RankedTensorType input, RankedTensorType kernel,
                              RankedTensorType bias, ArrayRef<int64_t> strides,
                              ArrayRef<int64_t> dilation, Padding padding) {
  if (failed(verifyImageType(loc, input)))
    return failure();
  if (kernel.getRank() != 4 || !kernel.hasStaticShape())
    return emitOptionalError(loc,
                             "expected a static 4-D depthwise kernel (rows, "
                             "columns, channels, depth_multiplier), got ",
                             kernel);
  int64_t multiplier = kernel.getDimSize(3);
  if (multiplier <= 0 || multiplier > kMaxDimSize)
    return emitOptionalError(loc, "depth_multiplier must be in [1, ",
                             kMaxDimSize, "], got ", multiplier);
  int64_t channels = input.getDimSize(3);
  if (kernel.getDimSize(2) != channels)
    return emitOptionalError(loc, "depthwise kernel ", kernel, " expects ",
                             kernel.getDimSize(2),
                             " input channels, but the input has ", channels);
  if (channels * multiplier > kMaxDimSize)
    return emitOptionalError(loc,
                             "channels * depth_multiplier must be at most ",
                             kMaxDimSize, ", got ", channels * multiplier);
  // Everything else is conv2d's rule for a kernel of channels * multiplier
  // filters: output channel c * M + m belongs to input channel c.
  auto asConv =
      RankedTensorType::get({kernel.getDimSize(0), kernel.getDimSize(1),
                             channels, channels * multiplier},
                            kernel.getElementType());
  return inferConv2DType(loc, input, asConv, bias, strides, dilation, padding);
}

int64_t cnn::transposedOutputLength(int64_t in, int64_t kernel, int64_t stride,
                                    Padding padding, int64_t outputPadding) {
  if (outputPadding < 0)
    return padding == Padding::valid
               ? in * stride + std::max<int64_t>(kernel - stride, 0)
               : in * stride;
  int64_t pad = padding == Padding::same ? kernel / 2 : 0;
  return (in - 1) * stride + kernel - 2 * pad + outputPadding;
}

FailureOr<RankedTensorType> cnn::inferConv2DTransposeType(
    std::optional<Location> loc, RankedTensorType input,
    RankedTensorType kernel, RankedTensorType bias, ArrayRef<int64_t> strides,
    Padding padding, std::optional<ArrayRef<int64_t>> outputPadding) {
  if (failed(verifyImageType(loc, input)) ||
      failed(verifyPairAtLeast(loc, "strides", strides, 1)))
    return failure();
  if (kernel.getRank() != 4 || !kernel.hasStaticShape())
    return emitOptionalError(loc,
                             "expected a static 4-D kernel (rows, columns, "
                             "filters, input channels), got ",
                             kernel);
  if (failed(verifyPairAtLeast(loc, "kernel size",
                               kernel.getShape().take_front(2), 1)))
    return failure();
  int64_t filters = kernel.getDimSize(2);
  if (filters <= 0 || filters > kMaxDimSize)
    return emitOptionalError(loc, "filters must be in [1, ", kMaxDimSize,
                             "], got ", filters);
  if (kernel.getDimSize(3) != input.getDimSize(3))
    return emitOptionalError(
        loc, "kernel ", kernel, " expects ", kernel.getDimSize(3),
        " input channels, but the input has ", input.getDimSize(3));
  if (bias && (bias.getRank() != 1 || bias.getDimSize(0) != filters))
    return emitOptionalError(loc, "expected a bias of shape (", filters,
                             ",), got ", bias);
  if (outputPadding) {
    if (failed(verifyPairAtLeast(loc, "output_padding", *outputPadding, 0)))
      return failure();
    // Keras: "Strides ... must be greater than output padding ...".
    for (int i = 0; i < 2; ++i)
      if ((*outputPadding)[i] >= strides[i])
        return emitOptionalError(loc, "output_padding (", (*outputPadding)[0],
                                 ", ", (*outputPadding)[1],
                                 ") must be less than the strides (",
                                 strides[0], ", ", strides[1], ")");
  }
  int64_t out[2];
  for (int i = 0; i < 2; ++i) {
    out[i] = transposedOutputLength(input.getDimSize(i + 1),
                                    kernel.getDimSize(i), strides[i], padding,
                                    outputPadding ? (*outputPadding)[i] : -1);
    if (out[i] <= 0 || out[i] > kMaxDimSize)
      return emitOptionalError(loc, "computed output size ", out[i],
                               " must be in [1, ", kMaxDimSize, "]: input ",
                               kerasShapeString(input.getShape()));
    // The output must be an input the matching convolution maps back to
    // this size (TensorFlow's conv2d_transpose refuses it otherwise: an even
    // kernel, 'same' padding and output_padding 0).
    int64_t back = windowOutputLength(out[i], kernel.getDimSize(i), strides[i],
                                      1, padding);
    if (back != input.getDimSize(i + 1))
      return emitOptionalError(loc, "output size ", out[i],
                               " does not convolve back to ",
                               input.getDimSize(i + 1), " with kernel ",
                               kernel.getDimSize(i), " and stride ", strides[i],
                               " (TensorFlow refuses this output_padding too)");
  }
  return imageResult(loc, input, out[0], out[1], filters);
}

FailureOr<RankedTensorType>
cnn::inferUpSampling2DType(std::optional<Location> loc, RankedTensorType input,
                           ArrayRef<int64_t> size) {
  if (failed(verifyImageType(loc, input)) ||
      failed(verifyPairAtLeast(loc, "size", size, 1)))
    return failure();
  return imageResult(loc, input, input.getDimSize(1) * size[0],
                     input.getDimSize(2) * size[1], input.getDimSize(3));
}
