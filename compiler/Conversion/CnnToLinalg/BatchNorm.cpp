//===- BatchNorm.cpp - cnn.batch_norm and the ops that fold it ------------===//
//
// Each lowers in two generics: a small one over the channels that computes
// the per-channel factor s = gamma / sqrt(moving_variance + epsilon) (gamma
// 1 when absent), then one over the target that applies it:
//
//   batch_norm:              y = (x - moving_mean[c]) * s[c] + beta[c]
//   fold_batch_norm_kernel:  K'[..., f] = K[..., f] * s[f]
//   fold_batch_norm_bias:    b'[f] = (b[f] - moving_mean[f]) * s[f] + beta[f]
//
// The root and the division are paid once per channel, not per element;
// (x - mean) * s + beta keeps Keras's order of operations up to the one
// rounding of s (x * s + (beta - mean * s) would cancel badly when the mean
// is large next to the spread).
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/CnnToLinalg/Lowering.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::cnn;
using namespace cnnc;
using namespace cnnc::lowering;

namespace {

/// s[c] = gamma[c] / sqrt(variance[c] + epsilon), as a (C) tensor.
Value channelScale(OpBuilder &b, Location loc, Value gamma, Value variance,
                   double epsilon) {
  auto type = cast<RankedTensorType>(variance.getType());
  SmallVector<Value> inputs{variance};
  if (gamma)
    inputs.push_back(gamma);
  AffineMap identity = b.getMultiDimIdentityMap(1);
  SmallVector<AffineMap> maps(inputs.size() + 1, identity);
  Value init =
      b.create<tensor::EmptyOp>(loc, type.getShape(), type.getElementType());
  return b
      .create<linalg::GenericOp>(
          loc, TypeRange{type}, inputs, ValueRange{init}, maps, iterators(1, 0),
          [&](OpBuilder &nb, Location nl, ValueRange args) {
            Value root = nb.create<math::SqrtOp>(
                nl, nb.create<arith::AddFOp>(nl, args[0],
                                             constantF32(nb, nl, epsilon)));
            Value numerator = gamma ? args[1] : constantF32(nb, nl, 1.0);
            nb.create<linalg::YieldOp>(
                nl, ValueRange{nb.create<arith::DivFOp>(nl, numerator, root)});
          })
      .getResult(0);
}

/// An elementwise generic over `target` whose per-channel operands
/// `channels` (each (C), C the last dimension of `target`) broadcast over
/// every other dimension; `body` gets the target's element, then theirs.
Value perChannel(OpBuilder &b, Location loc, Value target,
                 ArrayRef<Value> channels,
                 function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  auto type = cast<RankedTensorType>(target.getType());
  int64_t rank = type.getRank();
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  AffineMap channel = map(b, rank, {b.getAffineDimExpr(rank - 1)});
  SmallVector<Value> inputs{target};
  llvm::append_range(inputs, channels);
  SmallVector<AffineMap> maps{identity};
  maps.append(channels.size(), channel);
  maps.push_back(identity);
  Value init = emptyTensor(b, loc, type, target);
  return b
      .create<linalg::GenericOp>(
          loc, TypeRange{type}, inputs, ValueRange{init}, maps,
          iterators(rank, 0),
          [&](OpBuilder &nb, Location nl, ValueRange args) {
            nb.create<linalg::YieldOp>(
                nl, ValueRange{body(nb, nl, args.drop_back())});
          })
      .getResult(0);
}

/// (x - mean) * s [+ beta], the arguments in that order (beta optional).
Value normalize(OpBuilder &b, Location loc, ValueRange args) {
  Value centered = b.create<arith::SubFOp>(loc, args[0], args[1]);
  Value scaled = b.create<arith::MulFOp>(loc, centered, args[2]);
  return args.size() > 3 ? b.create<arith::AddFOp>(loc, scaled, args[3])
                         : scaled;
}

struct LowerBatchNorm : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value scale = channelScale(b, loc, op.getGamma(), op.getMovingVariance(),
                               op.getEpsilon().convertToDouble());
    SmallVector<Value> channels{op.getMovingMean(), scale};
    if (Value beta = op.getBeta())
      channels.push_back(beta);
    b.replaceOp(op, perChannel(b, loc, op.getInput(), channels, normalize));
    return success();
  }
};

struct LowerFoldKernel : OpRewritePattern<FoldBatchNormKernelOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(FoldBatchNormKernelOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value scale = channelScale(b, loc, op.getGamma(), op.getMovingVariance(),
                               op.getEpsilon().convertToDouble());
    b.replaceOp(
        op,
        perChannel(
            b, loc, op.getKernel(), {scale},
            [](OpBuilder &nb, Location nl, ValueRange args) {
              return nb.create<arith::MulFOp>(nl, args[0], args[1]).getResult();
            }));
    return success();
  }
};

struct LowerFoldBias : OpRewritePattern<FoldBatchNormBiasOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(FoldBatchNormBiasOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value scale = channelScale(b, loc, op.getGamma(), op.getMovingVariance(),
                               op.getEpsilon().convertToDouble());
    // Without a bias the layer's output is centred on 0: b = 0.
    Value bias = op.getBias();
    if (!bias)
      bias = filledTensor(b, loc, op.getType(), Value(), 0.0f);
    SmallVector<Value> channels{op.getMovingMean(), scale};
    if (Value beta = op.getBeta())
      channels.push_back(beta);
    // Over a rank-1 target "per channel" is the identity map: one generic.
    b.replaceOp(op, perChannel(b, loc, bias, channels, normalize));
    return success();
  }
};

} // namespace

void lowering::populateBatchNormPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerBatchNorm, LowerFoldKernel, LowerFoldBias>(
      patterns.getContext());
}
