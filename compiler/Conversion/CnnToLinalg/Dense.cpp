//===- Dense.cpp - dense to linalg ----------------------------------------===//
//
// On a (batch, inputs) tensor, dense is linalg.matmul onto the broadcast
// bias. On a higher-rank tensor Keras applies the kernel to the last axis;
// that is a contraction written as a linalg.generic.
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

struct LowerDense : OpRewritePattern<DenseOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(DenseOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank();
    Value init;
    if (Value bias = op.getBias()) {
      Value empty = emptyTensor(rewriter, loc, type, op.getInput());
      SmallVector<int64_t> dims =
          llvm::to_vector(llvm::seq<int64_t>(0, rank - 1));
      init = rewriter.create<linalg::BroadcastOp>(loc, bias, empty, dims)
                 .getResult()[0];
    } else {
      init = filledTensor(rewriter, loc, type, op.getInput(), 0.0f);
    }

    if (rank == 2) {
      rewriter.replaceOp(op, rewriter
                                 .create<linalg::MatmulOp>(
                                     loc, TypeRange{type},
                                     ValueRange{op.getInput(), op.getKernel()},
                                     ValueRange{init})
                                 .getResult(0));
      return success();
    }

    // y[d0..d(r-2), u] += x[d0..d(r-2), k] * K[k, u], with k the last loop.
    MLIRContext *context = rewriter.getContext();
    SmallVector<AffineExpr> outer;
    for (int64_t d = 0; d < rank - 1; ++d)
      outer.push_back(getAffineDimExpr(d, context));
    AffineExpr units = getAffineDimExpr(rank - 1, context);
    AffineExpr k = getAffineDimExpr(rank, context);
    SmallVector<AffineExpr> inputExprs(outer), outputExprs(outer);
    inputExprs.push_back(k);
    outputExprs.push_back(units);
    auto maps = SmallVector<AffineMap>{
        AffineMap::get(rank + 1, 0, inputExprs, context),
        AffineMap::get(rank + 1, 0, {k, units}, context),
        AffineMap::get(rank + 1, 0, outputExprs, context)};
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    Value result =
        rewriter
            .create<linalg::GenericOp>(
                loc, TypeRange{type}, ValueRange{op.getInput(), op.getKernel()},
                ValueRange{init}, maps, iterators,
                [](OpBuilder &b, Location loc, ValueRange args) {
                  Value product =
                      b.create<arith::MulFOp>(loc, args[0], args[1]);
                  b.create<linalg::YieldOp>(
                      loc, ValueRange{
                               b.create<arith::AddFOp>(loc, args[2], product)});
                })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void lowering::populateDensePatterns(RewritePatternSet &patterns) {
  patterns.add<LowerDense>(patterns.getContext());
}
