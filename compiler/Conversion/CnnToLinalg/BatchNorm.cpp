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
// A trainable BN in @train_gradients normalizes with the batch's statistics
// (batch_norm with them as its mean and variance) and adds, per channel c
// over the N elements of every other axis of the whole batch:
//
//   batch_moments:    mean = sum x / N, variance = sum (x - mean)^2 / N
//   moving_average:   moving * momentum + batch * (1 - momentum)
//   batch_norm_grad:  sum dy, sum dy * x_hat over the call's images (beta's,
//                     gamma's gradients), and with both summed over the
//                     batch, dx = a * (dy - sum dy / N - x_hat * sum dy x_hat
//                     / N)
//
// with x_hat = (x - mean) * r, r = 1 / sqrt(variance + epsilon), a = gamma * r.
// The sums are generics whose reduction runs over every axis but the
// channels, one f64 accumulator per channel (wideChannelSums says why); a
// sum over the batch is the call's, with its element count, through
// cnn.sum_across_chunks (the runtime adds the chunks' calls). The
// per-channel factors again are paid once per channel.
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

//===----------------------------------------------------------------------===//
// Training with the batch's statistics
//===----------------------------------------------------------------------===//

/// N, the elements per channel of `x` (all axes but the last) in this
/// call, as an f64.
Value elementsPerChannel(OpBuilder &b, Location loc, Value x) {
  auto shape = cast<RankedTensorType>(x.getType()).getShape();
  Value count = b.create<tensor::DimOp>(loc, x, 0);
  int64_t rest = 1;
  for (int64_t dim : shape.drop_front().drop_back())
    rest *= dim;
  count = b.create<arith::MulIOp>(loc, count, constantIndex(b, loc, rest));
  count = b.create<arith::IndexCastOp>(loc, b.getI64Type(), count);
  return b.create<arith::SIToFPOp>(loc, b.getF64Type(), count);
}

/// Per-channel sums over every axis but the last of the full tensors
/// `tensors` (of one type): `terms` gets their elements, then those of the
/// per-channel `channels`, and returns one f32 term per sum, added up in
/// f64. A float32 running sum over a batch of images (21,632 elements per
/// channel for 32 images of 26x26) drifts by ~1e-5 relative, which moved
/// an epoch's weights by 1e-3 from TF.js's (whose CPU sums run in double)
/// and Keras's (float32, pairwise).
SmallVector<Value> wideChannelSums(
    OpBuilder &b, Location loc, ValueRange tensors, ValueRange channels,
    unsigned count,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)> terms) {
  auto type = cast<RankedTensorType>(tensors[0].getType());
  int64_t rank = type.getRank();
  auto wide = RankedTensorType::get({type.getShape().back()}, b.getF64Type());
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  AffineMap channel = map(b, rank, {b.getAffineDimExpr(rank - 1)});
  SmallVector<Value> inputs(tensors);
  llvm::append_range(inputs, channels);
  SmallVector<AffineMap> maps(tensors.size(), identity);
  maps.append(channels.size() + count, channel);
  Value zero = b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(0.0));
  Value zeros = b.create<linalg::FillOp>(
                     loc, zero,
                     ValueRange{b.create<tensor::EmptyOp>(
                         loc, wide.getShape(), wide.getElementType())})
                    .getResult(0);
  SmallVector<utils::IteratorType> kinds(rank - 1,
                                         utils::IteratorType::reduction);
  kinds.push_back(utils::IteratorType::parallel);
  return b
      .create<linalg::GenericOp>(
          loc, SmallVector<Type>(count, wide), inputs,
          SmallVector<Value>(count, zeros), maps, kinds,
          [&](OpBuilder &nb, Location nl, ValueRange args) {
            SmallVector<Value> next;
            for (auto [i, term] :
                 llvm::enumerate(terms(nb, nl, args.take_front(inputs.size()))))
              next.push_back(nb.create<arith::AddFOp>(
                  nl, args[inputs.size() + i],
                  nb.create<arith::ExtFOp>(nl, nb.getF64Type(), term)));
            nb.create<linalg::YieldOp>(nl, next);
          })
      .getResults();
}

/// The f64 per-channel `sum`, divided by `divisor` (an f64, or null),
/// rounded to f32.
Value narrowed(OpBuilder &b, Location loc, Value sum, Value divisor) {
  auto type = cast<RankedTensorType>(sum.getType());
  return b
      .create<linalg::GenericOp>(
          loc, TypeRange{type.clone(b.getF32Type())}, ValueRange{sum},
          ValueRange{
              b.create<tensor::EmptyOp>(loc, type.getShape(), b.getF32Type())},
          SmallVector<AffineMap>(2, b.getMultiDimIdentityMap(1)),
          iterators(1, 0),
          [&](OpBuilder &nb, Location nl, ValueRange args) {
            Value value = args[0];
            if (divisor)
              value = nb.create<arith::DivFOp>(nl, value, divisor);
            nb.create<linalg::YieldOp>(
                nl, ValueRange{nb.create<arith::TruncFOp>(nl, nb.getF32Type(),
                                                          value)});
          })
      .getResult(0);
}

/// The batch's totals of this call's per-channel f64 `sums` of `x`: the
/// call's sums and its element count per channel packed into one vector
/// (the count first), added up over the batch's chunks by
/// cnn.sum_across_chunks, and unpacked. Returns the batch's element count
/// per channel (an f64), then the totals.
std::pair<Value, SmallVector<Value>> sumsOverBatch(OpBuilder &b, Location loc,
                                                   Value x, ValueRange sums) {
  int64_t channels = cast<RankedTensorType>(sums[0].getType()).getDimSize(0);
  int64_t length = 1 + channels * static_cast<int64_t>(sums.size());
  Value packed =
      b.create<tensor::EmptyOp>(loc, ArrayRef<int64_t>{length}, b.getF64Type());
  packed = b.create<tensor::InsertOp>(loc, elementsPerChannel(b, loc, x),
                                      packed, constantIndex(b, loc, 0));
  auto slice = [&](size_t i) {
    return SmallVector<OpFoldResult>{
        b.getIndexAttr(1 + channels * static_cast<int64_t>(i))};
  };
  SmallVector<OpFoldResult> size{b.getIndexAttr(channels)},
      stride{b.getIndexAttr(1)};
  for (auto [i, sum] : llvm::enumerate(sums))
    packed = b.create<tensor::InsertSliceOp>(loc, sum, packed, slice(i), size,
                                             stride);
  Value total = b.create<SumAcrossChunksOp>(loc, packed);
  Value count =
      b.create<tensor::ExtractOp>(loc, total, constantIndex(b, loc, 0));
  SmallVector<Value> totals;
  for (auto [i, sum] : llvm::enumerate(sums))
    totals.push_back(b.create<tensor::ExtractSliceOp>(
        loc, cast<RankedTensorType>(sum.getType()), total, slice(i), size,
        stride));
  return {count, totals};
}

/// An elementwise generic over per-channel vectors (all of one type) with
/// `results` outputs.
SmallVector<Value> overChannels(
    OpBuilder &b, Location loc, ValueRange channels, unsigned results,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)> body) {
  auto type = cast<RankedTensorType>(channels[0].getType());
  AffineMap identity = b.getMultiDimIdentityMap(1);
  SmallVector<AffineMap> maps(channels.size() + results, identity);
  SmallVector<Value> inits(
      results,
      b.create<tensor::EmptyOp>(loc, type.getShape(), type.getElementType()));
  return b
      .create<linalg::GenericOp>(
          loc, SmallVector<Type>(results, type), channels, inits, maps,
          iterators(1, 0),
          [&](OpBuilder &nb, Location nl, ValueRange args) {
            nb.create<linalg::YieldOp>(
                nl, body(nb, nl, args.take_front(channels.size())));
          })
      .getResults();
}

struct LowerBatchMoments : OpRewritePattern<BatchMomentsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchMomentsOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value x = op.getInput();
    auto [count, sums] = sumsOverBatch(
        b, loc, x,
        wideChannelSums(b, loc, {x}, {}, 1,
                        [](OpBuilder &, Location, ValueRange args) {
                          return SmallVector<Value>{args[0]};
                        }));
    Value mean = narrowed(b, loc, sums[0], count);
    // The second pass subtracts the mean first: sum x^2 / N - mean^2 would
    // cancel when the mean is large next to the spread. It sums the chunks'
    // passes over the batch's mean, which they agree on bit for bit.
    auto [sameCount, squares] = sumsOverBatch(
        b, loc, x,
        wideChannelSums(
            b, loc, {x}, {mean}, 1,
            [](OpBuilder &nb, Location nl, ValueRange args) {
              Value d = nb.create<arith::SubFOp>(nl, args[0], args[1]);
              return SmallVector<Value>{nb.create<arith::MulFOp>(nl, d, d)};
            }));
    b.replaceOp(op, {mean, narrowed(b, loc, squares[0], sameCount)});
    return success();
  }
};

struct LowerMovingAverage : OpRewritePattern<MovingAverageOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MovingAverageOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    // Keras multiplies float32 tensors by the Python floats momentum and
    // 1.0 - momentum, each rounded to float32 once.
    double momentum = op.getMomentum().convertToDouble();
    b.replaceOp(op, overChannels(
                        b, loc, {op.getMoving(), op.getBatch()}, 1,
                        [&](OpBuilder &nb, Location nl, ValueRange args) {
                          Value kept = nb.create<arith::MulFOp>(
                              nl, args[0], constantF32(nb, nl, momentum));
                          Value added = nb.create<arith::MulFOp>(
                              nl, args[1], constantF32(nb, nl, 1.0 - momentum));
                          return SmallVector<Value>{
                              nb.create<arith::AddFOp>(nl, kept, added)};
                        }));
    return success();
  }
};

/// x_hat = (x - mean) * r, the arguments in that order.
Value normalized(OpBuilder &b, Location loc, Value x, Value mean, Value r) {
  return b.create<arith::MulFOp>(loc, b.create<arith::SubFOp>(loc, x, mean), r);
}

struct LowerBatchNormGrad : OpRewritePattern<BatchNormGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormGradOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value x = op.getInput(), dy = op.getOutputGrad(), mean = op.getMean();
    Value r = channelScale(b, loc, Value(), op.getVariance(),
                           op.getEpsilon().convertToDouble());
    // This call's sum dy and sum dy * x_hat: beta's and gamma's gradients.
    SmallVector<Value> sums =
        wideChannelSums(b, loc, {x, dy}, {mean, r}, 2,
                        [](OpBuilder &nb, Location nl, ValueRange a) {
                          // x, dy, mean, r.
                          Value xHat = normalized(nb, nl, a[0], a[2], a[3]);
                          return SmallVector<Value>{
                              a[1], nb.create<arith::MulFOp>(nl, a[1], xHat)};
                        });
    SmallVector<Value> results{narrowed(b, loc, sums[0], Value()),
                               narrowed(b, loc, sums[1], Value())};
    if (op.getInputGrad().use_empty()) {
      results.push_back(emptyTensor(b, loc, op.getInputGrad().getType(), x));
      b.replaceOp(op, results);
      return success();
    }
    // The input gradient needs the two sums' means over the whole batch;
    // per channel, with a = gamma * r.
    auto [count, totals] = sumsOverBatch(b, loc, x, sums);
    Value meanDy = narrowed(b, loc, totals[0], count);
    Value meanDyXHat = narrowed(b, loc, totals[1], count);
    Value scale = r;
    if (Value gamma = op.getGamma())
      scale = overChannels(
          b, loc, {gamma, r}, 1, [](OpBuilder &nb, Location nl, ValueRange a) {
            return SmallVector<Value>{nb.create<arith::MulFOp>(nl, a[0], a[1])};
          })[0];
    auto type = cast<RankedTensorType>(x.getType());
    int64_t rank = type.getRank();
    AffineMap identity = b.getMultiDimIdentityMap(rank);
    AffineMap channel = map(b, rank, {b.getAffineDimExpr(rank - 1)});
    SmallVector<Value> inputs{x, dy, mean, r, scale, meanDy, meanDyXHat};
    SmallVector<AffineMap> maps{identity, identity};
    maps.append(5, channel);
    maps.push_back(identity);
    results.push_back(
        b.create<linalg::GenericOp>(
             loc, TypeRange{type}, inputs,
             ValueRange{emptyTensor(b, loc, type, x)}, maps, iterators(rank, 0),
             [](OpBuilder &nb, Location nl, ValueRange a) {
               // x, dy, mean, r, a, mean dy, mean dy * x_hat.
               Value xHat = normalized(nb, nl, a[0], a[2], a[3]);
               Value centered = nb.create<arith::SubFOp>(
                   nl, nb.create<arith::SubFOp>(nl, a[1], a[5]),
                   nb.create<arith::MulFOp>(nl, xHat, a[6]));
               nb.create<linalg::YieldOp>(
                   nl,
                   ValueRange{nb.create<arith::MulFOp>(nl, a[4], centered)});
             })
            .getResult(0));
    b.replaceOp(op, results);
    return success();
  }
};

} // namespace

void lowering::populateBatchNormPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerBatchNorm, LowerFoldKernel, LowerFoldBias,
               LowerBatchMoments, LowerMovingAverage, LowerBatchNormGrad>(
      patterns.getContext());
}
