//===- ShapeRules.h - Keras's shape rules for the cnn ops -------*- C++ -*-===//
//
// Each function checks one op's operands and attributes and computes its
// result type exactly as Keras does. They are the ops' type inference (and
// thereby their verifier) and the frontends' shape checker: errors go to
// `loc` when it is given, so a bad model file is reported at the layer that
// cannot work, and a bad `.mlir` op at the op.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_DIALECTS_CNN_SHAPERULES_H
#define CNNC_DIALECTS_CNN_SHAPERULES_H

#include "dialects/cnn/CnnOps.h"

#include <optional>

namespace mlir::cnn {

/// Largest size cnnc accepts for any one dimension, window, stride or
/// dilation, and for the elements of one sample's tensor. Bounding them keeps
/// every shape computation well inside int64 and rejects models that could
/// never be allocated before anything is compiled.
constexpr int64_t kMaxDimSize = int64_t(1) << 24;
constexpr int64_t kMaxSampleElements = int64_t(1) << 28;
/// Largest number of parameters (all weights together) of one model: 1 GiB
/// of f32, far beyond any CNN this compiler is for, well within memory.
constexpr int64_t kMaxModelParams = int64_t(1) << 28;
/// Most layers of one model. Compile time is linear in depth up to a few
/// hundred layers, but not beyond (docs/compiler.md, "Not linear yet"):
/// 1,000 convolutions take 19 s to an object, and 10,000 would take
/// minutes, so a model past this is refused at its layer, in a second.
constexpr int64_t kMaxModelLayers = 2000;

/// Keras's output length along one spatial dimension (`conv_output_length`):
/// valid: floor((in - d*(k-1) - 1) / s) + 1; same: ceil(in / s).
/// Non-positive when the window does not fit.
int64_t windowOutputLength(int64_t in, int64_t window, int64_t stride,
                           int64_t dilation, Padding padding);

/// Padding before (top/left) and after (bottom/right) one spatial dimension;
/// zero for `valid`. Keras/TF put the odd extra cell after.
std::pair<int64_t, int64_t> paddingAmounts(int64_t in, int64_t window,
                                           int64_t stride, int64_t dilation,
                                           Padding padding);

/// Renders a shape as Keras prints it: (None, 26, 26, 32).
std::string kerasShapeString(ArrayRef<int64_t> shape);

FailureOr<RankedTensorType>
inferConv2DType(std::optional<Location> loc, RankedTensorType input,
                RankedTensorType kernel, RankedTensorType bias,
                ArrayRef<int64_t> strides, ArrayRef<int64_t> dilation,
                Padding padding);

FailureOr<RankedTensorType> inferDenseType(std::optional<Location> loc,
                                           RankedTensorType input,
                                           RankedTensorType kernel,
                                           RankedTensorType bias);

FailureOr<RankedTensorType> inferPool2DType(std::optional<Location> loc,
                                            RankedTensorType input,
                                            ArrayRef<int64_t> poolSize,
                                            ArrayRef<int64_t> strides,
                                            Padding padding);

FailureOr<RankedTensorType> inferGlobalPool2DType(std::optional<Location> loc,
                                                  RankedTensorType input,
                                                  bool keepDims);

FailureOr<RankedTensorType> inferFlattenType(std::optional<Location> loc,
                                             RankedTensorType input);

/// crop2d: an image tensor's first `rows` rows and `cols` columns, each at
/// least 1 and at most what the input has.
FailureOr<RankedTensorType> inferCrop2DType(std::optional<Location> loc,
                                            RankedTensorType input,
                                            int64_t rows, int64_t cols);

/// dropout: `rate` in [0, 1); `spatial` (SpatialDropout2D) needs an image.
FailureOr<RankedTensorType> inferDropoutType(std::optional<Location> loc,
                                             RankedTensorType input,
                                             double rate, bool spatial = false);

/// gaussian_noise / gaussian_dropout: a finite stddev >= 0 / a rate in
/// [0, 1), as Keras requires.
FailureOr<RankedTensorType> inferNoiseType(std::optional<Location> loc,
                                           RankedTensorType input,
                                           StringRef what, double value,
                                           bool isRate);

FailureOr<RankedTensorType> inferSoftmaxType(std::optional<Location> loc,
                                             RankedTensorType input,
                                             int64_t axis);

/// Elementwise activations: the input type, once it is a valid activation.
FailureOr<RankedTensorType> inferElementwiseType(std::optional<Location> loc,
                                                 RankedTensorType input);

/// cnn.activation: the input type, once the function's parameters are
/// Keras's (ActivationRules.cpp): relu's alpha (negative_slope), max_value
/// and threshold at least 0, elu's alpha finite, hard_sigmoid's slope
/// positive, and no parameter on a function that has none.
FailureOr<RankedTensorType>
inferActivationType(std::optional<Location> loc, RankedTensorType input,
                    ActivationFunction function, double alpha,
                    std::optional<double> maxValue, double threshold);

/// cnn.prelu: the input type, once `alpha` has the input's shape without
/// the batch, each dimension equal to the input's or 1 (a shared axis).
FailureOr<RankedTensorType> inferPReluType(std::optional<Location> loc,
                                           RankedTensorType input,
                                           RankedTensorType alpha);

/// zero_padding2d: an image with `padding` = [top, bottom, left, right]
/// (each >= 0) zero rows and columns added (ShapeLayerRules.cpp).
FailureOr<RankedTensorType> inferZeroPadding2DType(std::optional<Location> loc,
                                                   RankedTensorType input,
                                                   ArrayRef<int64_t> padding);

/// cropping2d: an image with `cropping` = [top, bottom, left, right] (each
/// >= 0) rows and columns removed, at least one of each left.
FailureOr<RankedTensorType> inferCropping2DType(std::optional<Location> loc,
                                                RankedTensorType input,
                                                ArrayRef<int64_t> cropping);

/// Keras Reshape: each sample to `targetShape` (without the batch; one
/// entry may be -1, inferred), holding as many elements as before.
FailureOr<RankedTensorType> inferReshapeType(std::optional<Location> loc,
                                             RankedTensorType input,
                                             ArrayRef<int64_t> targetShape);

/// permute: the input's axes after the batch in the order of `dims`, Keras's
/// 1-based permutation of them (ShapeLayerRules.cpp).
FailureOr<RankedTensorType> inferPermuteType(std::optional<Location> loc,
                                             RankedTensorType input,
                                             ArrayRef<int64_t> dims);

/// rescaling: the input type, once scale and offset are finite.
FailureOr<RankedTensorType> inferRescalingType(std::optional<Location> loc,
                                               RankedTensorType input,
                                               double scale, double offset);

/// depthwise_conv2d (ConvVariantRules.cpp): conv2d's rule with a kernel
/// (rows, columns, channels, multiplier); the result has channels *
/// multiplier channels.
FailureOr<RankedTensorType>
inferDepthwiseConv2DType(std::optional<Location> loc, RankedTensorType input,
                         RankedTensorType kernel, RankedTensorType bias,
                         ArrayRef<int64_t> strides, ArrayRef<int64_t> dilation,
                         Padding padding);

/// Keras's deconv_output_length (dilation 1); `outputPadding` < 0 means
/// None, which Keras treats differently from 0.
int64_t transposedOutputLength(int64_t in, int64_t kernel, int64_t stride,
                               Padding padding, int64_t outputPadding);

/// conv2d_transpose: kernel (rows, columns, filters, input channels), each
/// output_padding below its stride.
FailureOr<RankedTensorType>
inferConv2DTransposeType(std::optional<Location> loc, RankedTensorType input,
                         RankedTensorType kernel, RankedTensorType bias,
                         ArrayRef<int64_t> strides, Padding padding,
                         std::optional<ArrayRef<int64_t>> outputPadding);

/// upsampling2d: an image with rows and columns times `size` (each >= 1).
FailureOr<RankedTensorType> inferUpSampling2DType(std::optional<Location> loc,
                                                  RankedTensorType input,
                                                  ArrayRef<int64_t> size);

/// Checks a model input or activation type: rank >= 2, batch first (dynamic
/// or positive), every other dimension static, positive and within bounds.
LogicalResult verifyActivationType(std::optional<Location> loc,
                                   RankedTensorType type);

/// Checks an image batch: an activation type of rank 4 (batch, rows,
/// columns, channels).
LogicalResult verifyImageType(std::optional<Location> loc,
                              RankedTensorType input);

/// batch_norm (NormalizationRules.cpp): the input type, once every present
/// parameter is a vector of the input's last dimension, epsilon is finite
/// and >= 0 and momentum in [0, 1].
FailureOr<RankedTensorType>
inferBatchNormType(std::optional<Location> loc, RankedTensorType input,
                   ArrayRef<RankedTensorType> params, double epsilon,
                   double momentum);

/// layer_norm (NormalizationRules.cpp): the input type, once `axis` is one
/// of the input's axes after the batch, each present parameter has the
/// input's shape from `axis` on, and epsilon is finite and >= 0.
FailureOr<RankedTensorType>
inferLayerNormType(std::optional<Location> loc, RankedTensorType input,
                   ArrayRef<RankedTensorType> params, int64_t axis,
                   double epsilon);

/// fold_batch_norm_kernel / fold_batch_norm_bias: `target` (a kernel with
/// its output channels last, or a bias) once each BN parameter is a vector
/// of that many channels.
FailureOr<RankedTensorType>
inferFoldBatchNormType(std::optional<Location> loc, RankedTensorType target,
                       ArrayRef<RankedTensorType> params, double epsilon);
/// cnn.merge (MergeRules.cpp): inputs of one rank and batch whose other
/// dimensions are equal or 1 (broadcast); subtract takes exactly two.
FailureOr<RankedTensorType> inferMergeType(std::optional<Location> loc,
                                           MergeKind kind,
                                           ArrayRef<RankedTensorType> inputs);

/// cnn.concatenate: inputs of one rank and batch, equal but along `axis`
/// (negative from the end; never the batch), summed along it.
FailureOr<RankedTensorType>
inferConcatenateType(std::optional<Location> loc,
                     ArrayRef<RankedTensorType> inputs, int64_t axis);

/// cnn.random_augmentation (AugmentationOps.cpp): a batch of images
/// (N, H, W, C), as Keras's augmentation layers take, passed through.
FailureOr<RankedTensorType> inferAugmentationType(std::optional<Location> loc,
                                                  RankedTensorType input);

} // namespace mlir::cnn

#endif // CNNC_DIALECTS_CNN_SHAPERULES_H
