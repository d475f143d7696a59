//===- Lowering.h - Helpers of the cnn-to-linalg lowering -------*- C++ -*-===//
//
// Private to convert-cnn-to-linalg: one function per piece of math, shared by
// the op patterns (fused_conv2d reuses conv, relu and pooling; the gradients
// share transposes, maps and contractions' bodies), and the populate
// functions of each op family's file.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_COMPILER_CONVERSION_CNNTOLINALG_LOWERING_H
#define CNNC_COMPILER_CONVERSION_CNNTOLINALG_LOWERING_H

#include "dialects/cnn/CnnOps.h"

#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"

#include <optional>

namespace cnnc::lowering {

constexpr llvm::StringLiteral kFusionRootAttr =
    mlir::cnn::CnnDialect::kFusionRootAttrName;

/// tensor.empty of `type`, taking its dynamic batch from `like`.
mlir::Value emptyTensor(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType type, mlir::Value like);

/// An f32 constant (the optimizers' settings, given as double, are rounded
/// to float32 as Keras keeps them).
mlir::Value constantF32(mlir::OpBuilder &b, mlir::Location loc, double value);

/// `type` filled with `value` (`like` may be null when `type` is static).
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::RankedTensorType type, mlir::Value like,
                         float value);

/// Pads rows and columns of an NHWC tensor as Keras's `same` does, with
/// `value`; returns `input` itself when nothing needs padding.
mlir::Value padSpatial(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::Value input, llvm::ArrayRef<int64_t> window,
                       llvm::ArrayRef<int64_t> strides,
                       llvm::ArrayRef<int64_t> dilation,
                       mlir::cnn::Padding padding, float value);

/// An elementwise linalg.generic over `input` whose body maps the element.
mlir::Value
mapElements(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
            llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                           mlir::Value)>
                body);

/// Iterator types for a linalg.generic: `parallel` parallel dims, then
/// `reduction` reduction dims.
llvm::SmallVector<mlir::utils::IteratorType> iterators(int64_t parallel,
                                                       int64_t reduction);

/// An affine map of `dims` dimensions, no symbols, and `exprs` as results.
mlir::AffineMap map(mlir::OpBuilder &b, unsigned dims,
                    llvm::ArrayRef<mlir::AffineExpr> exprs);

mlir::Value constantIndex(mlir::OpBuilder &b, mlir::Location loc,
                          int64_t value);

/// Permutes the dimensions of `value`: result dim i is input dim perm[i].
mlir::Value transposed(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::Value value, llvm::ArrayRef<int64_t> perm);

/// args[2] + args[0] * args[1]: the body of a contraction's generic.
mlir::Value multiplyAdd(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::ValueRange args);

mlir::Value buildConv2D(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType resultType, mlir::Value input,
                        mlir::Value kernel, mlir::Value bias,
                        llvm::ArrayRef<int64_t> strides,
                        llvm::ArrayRef<int64_t> dilation,
                        mlir::cnn::Padding padding);

/// An NHWC `dy` with its rows `strides[0]` and its columns `strides[1]`
/// apart, zeros between: what a strided convolution's input gradient (and
/// so Conv2DTranspose) convolves.
mlir::Value spreadByStrides(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value dy, llvm::ArrayRef<int64_t> strides);

/// dx of `y = conv2d(x, kernel)` for a dx of type `dxType`, given dy: also
/// Conv2DTranspose's forward pass (ConvBackward.cpp).
mlir::Value buildConv2DInputGrad(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::Value dy, mlir::Value kernel,
                                 mlir::RankedTensorType dxType,
                                 llvm::ArrayRef<int64_t> strides,
                                 llvm::ArrayRef<int64_t> dilation,
                                 mlir::cnn::Padding padding);

/// (N, H, W, C) with each channel repeated `multiplier` times in place:
/// channel c * M + m of the result is channel c (ConvVariants.cpp).
mlir::Value repeatChannels(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value x, int64_t multiplier);

mlir::Value buildRelu(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x);

/// A cnn.activation's function and parameters, as its ops hold them.
struct ActivationParams {
  mlir::cnn::ActivationFunction function;
  double alpha = 0.0;
  std::optional<double> maxValue;
  double threshold = 0.0;
};

/// f(x) for one element (ActivationMath.cpp): NaN in, NaN out.
mlir::Value buildActivation(mlir::OpBuilder &b, mlir::Location loc,
                            const ActivationParams &params, mlir::Value x);

/// f'(x) for one element (ActivationMath.cpp).
mlir::Value buildActivationDerivative(mlir::OpBuilder &b, mlir::Location loc,
                                      const ActivationParams &params,
                                      mlir::Value x);

/// The math ops the activations build carry this unit attribute:
/// approximateTaggedMath then replaces them with MLIR's polynomial forms,
/// which vectorize, where libm would be a call per element.
constexpr llvm::StringLiteral kApproximateAttr = "cnn.approximate";

/// Rewrites the tagged math ops under `root` into polynomials
/// (MathApproximation.cpp).
void approximateTaggedMath(mlir::Operation *root);

mlir::Value buildPool2D(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::cnn::PoolKind kind,
                        mlir::RankedTensorType resultType, mlir::Value input,
                        llvm::ArrayRef<int64_t> poolSize,
                        llvm::ArrayRef<int64_t> strides,
                        mlir::cnn::Padding padding);

void populateConvPatterns(mlir::RewritePatternSet &patterns);
void populatePoolPatterns(mlir::RewritePatternSet &patterns);
void populateDensePatterns(mlir::RewritePatternSet &patterns);
void populateElementwisePatterns(mlir::RewritePatternSet &patterns);
void populateConvBackwardPatterns(mlir::RewritePatternSet &patterns);
void populateDenseBackwardPatterns(mlir::RewritePatternSet &patterns);
void populatePoolBackwardPatterns(mlir::RewritePatternSet &patterns);
void populateElementwiseBackwardPatterns(mlir::RewritePatternSet &patterns);
void populateActivationPatterns(mlir::RewritePatternSet &patterns);
void populatePReluPatterns(mlir::RewritePatternSet &patterns);
void populateShapeLayerPatterns(mlir::RewritePatternSet &patterns);
void populateConvVariantPatterns(mlir::RewritePatternSet &patterns);
void populateConvVariantBackwardPatterns(mlir::RewritePatternSet &patterns);
void populateLossPatterns(mlir::RewritePatternSet &patterns);
void populateOptimizerPatterns(mlir::RewritePatternSet &patterns);
void populateBatchNormPatterns(mlir::RewritePatternSet &patterns);
void populateLayerNormPatterns(mlir::RewritePatternSet &patterns);
void populateAlphaDropoutPatterns(mlir::RewritePatternSet &patterns);
void populateMergePatterns(mlir::RewritePatternSet &patterns);
void populateMergeBackwardPatterns(mlir::RewritePatternSet &patterns);
void populateQuantizePatterns(mlir::RewritePatternSet &patterns);

} // namespace cnnc::lowering

#endif // CNNC_COMPILER_CONVERSION_CNNTOLINALG_LOWERING_H
