//===- ConvVariantsBackward.cpp - Gradients of depthwise conv, upsampling -===//
//
// The depthwise convolution's gradients are depthwise convolutions, as the
// forward pass is, so they tile and vectorize along the channels alike:
//   - input: the output gradient, its cells put `strides` apart and padded
//     for a full correlation, convolved with the flipped kernel; with a
//     multiplier M, the M channels that come from one input channel are
//     then summed;
//   - kernel: per image, the image is the input of a depthwise convolution
//     whose kernel is that image's output gradient (the forward dilation
//     as its stride, the forward stride as its dilation), accumulated over
//     the batch: the form conv2d's one-channel kernel gradient takes.
// A nearest upsampling's gradient sums each block of dy.
// (Conv2DTranspose needs no op of its own: its gradients are conv2d and
// conv2d_kernel_grad, written by --cnn-build-train-step.)
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/CnnToLinalg/Lowering.h"
#include "dialects/cnn/ShapeRules.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::cnn;
using namespace cnnc;
using namespace cnnc::lowering;

namespace {

/// Sums `value` (N, H, W, C*M) over each channel's M copies: (N, H, W, C).
Value sumCopies(OpBuilder &b, Location loc, Value value, int64_t multiplier) {
  if (multiplier == 1)
    return value;
  auto type = cast<RankedTensorType>(value.getType());
  int64_t channels = type.getDimSize(3) / multiplier;
  auto splitType =
      RankedTensorType::get({type.getDimSize(0), type.getDimSize(1),
                             type.getDimSize(2), channels, multiplier},
                            b.getF32Type());
  Value split = b.create<tensor::ExpandShapeOp>(
      loc, splitType, value,
      ArrayRef<ReassociationIndices>{{0}, {1}, {2}, {3, 4}});
  auto sumType =
      RankedTensorType::get(splitType.getShape().drop_back(), b.getF32Type());
  Value zeros = filledTensor(b, loc, sumType, value, 0.0f);
  return b
      .create<linalg::ReduceOp>(
          loc, ValueRange{split}, ValueRange{zeros}, ArrayRef<int64_t>{4},
          [](OpBuilder &nb, Location nl, ValueRange args) {
            nb.create<linalg::YieldOp>(
                nl, ValueRange{nb.create<arith::AddFOp>(nl, args[0], args[1])});
          })
      .getResult(0);
}

struct LowerDepthwiseInputGrad : OpRewritePattern<DepthwiseConv2DInputGradOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(DepthwiseConv2DInputGradOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value dy = op.getOutputGrad();
    auto dyType = op.getOutputGrad().getType();
    auto kernelType = op.getKernel().getType();
    RankedTensorType dxType = op.getType();
    ArrayRef<int64_t> s = op.getStrides(), d = op.getDilation();
    int64_t kh = kernelType.getDimSize(0), kw = kernelType.getDimSize(1);
    int64_t multiplier = kernelType.getDimSize(3);
    int64_t wide = dyType.getDimSize(3);

    if (s[0] > 1 || s[1] > 1)
      dy = spreadByStrides(b, loc, dy, s);
    // Full correlation: every input cell sees every tap.
    SmallVector<OpFoldResult> low(4, b.getIndexAttr(0)),
        high(4, b.getIndexAttr(0));
    int64_t window[2] = {kh, kw};
    for (int i = 0; i < 2; ++i) {
      int64_t in = dxType.getDimSize(i + 1);
      int64_t out = dyType.getDimSize(i + 1);
      int64_t before =
          paddingAmounts(in, window[i], s[i], d[i], op.getPadding()).first;
      int64_t span = (window[i] - 1) * d[i];
      low[i + 1] = b.getIndexAttr(span - before);
      high[i + 1] = b.getIndexAttr(in - 1 - (out - 1) * s[i] + before);
    }
    Value padded = b.create<tensor::PadOp>(loc, nullptr, dy, low, high,
                                           constantF32(b, loc, 0.0f));

    // K'[p, q, c*M + m] = K[kh-1-p, kw-1-q, c, m], read in the body (tiling
    // cannot slice through a map with negative coefficients). It is the
    // kernel's size, not the image's.
    auto flippedType = RankedTensorType::get({kh, kw, wide}, b.getF32Type());
    Value kernel = op.getKernel();
    Value flipped =
        b.create<linalg::GenericOp>(
             loc, TypeRange{flippedType}, ValueRange{},
             ValueRange{b.create<tensor::EmptyOp>(loc, flippedType.getShape(),
                                                  b.getF32Type())},
             ArrayRef<AffineMap>{b.getMultiDimIdentityMap(3)}, iterators(3, 0),
             [&](OpBuilder &nb, Location nl, ValueRange) {
               auto index = [&](unsigned dim) {
                 return nb.create<linalg::IndexOp>(nl, dim).getResult();
               };
               auto reversed = [&](unsigned dim, int64_t size) -> Value {
                 return nb.create<arith::SubIOp>(
                     nl, constantIndex(nb, nl, size - 1), index(dim));
               };
               Value m = constantIndex(nb, nl, multiplier);
               Value channel = nb.create<arith::DivUIOp>(nl, index(2), m);
               Value copy = nb.create<arith::RemUIOp>(nl, index(2), m);
               Value value = nb.create<tensor::ExtractOp>(
                   nl, kernel,
                   ValueRange{reversed(0, kh), reversed(1, kw), channel, copy});
               nb.create<linalg::YieldOp>(nl, value);
             })
            .getResult(0);

    auto wideType =
        RankedTensorType::get({dxType.getDimSize(0), dxType.getDimSize(1),
                               dxType.getDimSize(2), wide},
                              b.getF32Type());
    Value init = filledTensor(b, loc, wideType, op.getOutputGrad(), 0.0f);
    Value grad = b.create<linalg::DepthwiseConv2DNhwcHwcOp>(
                      loc, TypeRange{wideType}, ValueRange{padded, flipped},
                      ValueRange{init}, b.getI64VectorAttr({1, 1}),
                      b.getI64VectorAttr(d))
                     .getResult(0);
    b.replaceOp(op, sumCopies(b, loc, grad, multiplier));
    return success();
  }
};

struct LowerDepthwiseKernelGrad
    : OpRewritePattern<DepthwiseConv2DKernelGradOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(DepthwiseConv2DKernelGradOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    RankedTensorType kernelType = op.getType();
    Value dy = op.getOutputGrad();
    auto dyType = op.getOutputGrad().getType();
    ArrayRef<int64_t> s = op.getStrides(), d = op.getDilation();
    int64_t kh = kernelType.getDimSize(0), kw = kernelType.getDimSize(1);
    int64_t multiplier = kernelType.getDimSize(3);
    int64_t wide = dyType.getDimSize(3);
    Value x = repeatChannels(b, loc, op.getInput(), multiplier);
    Value padded = padSpatial(b, loc, x, {kh, kw}, s, d, op.getPadding(), 0.0f);
    // Only the rows and columns some tap reads.
    int64_t rows = (dyType.getDimSize(1) - 1) * s[0] + (kh - 1) * d[0] + 1;
    int64_t cols = (dyType.getDimSize(2) - 1) * s[1] + (kw - 1) * d[1] + 1;
    auto index = [&](int64_t v) -> OpFoldResult { return b.getIndexAttr(v); };
    SmallVector<OpFoldResult> unit(4, index(1));
    auto paddedType = cast<RankedTensorType>(padded.getType());
    if (rows != paddedType.getDimSize(1) || cols != paddedType.getDimSize(2))
      padded = b.create<tensor::ExtractSliceOp>(
          loc, padded, SmallVector<OpFoldResult>(4, index(0)),
          SmallVector<OpFoldResult>{tensor::getMixedSize(b, loc, padded, 0),
                                    index(rows), index(cols), index(wide)},
          unit);

    auto sumType = RankedTensorType::get({1, kh, kw, wide}, b.getF32Type());
    Value zeros = filledTensor(b, loc, sumType, Value(), 0.0f);
    Value zero = constantIndex(b, loc, 0), one = constantIndex(b, loc, 1);
    Value batch = b.create<tensor::DimOp>(loc, dy, 0);
    auto imageType =
        RankedTensorType::get({1, rows, cols, wide}, b.getF32Type());
    auto filterType = RankedTensorType::get(
        {dyType.getDimSize(1), dyType.getDimSize(2), wide}, b.getF32Type());
    Value sum =
        b.create<scf::ForOp>(
             loc, zero, batch, one, ValueRange{zeros},
             [&](OpBuilder &lb, Location ll, Value n, ValueRange acc) {
               Value image = lb.create<tensor::ExtractSliceOp>(
                   ll, imageType, padded,
                   SmallVector<OpFoldResult>{n, index(0), index(0), index(0)},
                   SmallVector<OpFoldResult>{index(1), index(rows), index(cols),
                                             index(wide)},
                   unit);
               Value filter = lb.create<tensor::ExtractSliceOp>(
                   ll, filterType, dy,
                   SmallVector<OpFoldResult>{n, index(0), index(0), index(0)},
                   SmallVector<OpFoldResult>{
                       index(1), index(dyType.getDimSize(1)),
                       index(dyType.getDimSize(2)), index(wide)},
                   unit);
               Value next =
                   lb.create<linalg::DepthwiseConv2DNhwcHwcOp>(
                         ll, TypeRange{sumType}, ValueRange{image, filter}, acc,
                         lb.getI64VectorAttr(d), lb.getI64VectorAttr(s))
                       .getResult(0);
               lb.create<scf::YieldOp>(ll, next);
             })
            .getResult(0);
    // (1, kh, kw, C*M) -> (kh, kw, C, M): the same elements in order.
    Value taps = b.create<tensor::CollapseShapeOp>(
        loc, sum, ArrayRef<ReassociationIndices>{{0, 1}, {2}, {3}});
    b.replaceOp(op, b.create<tensor::ExpandShapeOp>(
                        loc, kernelType, taps,
                        ArrayRef<ReassociationIndices>{{0}, {1}, {2, 3}}));
    return success();
  }
};

/// dx[n, h, w, c] = sum of dy over the block (h, w) was repeated into.
struct LowerUpSampling2DGrad : OpRewritePattern<UpSampling2DGradOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(UpSampling2DGradOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    RankedTensorType dxType = op.getType();
    ArrayRef<int64_t> size = op.getSize();
    auto blocksType = RankedTensorType::get(
        {dxType.getDimSize(0), dxType.getDimSize(1), size[0],
         dxType.getDimSize(2), size[1], dxType.getDimSize(3)},
        b.getF32Type());
    Value blocks = b.create<tensor::ExpandShapeOp>(
        loc, blocksType, op.getOutputGrad(),
        ArrayRef<ReassociationIndices>{{0}, {1, 2}, {3, 4}, {5}});
    Value zeros = filledTensor(b, loc, dxType, op.getOutputGrad(), 0.0f);
    b.replaceOp(op, b.create<linalg::ReduceOp>(
                         loc, ValueRange{blocks}, ValueRange{zeros},
                         ArrayRef<int64_t>{2, 4},
                         [](OpBuilder &nb, Location nl, ValueRange args) {
                           nb.create<linalg::YieldOp>(
                               nl, ValueRange{nb.create<arith::AddFOp>(
                                       nl, args[0], args[1])});
                         })
                        .getResult(0));
    return success();
  }
};

} // namespace

void lowering::populateConvVariantBackwardPatterns(
    RewritePatternSet &patterns) {
  patterns.add<LowerDepthwiseInputGrad, LowerDepthwiseKernelGrad,
               LowerUpSampling2DGrad>(patterns.getContext());
}
