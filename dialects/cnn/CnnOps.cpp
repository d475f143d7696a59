//===- CnnOps.cpp - The cnn dialect's ops ---------------------------------===//
//
// Type inference for every op, delegated to ShapeRules.cpp, which is shared
// with the frontends.
//
//===----------------------------------------------------------------------===//

#include "dialects/cnn/CnnOps.h"
#include "dialects/cnn/ShapeRules.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace mlir::cnn;

#define GET_OP_CLASSES
#include "dialects/cnn/CnnOps.cpp.inc"

/// The operand as a ranked tensor; null for an absent optional operand. ODS
/// has checked that present operands are ranked f32 tensors by the time the
/// verifier infers; the parser and builders may call earlier, hence dyn_cast.
static RankedTensorType ranked(Value value) {
  return value ? dyn_cast<RankedTensorType>(value.getType()) : nullptr;
}

/// Appends `type` on success.
static LogicalResult result(FailureOr<RankedTensorType> type,
                            SmallVectorImpl<Type> &inferred) {
  if (failed(type))
    return failure();
  inferred.push_back(*type);
  return success();
}

static LogicalResult notRanked(std::optional<Location> loc) {
  return emitOptionalError(loc, "expected ranked f32 tensor operands");
}

/// Inference runs before ODS has checked the attributes (the parser infers),
/// so a required attribute may still be missing.
static LogicalResult missingAttribute(std::optional<Location> loc) {
  return emitOptionalError(loc, "missing a required attribute");
}

//===----------------------------------------------------------------------===//
// Conv2DOp, DenseOp
//===----------------------------------------------------------------------===//

LogicalResult Conv2DOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto input = ranked(adaptor.getInput()), kernel = ranked(adaptor.getKernel());
  if (!input || !kernel || (adaptor.getBias() && !ranked(adaptor.getBias())))
    return notRanked(loc);
  if (!adaptor.getStridesAttr() || !adaptor.getDilationAttr() ||
      !adaptor.getPaddingAttr())
    return missingAttribute(loc);
  return result(inferConv2DType(loc, input, kernel, ranked(adaptor.getBias()),
                                adaptor.getStrides(), adaptor.getDilation(),
                                adaptor.getPadding()),
                inferred);
}

LogicalResult DenseOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  auto input = ranked(adaptor.getInput()), kernel = ranked(adaptor.getKernel());
  if (!input || !kernel || (adaptor.getBias() && !ranked(adaptor.getBias())))
    return notRanked(loc);
  return result(inferDenseType(loc, input, kernel, ranked(adaptor.getBias())),
                inferred);
}

//===----------------------------------------------------------------------===//
// FusedConv2DOp
//===----------------------------------------------------------------------===//

/// The convolution's type, then the pooling's when there is one.
static FailureOr<RankedTensorType> inferFused(std::optional<Location> loc,
                                              FusedConv2DOp::Adaptor adaptor) {
  auto input = ranked(adaptor.getInput()), kernel = ranked(adaptor.getKernel());
  if (!input || !kernel || (adaptor.getBias() && !ranked(adaptor.getBias()))) {
    (void)notRanked(loc);
    return failure();
  }
  if (!adaptor.getStridesAttr() || !adaptor.getDilationAttr() ||
      !adaptor.getPaddingAttr()) {
    (void)missingAttribute(loc);
    return failure();
  }
  auto conv = inferConv2DType(loc, input, kernel, ranked(adaptor.getBias()),
                              adaptor.getStrides(), adaptor.getDilation(),
                              adaptor.getPadding());
  if (failed(conv) || !adaptor.getPoolAttr())
    return conv;
  if (!adaptor.getPoolSizeAttr() || !adaptor.getPoolStridesAttr() ||
      !adaptor.getPoolPaddingAttr()) {
    (void)missingAttribute(loc);
    return failure();
  }
  return inferPool2DType(loc, *conv, *adaptor.getPoolSize(),
                         *adaptor.getPoolStrides(), *adaptor.getPoolPadding());
}

LogicalResult FusedConv2DOp::inferReturnTypes(MLIRContext *,
                                              std::optional<Location> loc,
                                              Adaptor adaptor,
                                              SmallVectorImpl<Type> &inferred) {
  return result(inferFused(loc, adaptor), inferred);
}

RankedTensorType FusedConv2DOp::getConvType() {
  return *inferConv2DType(std::nullopt, getInput().getType(),
                          getKernel().getType(),
                          getBias() ? getBias().getType() : nullptr,
                          getStrides(), getDilation(), getPadding());
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

template <typename PoolOp>
static LogicalResult inferPool(std::optional<Location> loc,
                               typename PoolOp::Adaptor adaptor,
                               SmallVectorImpl<Type> &inferred) {
  auto input = ranked(adaptor.getInput());
  if (!input)
    return notRanked(loc);
  if (!adaptor.getPoolSizeAttr() || !adaptor.getPaddingAttr())
    return missingAttribute(loc);
  ArrayRef<int64_t> poolSize = adaptor.getPoolSize();
  ArrayRef<int64_t> strides =
      adaptor.getStrides() ? *adaptor.getStrides() : poolSize;
  return result(
      inferPool2DType(loc, input, poolSize, strides, adaptor.getPadding()),
      inferred);
}

LogicalResult MaxPool2DOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  return inferPool<MaxPool2DOp>(loc, adaptor, inferred);
}

LogicalResult AvgPool2DOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  return inferPool<AvgPool2DOp>(loc, adaptor, inferred);
}

LogicalResult MinPool2DOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  return inferPool<MinPool2DOp>(loc, adaptor, inferred);
}

template <typename GlobalPoolOp>
static LogicalResult inferGlobalPool(std::optional<Location> loc,
                                     typename GlobalPoolOp::Adaptor adaptor,
                                     SmallVectorImpl<Type> &inferred) {
  auto input = ranked(adaptor.getInput());
  if (!input)
    return notRanked(loc);
  return result(inferGlobalPool2DType(loc, input, adaptor.getKeepdims()),
                inferred);
}

LogicalResult
GlobalMaxPool2DOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                    Adaptor adaptor,
                                    SmallVectorImpl<Type> &inferred) {
  return inferGlobalPool<GlobalMaxPool2DOp>(loc, adaptor, inferred);
}

LogicalResult
GlobalAvgPool2DOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                    Adaptor adaptor,
                                    SmallVectorImpl<Type> &inferred) {
  return inferGlobalPool<GlobalAvgPool2DOp>(loc, adaptor, inferred);
}

LogicalResult
GlobalMinPool2DOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                    Adaptor adaptor,
                                    SmallVectorImpl<Type> &inferred) {
  return inferGlobalPool<GlobalMinPool2DOp>(loc, adaptor, inferred);
}

//===----------------------------------------------------------------------===//
// FlattenOp, DropoutOp, activations
//===----------------------------------------------------------------------===//

LogicalResult FlattenOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  auto input = ranked(adaptor.getInput());
  if (!input)
    return notRanked(loc);
  return result(inferFlattenType(loc, input), inferred);
}

LogicalResult Crop2DOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto input = ranked(adaptor.getInput());
  if (!input)
    return notRanked(loc);
  if (!adaptor.getRowsAttr() || !adaptor.getColsAttr())
    return missingAttribute(loc);
  return result(
      inferCrop2DType(loc, input, adaptor.getRows(), adaptor.getCols()),
      inferred);
}

LogicalResult
ZeroPadding2DOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                  Adaptor adaptor,
                                  SmallVectorImpl<Type> &inferred) {
  auto input = ranked(adaptor.getInput());
  if (!input)
    return notRanked(loc);
  if (!adaptor.getPaddingAttr())
    return missingAttribute(loc);
  return result(inferZeroPadding2DType(loc, input, adaptor.getPadding()),
                inferred);
}

LogicalResult Cropping2DOp::inferReturnTypes(MLIRContext *,
                                             std::optional<Location> loc,
                                             Adaptor adaptor,
                                             SmallVectorImpl<Type> &inferred) {
  auto input = ranked(adaptor.getInput());
  if (!input)
    return notRanked(loc);
  if (!adaptor.getCroppingAttr())
    return missingAttribute(loc);
  return result(inferCropping2DType(loc, input, adaptor.getCropping()),
                inferred);
}

LogicalResult
AlphaDropoutOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                 Adaptor adaptor,
                                 SmallVectorImpl<Type> &inferred) {
  auto input = ranked(adaptor.getInput());
  if (!input)
    return notRanked(loc);
  if (!adaptor.getRateAttr())
    return missingAttribute(loc);
  return result(inferNoiseType(loc, input, "rate",
                               adaptor.getRate().convertToDouble(),
                               /*isRate=*/true),
                inferred);
}

LogicalResult PermuteOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  auto input = ranked(adaptor.getInput());
  if (!input)
    return notRanked(loc);
  if (!adaptor.getDimsAttr())
    return missingAttribute(loc);
  return result(inferPermuteType(loc, input, adaptor.getDims()), inferred);
}

LogicalResult RescalingOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  auto input = ranked(adaptor.getInput());
  if (!input)
    return notRanked(loc);
  if (!adaptor.getScaleAttr() || !adaptor.getOffsetAttr())
    return missingAttribute(loc);
  return result(inferRescalingType(loc, input,
                                   adaptor.getScale().convertToDouble(),
                                   adaptor.getOffset().convertToDouble()),
                inferred);
}

LogicalResult
GaussianNoiseOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                  Adaptor adaptor,
                                  SmallVectorImpl<Type> &inferred) {
  auto input = ranked(adaptor.getInput());
  if (!input)
    return notRanked(loc);
  if (!adaptor.getStddevAttr())
    return missingAttribute(loc);
  return result(inferNoiseType(loc, input, "stddev",
                               adaptor.getStddev().convertToDouble(),
                               /*isRate=*/false),
                inferred);
}

LogicalResult
GaussianDropoutOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                    Adaptor adaptor,
                                    SmallVectorImpl<Type> &inferred) {
  auto input = ranked(adaptor.getInput());
  if (!input)
    return notRanked(loc);
  if (!adaptor.getRateAttr())
    return missingAttribute(loc);
  return result(inferNoiseType(loc, input, "rate",
                               adaptor.getRate().convertToDouble(),
                               /*isRate=*/true),
                inferred);
}

LogicalResult DropoutOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  auto input = ranked(adaptor.getInput());
  if (!input)
    return notRanked(loc);
  if (!adaptor.getRateAttr())
    return missingAttribute(loc);
  return result(inferDropoutType(loc, input,
                                 adaptor.getRate().convertToDouble(),
                                 static_cast<bool>(adaptor.getSpatialAttr())),
                inferred);
}

LogicalResult SoftmaxOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  auto input = ranked(adaptor.getInput());
  if (!input)
    return notRanked(loc);
  // The parser infers before default-valued attributes are filled in.
  IntegerAttr axis = adaptor.getAxisAttr();
  return result(inferSoftmaxType(loc, input, axis ? axis.getInt() : -1),
                inferred);
}

template <typename ElementwiseOp>
static LogicalResult inferElementwise(std::optional<Location> loc,
                                      typename ElementwiseOp::Adaptor adaptor,
                                      SmallVectorImpl<Type> &inferred) {
  auto input = ranked(adaptor.getInput());
  if (!input)
    return notRanked(loc);
  return result(inferElementwiseType(loc, input), inferred);
}

LogicalResult ReluOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  return inferElementwise<ReluOp>(loc, adaptor, inferred);
}

LogicalResult SigmoidOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  return inferElementwise<SigmoidOp>(loc, adaptor, inferred);
}

LogicalResult TanhOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  return inferElementwise<TanhOp>(loc, adaptor, inferred);
}

LogicalResult LinearOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  return inferElementwise<LinearOp>(loc, adaptor, inferred);
}

LogicalResult
ApplyActivationOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                    Adaptor adaptor,
                                    SmallVectorImpl<Type> &inferred) {
  auto input = ranked(adaptor.getInput());
  if (!input)
    return notRanked(loc);
  if (!adaptor.getFunctionAttr())
    return missingAttribute(loc);
  // The parser infers before default-valued attributes are filled in.
  FloatAttr alpha = adaptor.getAlphaAttr(),
            threshold = adaptor.getThresholdAttr();
  std::optional<double> maxValue;
  if (FloatAttr max = adaptor.getMaxValueAttr())
    maxValue = max.getValueAsDouble();
  return result(
      inferActivationType(loc, input, adaptor.getFunction(),
                          alpha ? alpha.getValueAsDouble() : 0.0, maxValue,
                          threshold ? threshold.getValueAsDouble() : 0.0),
      inferred);
}

LogicalResult PReluOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  auto input = ranked(adaptor.getInput());
  auto alpha = ranked(adaptor.getAlpha());
  if (!input || !alpha)
    return notRanked(loc);
  return result(inferPReluType(loc, input, alpha), inferred);
}

OpFoldResult LinearOp::fold(FoldAdaptor) { return getInput(); }
