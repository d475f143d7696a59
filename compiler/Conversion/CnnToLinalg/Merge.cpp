//===- Merge.cpp - merge and concatenate ----------------------------------===//
//
// cnn.merge is one elementwise linalg.generic over all its inputs: an input
// of size 1 where the result is larger is read at index 0 along that
// dimension (Keras's broadcasting), so no broadcast copy is ever made, and
// the generic tiles and vectorizes like any other elementwise op.
// cnn.concatenate writes each input into its slice of one tensor.empty:
// bufferized, each input is copied once, into place.
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

/// `acc (kind) x` for one element.
static Value combine(OpBuilder &b, Location loc, MergeKind kind, Value acc,
                     Value x) {
  switch (kind) {
  case MergeKind::add:
  case MergeKind::average:
    return b.create<arith::AddFOp>(loc, acc, x);
  case MergeKind::subtract:
    return b.create<arith::SubFOp>(loc, acc, x);
  case MergeKind::multiply:
    return b.create<arith::MulFOp>(loc, acc, x);
  case MergeKind::maximum:
    return b.create<arith::MaximumFOp>(loc, acc, x);
  case MergeKind::minimum:
    return b.create<arith::MinimumFOp>(loc, acc, x);
  }
  llvm_unreachable("unknown merge kind");
}

namespace {

struct LowerMerge : OpRewritePattern<MergeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MergeOp op, PatternRewriter &b) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank();
    SmallVector<AffineMap> maps;
    for (Value input : op.getInputs()) {
      auto inputType = cast<RankedTensorType>(input.getType());
      SmallVector<AffineExpr> exprs;
      for (int64_t d = 0; d < rank; ++d)
        exprs.push_back(inputType.getDimSize(d) == type.getDimSize(d)
                            ? b.getAffineDimExpr(d)
                            : b.getAffineConstantExpr(0));
      maps.push_back(map(b, rank, exprs));
    }
    maps.push_back(b.getMultiDimIdentityMap(rank));
    // The batch comes from an input whose batch is the result's.
    Value init = emptyTensor(b, loc, type, op.getInputs().front());
    MergeKind kind = op.getKind();
    size_t count = op.getInputs().size();
    auto generic = b.create<linalg::GenericOp>(
        loc, TypeRange{type}, op.getInputs(), ValueRange{init}, maps,
        iterators(rank, 0), [&](OpBuilder &nb, Location nl, ValueRange args) {
          // Left to right, as Keras's _merge_function loops.
          Value acc = args[0];
          for (size_t i = 1; i < count; ++i)
            acc = combine(nb, nl, kind, acc, args[i]);
          if (kind == MergeKind::average)
            acc = nb.create<arith::DivFOp>(
                nl, acc, constantF32(nb, nl, static_cast<double>(count)));
          nb.create<linalg::YieldOp>(nl, acc);
        });
    b.replaceOp(op, generic.getResult(0));
    return success();
  }
};

struct LowerConcatenate : OpRewritePattern<ConcatenateOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConcatenateOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank();
    int64_t axis = op.getPositiveAxis();
    Value result = emptyTensor(b, loc, type, op.getInputs().front());
    int64_t offset = 0;
    for (Value input : op.getInputs()) {
      auto inputType = cast<RankedTensorType>(input.getType());
      SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
      offsets[axis] = b.getIndexAttr(offset);
      SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, input);
      SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
      result = b.create<tensor::InsertSliceOp>(loc, input, result, offsets,
                                               sizes, strides);
      offset += inputType.getDimSize(axis);
    }
    b.replaceOp(op, result);
    return success();
  }
};

} // namespace

void lowering::populateMergePatterns(RewritePatternSet &patterns) {
  patterns.add<LowerMerge, LowerConcatenate>(patterns.getContext());
}
