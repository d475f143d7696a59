//===- MergeBackward.cpp - merge_grad and concatenate_grad ----------------===//
//
// merge_grad is one linalg.generic over the output gradient's shape that
// reads every input (broadcast as in the forward op) and computes the
// gradient element by element; along the dimensions where the input was
// broadcast it sums (reduction iterators into a tensor without them, then
// an expand_shape puts the 1s back). concatenate_grad is a slice.
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

/// d y / d x_index times dy, for one element: `dy` and the inputs' values.
static Value elementGrad(OpBuilder &b, Location loc, MergeKind kind,
                         int64_t index, Value dy, ValueRange x) {
  int64_t count = x.size();
  switch (kind) {
  case MergeKind::add:
    return dy;
  case MergeKind::subtract:
    return index == 0 ? dy : b.create<arith::NegFOp>(loc, dy).getResult();
  case MergeKind::average:
    return b.create<arith::DivFOp>(loc, dy, constantF32(b, loc, double(count)));
  case MergeKind::multiply: {
    Value g = dy;
    for (int64_t j = 0; j < count; ++j)
      if (j != index)
        g = b.create<arith::MulFOp>(loc, g, x[j]);
    return g;
  }
  case MergeKind::maximum:
  case MergeKind::minimum: {
    // Which input Keras's loop `acc = max(acc, x_j)` ends with: tf.maximum
    // gives the gradient to its first operand when acc >= x_j (<= for
    // minimum), so a later input wins only when strictly larger.
    auto predicate = kind == MergeKind::maximum ? arith::CmpFPredicate::OGE
                                                : arith::CmpFPredicate::OLE;
    Value acc = x[0];
    Value winner = b.create<arith::ConstantIndexOp>(loc, 0);
    for (int64_t j = 1; j < count; ++j) {
      Value keep = b.create<arith::CmpFOp>(loc, predicate, acc, x[j]);
      acc = b.create<arith::SelectOp>(loc, keep, acc, x[j]);
      winner = b.create<arith::SelectOp>(
          loc, keep, winner, b.create<arith::ConstantIndexOp>(loc, j));
    }
    Value mine =
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, winner,
                                b.create<arith::ConstantIndexOp>(loc, index));
    return b.create<arith::SelectOp>(loc, mine, dy, constantF32(b, loc, 0.0));
  }
  }
  llvm_unreachable("unknown merge kind");
}

namespace {

struct LowerMergeGrad : OpRewritePattern<MergeGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MergeGradOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value dy = op.getOutputGrad();
    auto dyType = cast<RankedTensorType>(dy.getType());
    RankedTensorType type = op.getType();
    int64_t rank = dyType.getRank();

    SmallVector<AffineMap> maps{b.getMultiDimIdentityMap(rank)};
    for (Value input : op.getInputs()) {
      auto inputType = cast<RankedTensorType>(input.getType());
      SmallVector<AffineExpr> exprs;
      for (int64_t d = 0; d < rank; ++d)
        exprs.push_back(inputType.getDimSize(d) == dyType.getDimSize(d)
                            ? b.getAffineDimExpr(d)
                            : b.getAffineConstantExpr(0));
      maps.push_back(map(b, rank, exprs));
    }
    // The result keeps the dimensions the input was not broadcast along.
    SmallVector<AffineExpr> kept;
    SmallVector<int64_t> keptShape;
    SmallVector<utils::IteratorType> iters;
    SmallVector<ReassociationIndices> groups;
    for (int64_t d = 0; d < rank; ++d) {
      bool broadcast = type.getDimSize(d) != dyType.getDimSize(d);
      iters.push_back(broadcast ? utils::IteratorType::reduction
                                : utils::IteratorType::parallel);
      if (broadcast) {
        // A size-1 dimension joins its neighbour's group (d >= 1 always).
        groups.back().push_back(d);
        continue;
      }
      kept.push_back(b.getAffineDimExpr(d));
      keptShape.push_back(type.getDimSize(d));
      groups.push_back({d});
    }
    maps.push_back(map(b, rank, kept));
    bool reduces = static_cast<int64_t>(kept.size()) != rank;
    auto keptType = RankedTensorType::get(keptShape, type.getElementType());
    Value init = reduces ? filledTensor(b, loc, keptType, dy, 0.0f)
                         : emptyTensor(b, loc, keptType, dy);

    SmallVector<Value> operands{dy};
    llvm::append_range(operands, op.getInputs());
    MergeKind kind = op.getKind();
    int64_t index = op.getIndex();
    size_t count = op.getInputs().size();
    auto generic = b.create<linalg::GenericOp>(
        loc, TypeRange{keptType}, operands, ValueRange{init}, maps, iters,
        [&](OpBuilder &nb, Location nl, ValueRange args) {
          Value g =
              elementGrad(nb, nl, kind, index, args[0], args.slice(1, count));
          if (reduces)
            g = nb.create<arith::AddFOp>(nl, args.back(), g);
          nb.create<linalg::YieldOp>(nl, g);
        });
    Value result = generic.getResult(0);
    if (reduces) {
      // Leading broadcast dimensions cannot occur (the batch is never
      // broadcast), so every group starts with a kept dimension.
      result = b.create<tensor::ExpandShapeOp>(loc, type, result, groups);
    }
    b.replaceOp(op, result);
    return success();
  }
};

struct LowerConcatenateGrad : OpRewritePattern<ConcatenateGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConcatenateGradOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank();
    SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
    offsets[op.getAxis()] = b.getIndexAttr(op.getOffset());
    SmallVector<OpFoldResult> sizes;
    for (int64_t d = 0; d < rank; ++d)
      sizes.push_back(type.isDynamicDim(d)
                          ? tensor::getMixedSize(b, loc, op.getOutputGrad(), d)
                          : b.getIndexAttr(type.getDimSize(d)));
    SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
    b.replaceOpWithNewOp<tensor::ExtractSliceOp>(op, type, op.getOutputGrad(),
                                                 offsets, sizes, strides);
    return success();
  }
};

} // namespace

void lowering::populateMergeBackwardPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerMergeGrad, LowerConcatenateGrad>(patterns.getContext());
}
