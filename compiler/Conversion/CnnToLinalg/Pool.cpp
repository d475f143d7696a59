//===- Pool.cpp - Pooling to linalg ---------------------------------------===//
//
// Window pooling becomes linalg.pooling_nhwc_{max,min,sum} over an input
// padded with a value that never wins (-inf for max, +inf for min, 0 for
// the sum); average pooling then divides each output by the number of input
// cells in its window, as Keras does (padding excluded under 'same').
// Global pooling is a linalg.reduce over rows and columns.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/CnnToLinalg/Lowering.h"

#include "dialects/cnn/ShapeRules.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;
using namespace mlir::cnn;
using namespace cnnc;
using namespace cnnc::lowering;

static float neutralValue(PoolKind kind) {
  switch (kind) {
  case PoolKind::max:
    return -std::numeric_limits<float>::infinity();
  case PoolKind::min:
    return std::numeric_limits<float>::infinity();
  case PoolKind::avg:
    return 0.0f;
  }
  return 0.0f;
}

/// Divides each average-pooling sum by its window's in-bounds cell count:
/// per output row, count = min(start + k, in) - max(start, 0), start =
/// row * stride - padBefore; likewise for columns.
static Value divideByCount(OpBuilder &b, Location loc, Value sums,
                           RankedTensorType inputType,
                           ArrayRef<int64_t> poolSize,
                           ArrayRef<int64_t> strides, Padding padding) {
  auto type = cast<RankedTensorType>(sums.getType());
  AffineMap identity = b.getMultiDimIdentityMap(4);
  SmallVector<utils::IteratorType> iterators(4, utils::IteratorType::parallel);
  Value init = emptyTensor(b, loc, type, sums);
  return b
      .create<linalg::GenericOp>(
          loc, TypeRange{type}, ValueRange{sums}, ValueRange{init},
          ArrayRef<AffineMap>{identity, identity}, iterators,
          [&](OpBuilder &b, Location loc, ValueRange args) {
            auto index = [&](int64_t v) {
              return b.create<arith::ConstantIndexOp>(loc, v);
            };
            Value count = index(1);
            for (int i = 0; i < 2; ++i) {
              int64_t in = inputType.getDimSize(i + 1);
              int64_t before =
                  paddingAmounts(in, poolSize[i], strides[i], 1, padding).first;
              Value pos = b.create<linalg::IndexOp>(loc, i + 1);
              Value start = b.create<arith::SubIOp>(
                  loc, b.create<arith::MulIOp>(loc, pos, index(strides[i])),
                  index(before));
              Value end =
                  b.create<arith::AddIOp>(loc, start, index(poolSize[i]));
              Value hi = b.create<arith::MinSIOp>(loc, end, index(in));
              Value lo = b.create<arith::MaxSIOp>(loc, start, index(0));
              count = b.create<arith::MulIOp>(
                  loc, count, b.create<arith::SubIOp>(loc, hi, lo));
            }
            Value countF = b.create<arith::SIToFPOp>(
                loc, b.getF32Type(),
                b.create<arith::IndexCastOp>(loc, b.getI64Type(), count));
            b.create<linalg::YieldOp>(
                loc, ValueRange{b.create<arith::DivFOp>(loc, args[0], countF)});
          })
      .getResult(0);
}

Value lowering::buildPool2D(OpBuilder &b, Location loc, PoolKind kind,
                            RankedTensorType resultType, Value input,
                            ArrayRef<int64_t> poolSize,
                            ArrayRef<int64_t> strides, Padding padding) {
  auto inputType = cast<RankedTensorType>(input.getType());
  int64_t unit[2] = {1, 1};
  Value padded = padSpatial(b, loc, input, poolSize, strides, unit, padding,
                            neutralValue(kind));
  Value window = b.create<tensor::EmptyOp>(loc, poolSize, b.getF32Type());
  Value init = filledTensor(b, loc, resultType, input, neutralValue(kind));
  auto stridesAttr = b.getI64VectorAttr(strides);
  auto dilationAttr = b.getI64VectorAttr(unit);
  SmallVector<Value, 2> ins = {padded, window};
  switch (kind) {
  case PoolKind::max:
    return b
        .create<linalg::PoolingNhwcMaxOp>(loc, TypeRange{resultType}, ins,
                                          ValueRange{init}, stridesAttr,
                                          dilationAttr)
        .getResult(0);
  case PoolKind::min:
    return b
        .create<linalg::PoolingNhwcMinOp>(loc, TypeRange{resultType}, ins,
                                          ValueRange{init}, stridesAttr,
                                          dilationAttr)
        .getResult(0);
  case PoolKind::avg: {
    Value sums = b.create<linalg::PoolingNhwcSumOp>(loc, TypeRange{resultType},
                                                    ins, ValueRange{init},
                                                    stridesAttr, dilationAttr)
                     .getResult(0);
    return divideByCount(b, loc, sums, inputType, poolSize, strides, padding);
  }
  }
  return nullptr;
}

namespace {

template <typename PoolOp, PoolKind kind>
struct LowerPool : OpRewritePattern<PoolOp> {
  using OpRewritePattern<PoolOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(PoolOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op,
                       buildPool2D(rewriter, op.getLoc(), kind, op.getType(),
                                   op.getInput(), op.getPoolSize(),
                                   op.getEffectiveStrides(), op.getPadding()));
    return success();
  }
};

/// Reduces rows and columns: (N, H, W, C) -> (N, C), then (N, 1, 1, C) for
/// keepdims; the mean divides the sum by H * W.
template <typename GlobalPoolOp, PoolKind kind>
struct LowerGlobalPool : OpRewritePattern<GlobalPoolOp> {
  using OpRewritePattern<GlobalPoolOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(GlobalPoolOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = op.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto reducedType = RankedTensorType::get(
        {inputType.getDimSize(0), inputType.getDimSize(3)},
        inputType.getElementType());
    Value init =
        filledTensor(rewriter, loc, reducedType, input, neutralValue(kind));
    Value reduced =
        rewriter
            .create<linalg::ReduceOp>(
                loc, ValueRange{input}, ValueRange{init},
                ArrayRef<int64_t>{1, 2},
                [&](OpBuilder &b, Location loc, ValueRange args) {
                  Value result;
                  if (kind == PoolKind::max)
                    result = b.create<arith::MaximumFOp>(loc, args[0], args[1]);
                  else if (kind == PoolKind::min)
                    result = b.create<arith::MinimumFOp>(loc, args[0], args[1]);
                  else
                    result = b.create<arith::AddFOp>(loc, args[0], args[1]);
                  b.create<linalg::YieldOp>(loc, result);
                })
            .getResult(0);
    if (kind == PoolKind::avg) {
      float scale =
          1.0f / float(inputType.getDimSize(1) * inputType.getDimSize(2));
      reduced = mapElements(
          rewriter, loc, reduced, [&](OpBuilder &b, Location loc, Value v) {
            Value s =
                b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(scale));
            return b.create<arith::MulFOp>(loc, v, s);
          });
    }
    if (op.getKeepdims())
      reduced = rewriter.create<tensor::ExpandShapeOp>(
          loc, op.getType(), reduced,
          ArrayRef<ReassociationIndices>{{0, 1, 2}, {3}});
    rewriter.replaceOp(op, reduced);
    return success();
  }
};

} // namespace

void lowering::populatePoolPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerPool<MaxPool2DOp, PoolKind::max>,
               LowerPool<AvgPool2DOp, PoolKind::avg>,
               LowerPool<MinPool2DOp, PoolKind::min>,
               LowerGlobalPool<GlobalMaxPool2DOp, PoolKind::max>,
               LowerGlobalPool<GlobalAvgPool2DOp, PoolKind::avg>,
               LowerGlobalPool<GlobalMinPool2DOp, PoolKind::min>>(
      patterns.getContext());
}
