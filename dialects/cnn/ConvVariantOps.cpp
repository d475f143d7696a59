//===- ConvVariantOps.cpp - Type inference of the convolution variants ----===//
//
// The ops of CnnConvVariantOps.td infer (forward) or verify (backward)
// their types through ConvVariantRules.cpp, the rules the frontends check
// layers with.
//
//===----------------------------------------------------------------------===//

#include "dialects/cnn/CnnOps.h"
#include "dialects/cnn/ShapeRules.h"

using namespace mlir;
using namespace mlir::cnn;

static RankedTensorType rankedOrNull(Value value) {
  return value ? dyn_cast<RankedTensorType>(value.getType()) : nullptr;
}

static LogicalResult push(FailureOr<RankedTensorType> type,
                          SmallVectorImpl<Type> &inferred) {
  if (failed(type))
    return failure();
  inferred.push_back(*type);
  return success();
}

/// Inference runs before ODS has checked operands and attributes (the
/// parser infers), so either may still be missing or unranked.
static LogicalResult malformed(std::optional<Location> loc) {
  return emitOptionalError(
      loc, "expected ranked f32 tensor operands and every required attribute");
}

LogicalResult
DepthwiseConv2DOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                    Adaptor adaptor,
                                    SmallVectorImpl<Type> &inferred) {
  auto input = rankedOrNull(adaptor.getInput());
  auto kernel = rankedOrNull(adaptor.getKernel());
  if (!input || !kernel ||
      (adaptor.getBias() && !rankedOrNull(adaptor.getBias())) ||
      !adaptor.getStridesAttr() || !adaptor.getDilationAttr() ||
      !adaptor.getPaddingAttr())
    return malformed(loc);
  return push(inferDepthwiseConv2DType(
                  loc, input, kernel, rankedOrNull(adaptor.getBias()),
                  adaptor.getStrides(), adaptor.getDilation(),
                  adaptor.getPadding()),
              inferred);
}

LogicalResult
Conv2DTransposeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                    Adaptor adaptor,
                                    SmallVectorImpl<Type> &inferred) {
  auto input = rankedOrNull(adaptor.getInput());
  auto kernel = rankedOrNull(adaptor.getKernel());
  if (!input || !kernel ||
      (adaptor.getBias() && !rankedOrNull(adaptor.getBias())) ||
      !adaptor.getStridesAttr() || !adaptor.getPaddingAttr())
    return malformed(loc);
  std::optional<ArrayRef<int64_t>> outputPadding;
  if (adaptor.getOutputPaddingAttr())
    outputPadding = adaptor.getOutputPaddingAttr().asArrayRef();
  return push(inferConv2DTransposeType(
                  loc, input, kernel, rankedOrNull(adaptor.getBias()),
                  adaptor.getStrides(), adaptor.getPadding(), outputPadding),
              inferred);
}

LogicalResult
UpSampling2DOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                 Adaptor adaptor,
                                 SmallVectorImpl<Type> &inferred) {
  auto input = rankedOrNull(adaptor.getInput());
  if (!input || !adaptor.getSizeAttr())
    return malformed(loc);
  return push(inferUpSampling2DType(loc, input, adaptor.getSize()), inferred);
}

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

LogicalResult DepthwiseConv2DInputGradOp::verify() {
  return forwardGives(*this,
                      inferDepthwiseConv2DType(
                          getLoc(), getType(), getKernel().getType(), nullptr,
                          getStrides(), getDilation(), getPadding()),
                      getOutputGrad().getType(), "an output gradient");
}

LogicalResult DepthwiseConv2DKernelGradOp::verify() {
  return forwardGives(*this,
                      inferDepthwiseConv2DType(getLoc(), getInput().getType(),
                                               getType(), nullptr, getStrides(),
                                               getDilation(), getPadding()),
                      getOutputGrad().getType(), "an output gradient");
}

LogicalResult UpSampling2DGradOp::verify() {
  return forwardGives(*this,
                      inferUpSampling2DType(getLoc(), getType(), getSize()),
                      getOutputGrad().getType(), "an output gradient");
}
