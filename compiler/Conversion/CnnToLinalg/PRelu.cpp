//===- PRelu.cpp - cnn.prelu and its two gradients ------------------------===//
//
// alpha broadcasts along the batch and the shared axes: its indexing map
// reads index 0 on a shared axis. The forward op and the input gradient are
// elementwise generics over (x, alpha[, dy]); alpha's gradient reduces
// dy * min(x, 0) over the batch and the shared axes into the unshared ones,
// then expands back to alpha's shape (unit dims on the shared axes).
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/CnnToLinalg/Lowering.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::cnn;
using namespace cnnc;
using namespace cnnc::lowering;

namespace {

/// Whether axis i + 1 of the input is shared (alpha has size 1 there while
/// the input does not). An axis where both are 1 counts as unshared.
SmallVector<bool> sharedAxes(RankedTensorType input, RankedTensorType alpha) {
  SmallVector<bool> shared;
  for (int64_t i = 0; i < alpha.getRank(); ++i)
    shared.push_back(alpha.getDimSize(i) == 1 && input.getDimSize(i + 1) != 1);
  return shared;
}

/// alpha's map from the input's loops: index 0 on the shared axes.
AffineMap alphaMap(OpBuilder &b, RankedTensorType input,
                   RankedTensorType alpha) {
  SmallVector<AffineExpr> exprs;
  for (auto [i, shared] : llvm::enumerate(sharedAxes(input, alpha)))
    exprs.push_back(shared ? b.getAffineConstantExpr(0)
                           : b.getAffineDimExpr(i + 1));
  return map(b, input.getRank(), exprs);
}

Value isPositive(OpBuilder &b, Location loc, Value x) {
  return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGT, x,
                                 constantF32(b, loc, 0.0));
}

struct LowerPRelu : OpRewritePattern<PReluOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PReluOp op, PatternRewriter &b) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    AffineMap identity = b.getMultiDimIdentityMap(type.getRank());
    Value init = emptyTensor(b, loc, type, op.getInput());
    b.replaceOp(
        op,
        b.create<linalg::GenericOp>(
             loc, TypeRange{type}, ValueRange{op.getInput(), op.getAlpha()},
             ValueRange{init},
             ArrayRef<AffineMap>{identity,
                                 alphaMap(b, type, op.getAlpha().getType()),
                                 identity},
             iterators(type.getRank(), 0),
             [](OpBuilder &nb, Location nl, ValueRange args) {
               // x > 0 ? x : alpha * x; a NaN takes the second branch
               // and stays NaN.
               Value scaled = nb.create<arith::MulFOp>(nl, args[1], args[0]);
               nb.create<linalg::YieldOp>(
                   nl, ValueRange{nb.create<arith::SelectOp>(
                           nl, isPositive(nb, nl, args[0]), args[0], scaled)});
             })
            .getResult(0));
    return success();
  }
};

struct LowerPReluInputGrad : OpRewritePattern<PReluInputGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PReluInputGradOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    AffineMap identity = b.getMultiDimIdentityMap(type.getRank());
    Value init = emptyTensor(b, loc, type, op.getInput());
    b.replaceOp(
        op, b.create<linalg::GenericOp>(
                 loc, TypeRange{type},
                 ValueRange{op.getInput(), op.getAlpha(), op.getOutputGrad()},
                 ValueRange{init},
                 ArrayRef<AffineMap>{identity,
                                     alphaMap(b, type, op.getAlpha().getType()),
                                     identity, identity},
                 iterators(type.getRank(), 0),
                 [](OpBuilder &nb, Location nl, ValueRange args) {
                   // Keras's PReLU is relu(x) - alpha * relu(-x): both relus'
                   // gradients are 0 at 0, so dx is too.
                   Value x = args[0], dy = args[2];
                   Value negative =
                       nb.create<arith::CmpFOp>(nl, arith::CmpFPredicate::OLT,
                                                x, constantF32(nb, nl, 0.0));
                   Value below = nb.create<arith::SelectOp>(
                       nl, negative, nb.create<arith::MulFOp>(nl, args[1], dy),
                       constantF32(nb, nl, 0.0));
                   nb.create<linalg::YieldOp>(
                       nl, ValueRange{nb.create<arith::SelectOp>(
                               nl, isPositive(nb, nl, x), dy, below)});
                 })
                .getResult(0));
    return success();
  }
};

struct LowerPReluAlphaGrad : OpRewritePattern<PReluAlphaGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PReluAlphaGradOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    RankedTensorType input = op.getInput().getType();
    RankedTensorType alpha = op.getType();
    int64_t rank = input.getRank();
    SmallVector<bool> shared = sharedAxes(input, alpha);

    // The loops: the batch and the shared axes reduce, the others stay.
    SmallVector<utils::IteratorType> loopTypes(rank,
                                               utils::IteratorType::reduction);
    SmallVector<AffineExpr> kept;
    SmallVector<int64_t> keptShape;
    for (int64_t i = 0; i < alpha.getRank(); ++i)
      if (!shared[i]) {
        loopTypes[i + 1] = utils::IteratorType::parallel;
        kept.push_back(b.getAffineDimExpr(i + 1));
        keptShape.push_back(alpha.getDimSize(i));
      }
    auto keptType = RankedTensorType::get(keptShape, b.getF32Type());
    Value zeros = filledTensor(b, loc, keptType, nullptr, 0.0f);
    AffineMap identity = b.getMultiDimIdentityMap(rank);
    Value sum =
        b.create<linalg::GenericOp>(
             loc, TypeRange{keptType},
             ValueRange{op.getInput(), op.getOutputGrad()}, ValueRange{zeros},
             ArrayRef<AffineMap>{identity, identity, map(b, rank, kept)},
             loopTypes,
             [](OpBuilder &nb, Location nl, ValueRange args) {
               Value negative = nb.create<arith::MinimumFOp>(
                   nl, args[0], constantF32(nb, nl, 0.0));
               Value term = nb.create<arith::MulFOp>(nl, args[1], negative);
               nb.create<linalg::YieldOp>(
                   nl, ValueRange{nb.create<arith::AddFOp>(nl, args[2], term)});
             })
            .getResult(0);

    // Back to alpha's shape: each shared (unit) axis joins the group of
    // the kept axis before it, or, before any, the first kept axis.
    if (keptType == alpha) {
      b.replaceOp(op, sum);
      return success();
    }
    SmallVector<ReassociationIndices> groups;
    ReassociationIndices leading;
    for (int64_t i = 0; i < alpha.getRank(); ++i) {
      if (!shared[i]) {
        groups.push_back(leading);
        leading.clear();
        groups.back().push_back(i);
      } else if (groups.empty()) {
        leading.push_back(i);
      } else {
        groups.back().push_back(i);
      }
    }
    // Every axis shared: the rank-0 sum expands with no groups.
    b.replaceOpWithNewOp<tensor::ExpandShapeOp>(op, alpha, sum, groups);
    return success();
  }
};

} // namespace

void lowering::populatePReluPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerPRelu, LowerPReluInputGrad, LowerPReluAlphaGrad>(
      patterns.getContext());
}
