//===- Optimizer.cpp - Keras's optimizer updates --------------------------===//
//
// An update is elementwise over all parameters laid end to end: the shards'
// gradients are summed, then one linalg.generic updates the parameters and
// the optimizer's slots together, in destination-passing style on the
// caller's buffers (each slot a row of `state`), so that bufferization
// updates them in place. The arithmetic follows Keras's optimizers
// operation for operation in float32.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/CnnToLinalg/Lowering.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::cnn;
using namespace cnnc;
using namespace cnnc::lowering;

namespace {

/// The parameter count: static, or the size the caller passes (a thread's
/// part of the parameters).
OpFoldResult parameterCount(OpBuilder &b, Location loc, Value params) {
  return tensor::getMixedSizes(b, loc, params)[0];
}

/// g[i] = sum over shards s of gradients[s, i]: a loop over the shards,
/// each adding its row elementwise (a loop the vectorizer takes whole
/// vectors of parameters in, where a reduction over a dynamic number of
/// shards would stay scalar).
Value sumShards(OpBuilder &b, Location loc, Value gradients, Value params) {
  auto type = cast<RankedTensorType>(params.getType());
  OpFoldResult count = parameterCount(b, loc, params);
  AffineMap identity = b.getMultiDimIdentityMap(1);
  // Zeros by a generic rather than linalg.fill, which the vectorizer does
  // not mask over a dynamic size.
  Value init =
      b.create<linalg::GenericOp>(
           loc, TypeRange{type}, ValueRange{},
           ValueRange{b.create<tensor::EmptyOp>(
               loc, ArrayRef<OpFoldResult>{count}, type.getElementType())},
           ArrayRef<AffineMap>{identity},
           ArrayRef<utils::IteratorType>{utils::IteratorType::parallel},
           [](OpBuilder &nb, Location nl, ValueRange) {
             nb.create<linalg::YieldOp>(nl,
                                        ValueRange{constantF32(nb, nl, 0.0f)});
           })
          .getResult(0);
  Value zero = b.create<arith::ConstantIndexOp>(loc, 0);
  Value one = b.create<arith::ConstantIndexOp>(loc, 1);
  Value shards = b.create<tensor::DimOp>(loc, gradients, 0);
  return b
      .create<scf::ForOp>(
          loc, zero, shards, one, ValueRange{init},
          [&](OpBuilder &lb, Location ll, Value s, ValueRange sum) {
            SmallVector<OpFoldResult> offsets{s, lb.getIndexAttr(0)};
            SmallVector<OpFoldResult> sizes{lb.getIndexAttr(1), count};
            SmallVector<OpFoldResult> strides(2, lb.getIndexAttr(1));
            Value row = lb.create<tensor::ExtractSliceOp>(
                ll, type, gradients, offsets, sizes, strides);
            Value added = lb.create<linalg::GenericOp>(
                                ll, TypeRange{type}, ValueRange{row}, sum,
                                ArrayRef<AffineMap>{identity, identity},
                                ArrayRef<utils::IteratorType>{
                                    utils::IteratorType::parallel},
                                [](OpBuilder &nb, Location nl, ValueRange a) {
                                  nb.create<linalg::YieldOp>(
                                      nl, ValueRange{nb.create<arith::AddFOp>(
                                              nl, a[1], a[0])});
                                })
                              .getResult(0);
            lb.create<scf::YieldOp>(ll, added);
          })
      .getResult(0);
}

/// Row `slot` of the state, as a vector.
Value stateRow(OpBuilder &b, Location loc, Value state, int64_t slot,
               Value params) {
  auto rowType = cast<RankedTensorType>(params.getType());
  SmallVector<OpFoldResult> offsets{b.getIndexAttr(slot), b.getIndexAttr(0)};
  SmallVector<OpFoldResult> sizes{b.getIndexAttr(1),
                                  parameterCount(b, loc, params)};
  SmallVector<OpFoldResult> strides{b.getIndexAttr(1), b.getIndexAttr(1)};
  return b.create<tensor::ExtractSliceOp>(loc, rowType, state, offsets, sizes,
                                          strides);
}

Value insertRow(OpBuilder &b, Location loc, Value row, Value state,
                int64_t slot) {
  SmallVector<OpFoldResult> offsets{b.getIndexAttr(slot), b.getIndexAttr(0)};
  SmallVector<OpFoldResult> sizes{b.getIndexAttr(1),
                                  parameterCount(b, loc, row)};
  SmallVector<OpFoldResult> strides{b.getIndexAttr(1), b.getIndexAttr(1)};
  return b.create<tensor::InsertSliceOp>(loc, row, state, offsets, sizes,
                                         strides);
}

/// One elementwise generic: ins(g), outs(params, slots...), the body given
/// (g, p, slots...) and returning (p', slots'...).
SmallVector<Value> updateElements(
    OpBuilder &b, Location loc, Value grad, ValueRange outs,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)> body) {
  SmallVector<Type> types;
  for (Value v : outs)
    types.push_back(v.getType());
  SmallVector<AffineMap> maps(outs.size() + 1, b.getMultiDimIdentityMap(1));
  auto generic = b.create<linalg::GenericOp>(
      loc, types, ValueRange{grad}, outs, maps,
      ArrayRef<utils::IteratorType>{utils::IteratorType::parallel},
      [&](OpBuilder &nb, Location nl, ValueRange a) {
        nb.create<linalg::YieldOp>(nl, body(nb, nl, a));
      });
  return SmallVector<Value>(generic.getResults());
}

/// (iteration + 1) as f32: Keras's `local_step`.
Value localStep(OpBuilder &b, Location loc, Value iteration) {
  Value one = b.create<arith::ConstantOp>(loc, b.getI64IntegerAttr(1));
  return b.create<arith::SIToFPOp>(
      loc, b.getF32Type(), b.create<arith::AddIOp>(loc, iteration, one));
}

struct LowerAdam : OpRewritePattern<AdamUpdateOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AdamUpdateOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value params = op.getParams();
    double beta1 = op.getBeta_1().convertToDouble(),
           beta2 = op.getBeta_2().convertToDouble();
    Value g = sumShards(b, loc, op.getGradients(), params);
    // alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)
    Value t = localStep(b, loc, op.getIteration());
    Value one = constantF32(b, loc, 1.0);
    Value beta1Power =
        b.create<math::PowFOp>(loc, constantF32(b, loc, beta1), t);
    Value beta2Power =
        b.create<math::PowFOp>(loc, constantF32(b, loc, beta2), t);
    Value alpha = b.create<arith::MulFOp>(
        loc, constantF32(b, loc, op.getLearningRate().convertToDouble()),
        b.create<math::SqrtOp>(loc,
                               b.create<arith::SubFOp>(loc, one, beta2Power)));
    alpha = b.create<arith::DivFOp>(
        loc, alpha, b.create<arith::SubFOp>(loc, one, beta1Power));
    Value m = stateRow(b, loc, op.getState(), 0, params);
    Value v = stateRow(b, loc, op.getState(), 1, params);
    double epsilon = op.getEpsilon().convertToDouble();
    SmallVector<Value> results = updateElements(
        b, loc, g, ValueRange{op.getParams(), m, v},
        [&](OpBuilder &nb, Location nl, ValueRange a) -> SmallVector<Value> {
          Value grad = a[0], p = a[1], mv = a[2], vv = a[3];
          // m += (g - m) * (1 - beta_1); v += (g^2 - v) * (1 - beta_2)
          Value newM = nb.create<arith::AddFOp>(
              nl, mv,
              nb.create<arith::MulFOp>(nl,
                                       nb.create<arith::SubFOp>(nl, grad, mv),
                                       constantF32(nb, nl, 1.0 - beta1)));
          Value square = nb.create<arith::MulFOp>(nl, grad, grad);
          Value newV = nb.create<arith::AddFOp>(
              nl, vv,
              nb.create<arith::MulFOp>(nl,
                                       nb.create<arith::SubFOp>(nl, square, vv),
                                       constantF32(nb, nl, 1.0 - beta2)));
          // p -= (m * alpha) / (sqrt(v) + epsilon)
          Value denominator =
              nb.create<arith::AddFOp>(nl, nb.create<math::SqrtOp>(nl, newV),
                                       constantF32(nb, nl, epsilon));
          Value step = nb.create<arith::DivFOp>(
              nl, nb.create<arith::MulFOp>(nl, newM, alpha), denominator);
          return {nb.create<arith::SubFOp>(nl, p, step), newM, newV};
        });
    Value state = insertRow(b, loc, results[1], op.getState(), 0);
    state = insertRow(b, loc, results[2], state, 1);
    b.replaceOp(op, {results[0], state});
    return success();
  }
};

struct LowerSGD : OpRewritePattern<SGDUpdateOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SGDUpdateOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value params = op.getParams();
    Value g = sumShards(b, loc, op.getGradients(), params);
    double lr = op.getLearningRate().convertToDouble();
    double momentum = op.getMomentum().convertToDouble();
    bool nesterov = op.getNesterov();
    if (momentum == 0.0) {
      // p -= g * lr
      SmallVector<Value> results = updateElements(
          b, loc, g, ValueRange{op.getParams()},
          [&](OpBuilder &nb, Location nl, ValueRange a) -> SmallVector<Value> {
            Value step =
                nb.create<arith::MulFOp>(nl, a[0], constantF32(nb, nl, lr));
            return {nb.create<arith::SubFOp>(nl, a[1], step)};
          });
      b.replaceOp(op, {results[0], op.getState()});
      return success();
    }
    Value m = stateRow(b, loc, op.getState(), 0, params);
    SmallVector<Value> results = updateElements(
        b, loc, g, ValueRange{op.getParams(), m},
        [&](OpBuilder &nb, Location nl, ValueRange a) -> SmallVector<Value> {
          Value grad = a[0], p = a[1], mv = a[2];
          Value mu = constantF32(nb, nl, momentum);
          // m = -g * lr + m * momentum
          Value scaledGrad = nb.create<arith::NegFOp>(
              nl, nb.create<arith::MulFOp>(nl, grad, constantF32(nb, nl, lr)));
          Value newM = nb.create<arith::AddFOp>(
              nl, scaledGrad, nb.create<arith::MulFOp>(nl, mv, mu));
          // p += m, or p += -g * lr + m * momentum (Nesterov)
          Value step = nesterov ? nb.create<arith::AddFOp>(
                                        nl, scaledGrad,
                                        nb.create<arith::MulFOp>(nl, newM, mu))
                                      .getResult()
                                : newM;
          return {nb.create<arith::AddFOp>(nl, p, step), newM};
        });
    b.replaceOp(op,
                {results[0], insertRow(b, loc, results[1], op.getState(), 0)});
    return success();
  }
};

struct LowerRMSprop : OpRewritePattern<RMSpropUpdateOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(RMSpropUpdateOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value params = op.getParams();
    Value g = sumShards(b, loc, op.getGradients(), params);
    double lr = op.getLearningRate().convertToDouble();
    double rho = op.getRho().convertToDouble();
    double epsilon = op.getEpsilon().convertToDouble();
    Value ms = stateRow(b, loc, op.getState(), 0, params);
    SmallVector<Value> results = updateElements(
        b, loc, g, ValueRange{op.getParams(), ms},
        [&](OpBuilder &nb, Location nl, ValueRange a) -> SmallVector<Value> {
          Value grad = a[0], p = a[1], velocity = a[2];
          // velocity = rho * velocity + (1 - rho) * g^2
          Value newVelocity = nb.create<arith::AddFOp>(
              nl,
              nb.create<arith::MulFOp>(nl, constantF32(nb, nl, rho), velocity),
              nb.create<arith::MulFOp>(
                  nl, constantF32(nb, nl, 1.0 - rho),
                  nb.create<arith::MulFOp>(nl, grad, grad)));
          // p -= lr * g / sqrt(velocity + epsilon)
          Value increment = nb.create<arith::DivFOp>(
              nl, nb.create<arith::MulFOp>(nl, constantF32(nb, nl, lr), grad),
              nb.create<math::SqrtOp>(
                  nl, nb.create<arith::AddFOp>(nl, newVelocity,
                                               constantF32(nb, nl, epsilon))));
          return {nb.create<arith::SubFOp>(nl, p, increment), newVelocity};
        });
    b.replaceOp(op,
                {results[0], insertRow(b, loc, results[1], op.getState(), 0)});
    return success();
  }
};

} // namespace

void lowering::populateOptimizerPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerAdam, LowerSGD, LowerRMSprop>(patterns.getContext());
}
