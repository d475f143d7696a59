//===- ConvVariants.cpp - depthwise, transposed convolution, upsampling ---===//
//
// Each op becomes linalg in a form the tiling and vectorization passes
// already handle, with channels innermost so that vectors run along them:
//   - depthwise_conv2d: linalg.depthwise_conv_2d_nhwc_hwc onto the
//     broadcast bias; with a depth multiplier M > 1, the input's channels
//     are repeated M times first (channel c * M + m reads channel c), so
//     the kernel (rows, columns, c, M) is the (rows, columns, c * M) kernel
//     of a plain depthwise convolution;
//   - conv2d_transpose: conv2d's input gradient (ConvBackward.cpp), which is
//     a convolution or a loop of 1x1 convolutions, then the bias;
//   - upsampling2d `nearest`: a broadcast to (N, H, s0, W, s1, C) viewed as
//     (N, H*s0, W*s1, C); `bilinear`: one pass per axis (columns, then
//     rows, as TensorFlow's kernel interpolates), each a generic over
//     (cell, phase) that reads the cell and its two neighbours (edge cells
//     repeated, TensorFlow's clamping) and a table of TensorFlow's weights.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/CnnToLinalg/Lowering.h"
#include "dialects/cnn/ShapeRules.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;
using namespace mlir::cnn;
using namespace cnnc;
using namespace cnnc::lowering;

/// (N, H, W, C) with each channel repeated `multiplier` times in place:
/// channel c * M + m of the result is channel c of `x`.
Value lowering::repeatChannels(OpBuilder &b, Location loc, Value x,
                               int64_t multiplier) {
  if (multiplier == 1)
    return x;
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> wide(type.getShape());
  wide.push_back(multiplier);
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, x);
  sizes.push_back(b.getIndexAttr(multiplier));
  Value empty = b.create<tensor::EmptyOp>(loc, sizes, type.getElementType());
  Value repeated =
      b.create<linalg::BroadcastOp>(loc, x, empty, ArrayRef<int64_t>{4})
          .getResult()[0];
  return b.create<tensor::CollapseShapeOp>(
      loc, repeated, ArrayRef<ReassociationIndices>{{0}, {1}, {2}, {3, 4}});
}

/// `value` + bias[last axis], elementwise.
static Value addBias(OpBuilder &b, Location loc, Value value, Value bias) {
  auto type = cast<RankedTensorType>(value.getType());
  int64_t rank = type.getRank();
  Value init = emptyTensor(b, loc, type, value);
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  AffineMap last = map(b, rank, {b.getAffineDimExpr(rank - 1)});
  return b
      .create<linalg::GenericOp>(
          loc, TypeRange{type}, ValueRange{value, bias}, ValueRange{init},
          ArrayRef<AffineMap>{identity, last, identity}, iterators(rank, 0),
          [](OpBuilder &nb, Location nl, ValueRange args) {
            nb.create<linalg::YieldOp>(
                nl, ValueRange{nb.create<arith::AddFOp>(nl, args[0], args[1])});
          })
      .getResult(0);
}

namespace {

struct LowerDepthwiseConv2D : OpRewritePattern<DepthwiseConv2DOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(DepthwiseConv2DOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getType();
    auto kernelType = op.getKernel().getType();
    int64_t multiplier = kernelType.getDimSize(3);
    Value input = repeatChannels(b, loc, op.getInput(), multiplier);
    Value kernel = b.create<tensor::CollapseShapeOp>(
        loc, op.getKernel(), ArrayRef<ReassociationIndices>{{0}, {1}, {2, 3}});
    Value padded =
        padSpatial(b, loc, input, kernelType.getShape().take_front(2),
                   op.getStrides(), op.getDilation(), op.getPadding(), 0.0f);
    Value init;
    if (Value bias = op.getBias()) {
      Value empty = emptyTensor(b, loc, resultType, op.getInput());
      init = b.create<linalg::BroadcastOp>(loc, bias, empty,
                                           ArrayRef<int64_t>{0, 1, 2})
                 .getResult()[0];
    } else {
      init = filledTensor(b, loc, resultType, op.getInput(), 0.0f);
    }
    b.replaceOp(op, b.create<linalg::DepthwiseConv2DNhwcHwcOp>(
                         loc, TypeRange{resultType}, ValueRange{padded, kernel},
                         ValueRange{init}, b.getI64VectorAttr(op.getStrides()),
                         b.getI64VectorAttr(op.getDilation()))
                        .getResult(0));
    return success();
  }
};

struct LowerConv2DTranspose : OpRewritePattern<Conv2DTransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(Conv2DTransposeOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    int64_t unit[2] = {1, 1};
    Value result = buildConv2DInputGrad(b, loc, op.getInput(), op.getKernel(),
                                        op.getType(), op.getStrides(), unit,
                                        op.getPadding());
    if (Value bias = op.getBias())
      result = addBias(b, loc, result, bias);
    b.replaceOp(op, result);
    return success();
  }
};

/// Nearest: every input cell broadcast over its size0 x size1 block.
Value upsampleNearest(OpBuilder &b, Location loc, Value x,
                      ArrayRef<int64_t> size) {
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, x);
  sizes.insert(sizes.begin() + 2, b.getIndexAttr(size[0]));
  sizes.insert(sizes.begin() + 4, b.getIndexAttr(size[1]));
  Value empty = b.create<tensor::EmptyOp>(loc, sizes, b.getF32Type());
  Value blocks =
      b.create<linalg::BroadcastOp>(loc, x, empty, ArrayRef<int64_t>{2, 4})
          .getResult()[0];
  return b.create<tensor::CollapseShapeOp>(
      loc, blocks, ArrayRef<ReassociationIndices>{{0}, {1, 2}, {3, 4}, {5}});
}

/// `x` shifted by one cell along `axis` (+1: x[k + 1], -1: x[k - 1]), the
/// edge cell repeated where the shift runs off the image (TensorFlow clamps
/// its neighbour indices to the image).
Value shifted(OpBuilder &b, Location loc, Value x, int axis, int shift) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t len = type.getDimSize(axis);
  if (len == 1)
    return x;
  SmallVector<OpFoldResult> full = tensor::getMixedSizes(b, loc, x);
  SmallVector<OpFoldResult> unit(4, b.getIndexAttr(1));
  auto slice = [&](int64_t offset, int64_t count) {
    SmallVector<OpFoldResult> offsets(4, b.getIndexAttr(0)), sizes = full;
    offsets[axis] = b.getIndexAttr(offset);
    sizes[axis] = b.getIndexAttr(count);
    return std::make_pair(offsets, sizes);
  };
  Value result = b.create<tensor::EmptyOp>(loc, full, b.getF32Type());
  // The body: x[k + shift] for the cells that have it.
  auto [bodyFrom, bodySizes] = slice(shift > 0 ? 1 : 0, len - 1);
  auto [bodyTo, _] = slice(shift > 0 ? 0 : 1, len - 1);
  Value body =
      b.create<tensor::ExtractSliceOp>(loc, x, bodyFrom, bodySizes, unit);
  result = b.create<tensor::InsertSliceOp>(loc, body, result, bodyTo, bodySizes,
                                           unit);
  // The edge: its own value again.
  auto [edge, edgeSizes] = slice(shift > 0 ? len - 1 : 0, 1);
  Value edgeCells =
      b.create<tensor::ExtractSliceOp>(loc, x, edge, edgeSizes, unit);
  return b.create<tensor::InsertSliceOp>(loc, edgeCells, result, edge,
                                         edgeSizes, unit);
}

/// One axis of TensorFlow's half-pixel bilinear resize by an integer
/// factor. Output cell j = k * factor + r reads source coordinate
/// in = (j + 0.5) * (len / (len * factor)) - 0.5 (float, as TensorFlow
/// computes it), whose floor is k - 1 or k: the pair (x[k-1], x[k]) or
/// (x[k], x[k+1]), edge cells repeated, and the weight in - floor(in).
/// Both come from tables of (k, r) computed here as TensorFlow computes
/// them; the result is lower + (upper - lower) * weight.
Value resizeAxis(OpBuilder &b, Location loc, Value x, int axis,
                 int64_t factor) {
  if (factor == 1)
    return x;
  auto type = cast<RankedTensorType>(x.getType());
  int64_t len = type.getDimSize(axis);
  std::vector<float> weights(len * factor);
  std::vector<float> fromLeft(len * factor);
  float scale = static_cast<float>(len) / static_cast<float>(len * factor);
  for (int64_t k = 0; k < len; ++k)
    for (int64_t r = 0; r < factor; ++r) {
      int64_t j = k * factor + r;
      float in = (static_cast<float>(j) + 0.5f) * scale - 0.5f;
      float floor = std::floor(in);
      weights[j] = in - floor;
      fromLeft[j] = floor < static_cast<float>(k) ? 1.0f : 0.0f;
    }
  auto tableType = RankedTensorType::get({len, factor}, b.getF32Type());
  auto table = [&](ArrayRef<float> values) -> Value {
    return b.create<arith::ConstantOp>(
        loc, DenseElementsAttr::get(tableType, values));
  };
  Value weight = table(weights), left = table(fromLeft);
  Value before = shifted(b, loc, x, axis, -1);
  Value after = shifted(b, loc, x, axis, +1);

  // Loops (n, a, b, r, c) for columns (a = rows, b = k) or (n, k, r, w, c)
  // for rows: the phase r right after the axis it splits.
  SmallVector<int64_t> shape(type.getShape());
  shape.insert(shape.begin() + axis + 1, factor);
  auto d = [&](unsigned i) { return b.getAffineDimExpr(i); };
  AffineMap cell = axis == 2 ? map(b, 5, {d(0), d(1), d(2), d(4)})
                             : map(b, 5, {d(0), d(1), d(3), d(4)});
  AffineMap phase =
      axis == 2 ? map(b, 5, {d(2), d(3)}) : map(b, 5, {d(1), d(2)});
  AffineMap out = b.getMultiDimIdentityMap(5);
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, x);
  sizes.insert(sizes.begin() + axis + 1, b.getIndexAttr(factor));
  Value init = b.create<tensor::EmptyOp>(loc, sizes, b.getF32Type());
  Value split =
      b.create<linalg::GenericOp>(
           loc, TypeRange{init.getType()},
           ValueRange{before, x, after, weight, left}, ValueRange{init},
           ArrayRef<AffineMap>{cell, cell, cell, phase, phase, out},
           iterators(5, 0),
           [](OpBuilder &nb, Location nl, ValueRange args) {
             Value zero =
                 nb.create<arith::ConstantOp>(nl, nb.getF32FloatAttr(0.0f));
             Value useLeft = nb.create<arith::CmpFOp>(
                 nl, arith::CmpFPredicate::ONE, args[4], zero);
             Value lower =
                 nb.create<arith::SelectOp>(nl, useLeft, args[0], args[1]);
             Value upper =
                 nb.create<arith::SelectOp>(nl, useLeft, args[1], args[2]);
             Value step = nb.create<arith::SubFOp>(nl, upper, lower);
             Value scaled = nb.create<arith::MulFOp>(nl, step, args[3]);
             nb.create<linalg::YieldOp>(
                 nl, ValueRange{nb.create<arith::AddFOp>(nl, lower, scaled)});
           })
          .getResult(0);
  SmallVector<ReassociationIndices> groups =
      axis == 2 ? SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}, {4}}
                : SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}};
  return b.create<tensor::CollapseShapeOp>(loc, split, groups);
}

struct LowerUpSampling2D : OpRewritePattern<UpSampling2DOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(UpSampling2DOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    ArrayRef<int64_t> size = op.getSize();
    if (!op.getBilinear()) {
      b.replaceOp(op, upsampleNearest(b, loc, op.getInput(), size));
      return success();
    }
    Value columns = resizeAxis(b, loc, op.getInput(), 2, size[1]);
    b.replaceOp(op, resizeAxis(b, loc, columns, 1, size[0]));
    return success();
  }
};

} // namespace

void lowering::populateConvVariantPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerDepthwiseConv2D, LowerConv2DTranspose, LowerUpSampling2D>(
      patterns.getContext());
}
