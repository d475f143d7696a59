//===- Activations.cpp - cnn.activation and its gradient ------------------===//
//
// Both are one elementwise linalg.generic, whose body ActivationMath.cpp
// writes: f(x) forward, dy * f'(x) backward.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/CnnToLinalg/Lowering.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

using namespace mlir;
using namespace mlir::cnn;
using namespace cnnc;
using namespace cnnc::lowering;

namespace {

template <typename OpTy> ActivationParams paramsOf(OpTy op) {
  ActivationParams params;
  params.function = op.getFunction();
  params.alpha = op.getAlpha().convertToDouble();
  if (std::optional<APFloat> max = op.getMaxValue())
    params.maxValue = max->convertToDouble();
  params.threshold = op.getThreshold().convertToDouble();
  return params;
}

struct LowerApplyActivation : OpRewritePattern<ApplyActivationOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ApplyActivationOp op,
                                PatternRewriter &rewriter) const override {
    ActivationParams params = paramsOf(op);
    rewriter.replaceOp(op,
                       mapElements(rewriter, op.getLoc(), op.getInput(),
                                   [&](OpBuilder &b, Location loc, Value x) {
                                     return buildActivation(b, loc, params, x);
                                   }));
    return success();
  }
};

/// dx = dy * f'(x).
struct LowerApplyActivationGrad : OpRewritePattern<ApplyActivationGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ApplyActivationGradOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ActivationParams params = paramsOf(op);
    RankedTensorType type = op.getType();
    Value init = emptyTensor(rewriter, loc, type, op.getInput());
    SmallVector<AffineMap> maps(
        3, rewriter.getMultiDimIdentityMap(type.getRank()));
    rewriter.replaceOp(
        op, rewriter
                .create<linalg::GenericOp>(
                    loc, TypeRange{type},
                    ValueRange{op.getInput(), op.getOutputGrad()},
                    ValueRange{init}, maps, iterators(type.getRank(), 0),
                    [&](OpBuilder &b, Location nl, ValueRange args) {
                      Value slope =
                          buildActivationDerivative(b, nl, params, args[0]);
                      b.create<linalg::YieldOp>(
                          nl, ValueRange{
                                  b.create<arith::MulFOp>(nl, args[1], slope)});
                    })
                .getResult(0));
    return success();
  }
};

} // namespace

void lowering::populateActivationPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerApplyActivation, LowerApplyActivationGrad>(
      patterns.getContext());
}
