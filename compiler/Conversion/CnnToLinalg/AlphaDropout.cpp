//===- AlphaDropout.cpp - AlphaDropout's training ops ---------------------===//
//
// cnn.alpha_dropout is the identity outside training (Elementwise.cpp); in
// @train_gradients it is a cnn.dropout_mask and these two elementwise
// generics, with Keras's constants computed in double (as Python does) and
// rounded to f32 once:
//
//   alpha_dropout_apply:  y  = a * (mask != 0 ? x : alpha') + b
//   alpha_dropout_grad:   dx = mask != 0 ? dy * a : 0
//
// alpha' = -selu_scale * selu_alpha, a = ((1 - rate)(1 + rate alpha'^2))^-1/2,
// b = -a alpha' rate (keras/layers/regularization/alpha_dropout.py).
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/CnnToLinalg/Lowering.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <cmath>

using namespace mlir;
using namespace mlir::cnn;
using namespace cnnc;
using namespace cnnc::lowering;

namespace {

/// Keras's constants for a rate.
struct AlphaConstants {
  double alphaP, a, b;
  explicit AlphaConstants(double rate) {
    constexpr double kAlpha = 1.6732632423543772848170429916717;
    constexpr double kScale = 1.0507009873554804934193349852946;
    alphaP = -kAlpha * kScale;
    a = std::pow((1 - rate) * (1 + rate * alphaP * alphaP), -0.5);
    b = -a * alphaP * rate;
  }
};

/// An elementwise generic over `value` and `mask` (one type): `body` gets
/// the value's element and whether the mask keeps it.
Value overMask(OpBuilder &b, Location loc, Value value, Value mask,
               function_ref<Value(OpBuilder &, Location, Value, Value)> body) {
  auto type = cast<RankedTensorType>(value.getType());
  int64_t rank = type.getRank();
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  return b
      .create<linalg::GenericOp>(
          loc, TypeRange{type}, ValueRange{value, mask},
          ValueRange{emptyTensor(b, loc, type, value)},
          SmallVector<AffineMap>(3, identity), iterators(rank, 0),
          [&](OpBuilder &nb, Location nl, ValueRange args) {
            Value kept = nb.create<arith::CmpFOp>(
                nl, arith::CmpFPredicate::ONE, args[1], constantF32(nb, nl, 0));
            nb.create<linalg::YieldOp>(nl, body(nb, nl, args[0], kept));
          })
      .getResult(0);
}

struct LowerAlphaDropoutApply : OpRewritePattern<AlphaDropoutApplyOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AlphaDropoutApplyOp op,
                                PatternRewriter &b) const override {
    AlphaConstants k(op.getRate().convertToDouble());
    b.replaceOp(op, overMask(b, op.getLoc(), op.getInput(), op.getMask(),
                             [&](OpBuilder &nb, Location nl, Value x,
                                 Value kept) -> Value {
                               Value t = nb.create<arith::SelectOp>(
                                   nl, kept, x, constantF32(nb, nl, k.alphaP));
                               Value scaled = nb.create<arith::MulFOp>(
                                   nl, t, constantF32(nb, nl, k.a));
                               return nb.create<arith::AddFOp>(
                                   nl, scaled, constantF32(nb, nl, k.b));
                             }));
    return success();
  }
};

struct LowerAlphaDropoutGrad : OpRewritePattern<AlphaDropoutGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AlphaDropoutGradOp op,
                                PatternRewriter &b) const override {
    AlphaConstants k(op.getRate().convertToDouble());
    b.replaceOp(op, overMask(b, op.getLoc(), op.getOutputGrad(), op.getMask(),
                             [&](OpBuilder &nb, Location nl, Value dy,
                                 Value kept) -> Value {
                               Value scaled = nb.create<arith::MulFOp>(
                                   nl, dy, constantF32(nb, nl, k.a));
                               return nb.create<arith::SelectOp>(
                                   nl, kept, scaled, constantF32(nb, nl, 0));
                             }));
    return success();
  }
};

} // namespace

void lowering::populateAlphaDropoutPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerAlphaDropoutApply, LowerAlphaDropoutGrad>(
      patterns.getContext());
}
