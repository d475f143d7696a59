//===- LayerNorm.cpp - cnn.layer_norm and its two gradients ---------------===//
//
// A layer_norm normalizes each "row" (one index of the leading axes, the
// batch and any axis before `axis`) over its K elements of the trailing
// axes. Every generic here runs over the input's own shape, the rows'
// tensors indexed by the leading dimensions and the parameters by the
// trailing ones, so nothing is reshaped:
//
//   statistics:  mean = sum x / K, r = 1 / sqrt(sum (x - mean)^2 / K + eps)
//                (two reductions over the trailing axes: the mean is
//                subtracted before squaring, as tf.nn.moments does)
//   layer_norm:  y = (x - mean) * (r * gamma) + beta   (TF.js's order)
//   param_grad:  beta_grad = sum dy, gamma_grad = sum dy * x_hat over the
//                leading axes, in f64 (a batch of images sums tens of
//                thousands of terms per parameter: BatchNorm.cpp says why)
//   input_grad:  g = dy * gamma; dx = r * (g - mean(g) - x_hat * mean(g *
//                x_hat)), the two means reduced over the trailing axes
//
// with x_hat = (x - mean) * r. The backward ops recompute the statistics
// from x (two passes over a tensor the step holds anyway) rather than
// carrying them from the forward pass.
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

/// The shapes and indexing maps of one layer_norm's generics.
struct Layout {
  RankedTensorType full, rows, params;
  AffineMap identity, rowMap, paramMap;
  int64_t rank, axis;
  /// K, the elements each row is normalized over.
  int64_t count;

  Layout(OpBuilder &b, Value x, int64_t axis) : axis(axis) {
    full = cast<RankedTensorType>(x.getType());
    rank = full.getRank();
    ArrayRef<int64_t> shape = full.getShape();
    rows = RankedTensorType::get(shape.take_front(axis), b.getF32Type());
    params = RankedTensorType::get(shape.drop_front(axis), b.getF32Type());
    identity = b.getMultiDimIdentityMap(rank);
    SmallVector<AffineExpr> leading, trailing;
    for (int64_t d = 0; d < rank; ++d)
      (d < axis ? leading : trailing).push_back(b.getAffineDimExpr(d));
    rowMap = map(b, rank, leading);
    paramMap = map(b, rank, trailing);
    count = params.getNumElements();
  }

  /// Rows parallel and the trailing axes reduced, or (`overRows`) the
  /// reverse.
  SmallVector<utils::IteratorType> kinds(bool overRows) const {
    SmallVector<utils::IteratorType> result;
    for (int64_t d = 0; d < rank; ++d)
      result.push_back((d < axis) == overRows ? utils::IteratorType::reduction
                                              : utils::IteratorType::parallel);
    return result;
  }
};

/// A generic over the input's shape: `inputs` with their `maps`, into the
/// `inits` (each indexed by `outMap`); `body` gets the inputs' elements and
/// the running outputs, and returns the new outputs.
SmallVector<Value> generic(
    OpBuilder &b, Location loc, ValueRange inputs, ArrayRef<AffineMap> maps,
    ValueRange inits, AffineMap outMap, ArrayRef<utils::IteratorType> kinds,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)> body) {
  SmallVector<AffineMap> all(maps);
  all.append(inits.size(), outMap);
  return b
      .create<linalg::GenericOp>(
          loc, TypeRange(inits), inputs, inits, all, kinds,
          [&](OpBuilder &nb, Location nl, ValueRange args) {
            nb.create<linalg::YieldOp>(nl, body(nb, nl, args));
          })
      .getResults();
}

/// Each row's mean and r = 1 / sqrt(variance + epsilon).
std::pair<Value, Value> rowStatistics(OpBuilder &b, Location loc,
                                      const Layout &l, Value x,
                                      double epsilon) {
  Value zeros = filledTensor(b, loc, l.rows, x, 0.0f);
  auto sumOf =
      [&](ValueRange inputs, ArrayRef<AffineMap> maps,
          function_ref<Value(OpBuilder &, Location, ValueRange)> term) {
        return generic(b, loc, inputs, maps, {zeros}, l.rowMap, l.kinds(false),
                       [&](OpBuilder &nb, Location nl, ValueRange args) {
                         return SmallVector<Value>{nb.create<arith::AddFOp>(
                             nl, args.back(), term(nb, nl, args))};
                       })[0];
      };
  Value count = constantF32(b, loc, static_cast<double>(l.count));
  Value sum = sumOf({x}, {l.identity},
                    [](OpBuilder &, Location, ValueRange a) { return a[0]; });
  Value mean =
      mapElements(b, loc, sum, [&](OpBuilder &nb, Location nl, Value s) {
        return nb.create<arith::DivFOp>(nl, s, count).getResult();
      });
  Value squares = sumOf({x, mean}, {l.identity, l.rowMap},
                        [](OpBuilder &nb, Location nl, ValueRange a) {
                          Value d = nb.create<arith::SubFOp>(nl, a[0], a[1]);
                          return nb.create<arith::MulFOp>(nl, d, d).getResult();
                        });
  Value r =
      mapElements(b, loc, squares, [&](OpBuilder &nb, Location nl, Value s) {
        Value variance = nb.create<arith::DivFOp>(nl, s, count);
        Value root = nb.create<math::SqrtOp>(
            nl, nb.create<arith::AddFOp>(nl, variance,
                                         constantF32(nb, nl, epsilon)));
        return nb.create<arith::DivFOp>(nl, constantF32(nb, nl, 1.0), root)
            .getResult();
      });
  return {mean, r};
}

/// x_hat = (x - mean) * r.
Value normalized(OpBuilder &b, Location loc, Value x, Value mean, Value r) {
  return b.create<arith::MulFOp>(loc, b.create<arith::SubFOp>(loc, x, mean), r);
}

struct LowerLayerNorm : OpRewritePattern<LayerNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LayerNormOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value x = op.getInput(), gamma = op.getGamma(), beta = op.getBeta();
    Layout l(b, x, op.getAxis());
    auto [mean, r] =
        rowStatistics(b, loc, l, x, op.getEpsilon().convertToDouble());
    SmallVector<Value> inputs{x, mean, r};
    SmallVector<AffineMap> maps{l.identity, l.rowMap, l.rowMap};
    for (Value param : {gamma, beta})
      if (param) {
        inputs.push_back(param);
        maps.push_back(l.paramMap);
      }
    Value init = emptyTensor(b, loc, l.full, x);
    b.replaceOp(
        op,
        generic(b, loc, inputs, maps, {init}, l.identity, iterators(l.rank, 0),
                [&](OpBuilder &nb, Location nl, ValueRange a) {
                  // x, mean, r[, gamma][, beta].
                  Value scale = a[2];
                  unsigned next = 3;
                  if (gamma)
                    scale = nb.create<arith::MulFOp>(nl, scale, a[next++]);
                  Value y = nb.create<arith::MulFOp>(
                      nl, nb.create<arith::SubFOp>(nl, a[0], a[1]), scale);
                  if (beta)
                    y = nb.create<arith::AddFOp>(nl, y, a[next]);
                  return SmallVector<Value>{y};
                }));
    return success();
  }
};

struct LowerLayerNormParamGrad : OpRewritePattern<LayerNormParamGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LayerNormParamGradOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value x = op.getInput(), dy = op.getOutputGrad();
    Layout l(b, x, op.getAxis());
    auto [mean, r] =
        rowStatistics(b, loc, l, x, op.getEpsilon().convertToDouble());
    auto wide = RankedTensorType::get(l.params.getShape(), b.getF64Type());
    Value zero = b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(0.0));
    Value zeros =
        b.create<linalg::FillOp>(loc, zero,
                                 ValueRange{b.create<tensor::EmptyOp>(
                                     loc, wide.getShape(), b.getF64Type())})
            .getResult(0);
    SmallVector<Value> sums = generic(
        b, loc, {x, dy, mean, r}, {l.identity, l.identity, l.rowMap, l.rowMap},
        {zeros, zeros}, l.paramMap, l.kinds(true),
        [](OpBuilder &nb, Location nl, ValueRange a) {
          // x, dy, mean, r, beta's sum, gamma's sum.
          Value xHat = normalized(nb, nl, a[0], a[2], a[3]);
          auto widen = [&](Value v) {
            return nb.create<arith::ExtFOp>(nl, nb.getF64Type(), v);
          };
          return SmallVector<Value>{
              nb.create<arith::AddFOp>(nl, a[4], widen(a[1])),
              nb.create<arith::AddFOp>(
                  nl, a[5], widen(nb.create<arith::MulFOp>(nl, a[1], xHat)))};
        });
    int64_t paramRank = l.params.getRank();
    AffineMap same = b.getMultiDimIdentityMap(paramRank);
    SmallVector<Value> results;
    for (Value sum : sums) {
      Value init =
          b.create<tensor::EmptyOp>(loc, l.params.getShape(), b.getF32Type());
      results.push_back(
          generic(b, loc, {sum}, {same}, {init}, same, iterators(paramRank, 0),
                  [](OpBuilder &nb, Location nl, ValueRange a) {
                    return SmallVector<Value>{
                        nb.create<arith::TruncFOp>(nl, nb.getF32Type(), a[0])};
                  })[0]);
    }
    b.replaceOp(op, results);
    return success();
  }
};

struct LowerLayerNormInputGrad : OpRewritePattern<LayerNormInputGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LayerNormInputGradOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value x = op.getInput(), dy = op.getOutputGrad(), gamma = op.getGamma();
    Layout l(b, x, op.getAxis());
    auto [mean, r] =
        rowStatistics(b, loc, l, x, op.getEpsilon().convertToDouble());
    SmallVector<Value> inputs{x, dy, mean, r};
    SmallVector<AffineMap> maps{l.identity, l.identity, l.rowMap, l.rowMap};
    if (gamma) {
      inputs.push_back(gamma);
      maps.push_back(l.paramMap);
    }
    // g = dy * gamma, from the arguments x, dy, mean, r[, gamma].
    auto scaled = [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
      return gamma ? nb.create<arith::MulFOp>(nl, a[1], a[4]).getResult()
                   : a[1];
    };
    Value zeros = filledTensor(b, loc, l.rows, x, 0.0f);
    SmallVector<Value> sums =
        generic(b, loc, inputs, maps, {zeros, zeros}, l.rowMap, l.kinds(false),
                [&](OpBuilder &nb, Location nl, ValueRange a) {
                  Value g = scaled(nb, nl, a);
                  Value xHat = normalized(nb, nl, a[0], a[2], a[3]);
                  Value sumG = a[inputs.size()], sumGx = a[inputs.size() + 1];
                  return SmallVector<Value>{
                      nb.create<arith::AddFOp>(nl, sumG, g),
                      nb.create<arith::AddFOp>(
                          nl, sumGx, nb.create<arith::MulFOp>(nl, g, xHat))};
                });
    inputs.append(sums.begin(), sums.end());
    maps.append(2, l.rowMap);
    Value inverseCount = constantF32(b, loc, 1.0 / l.count);
    Value init = emptyTensor(b, loc, l.full, x);
    b.replaceOp(
        op,
        generic(b, loc, inputs, maps, {init}, l.identity, iterators(l.rank, 0),
                [&](OpBuilder &nb, Location nl, ValueRange a) {
                  Value g = scaled(nb, nl, a);
                  Value xHat = normalized(nb, nl, a[0], a[2], a[3]);
                  unsigned s = inputs.size() - 2;
                  Value meanG =
                      nb.create<arith::MulFOp>(nl, a[s], inverseCount);
                  Value meanGx =
                      nb.create<arith::MulFOp>(nl, a[s + 1], inverseCount);
                  Value centered = nb.create<arith::SubFOp>(
                      nl, nb.create<arith::SubFOp>(nl, g, meanG),
                      nb.create<arith::MulFOp>(nl, xHat, meanGx));
                  return SmallVector<Value>{
                      nb.create<arith::MulFOp>(nl, a[3], centered)};
                }));
    return success();
  }
};

} // namespace

void lowering::populateLayerNormPatterns(RewritePatternSet &patterns) {
  patterns
      .add<LowerLayerNorm, LowerLayerNormParamGrad, LowerLayerNormInputGrad>(
          patterns.getContext());
}
