//===- LowerVectors.cpp - Vector ops to FMA-ready form --------------------===//
//
// This file implements --cnn-lower-vectors, after bufferization:
//   1. subviews are folded into vector transfers: hoisting in MLIR 19 gives
//      up on transfers whose base is a subview (codegen-notes §4.2);
//   2. loop-invariant transfer pairs are hoisted, so a convolution's
//      accumulators live in registers across its reduction loops;
//   3. contractions become outer products (one broadcast FMA per input
//      element), transfers plain loads and stores, reductions shuffles.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Hoisting.h"
#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace cnnc {
#define GEN_PASS_DEF_LOWERVECTORS
#include "compiler/Passes.h.inc"
} // namespace cnnc

using namespace mlir;

namespace {

/// A contraction whose reduction dimensions all have size 1, out(r, c) +=
/// a(r) * b(c), is an outer product of its operands (a kernel gradient
/// tap's step: 8 channels of an x pixel by the filters of a dy pixel).
/// MLIR 19 lowers a contraction to outer products only along one
/// reduction dimension, and such a step has several unit ones: without
/// this, it would be lowered element by element.
struct UnitReductionContractToOuterProduct
    : OpRewritePattern<vector::ContractionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::ContractionOp op,
                                PatternRewriter &b) const override {
    auto accType = dyn_cast<VectorType>(op.getAccType());
    if (op.getKind() != vector::CombiningKind::ADD || !accType ||
        accType.getRank() != 2 || isa<vector::MaskOp>(op->getParentOp()) ||
        !accType.getElementType().isF32())
      return failure();
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    auto accDim = [&](unsigned k) -> std::optional<unsigned> {
      auto d = dyn_cast<AffineDimExpr>(maps[2].getResult(k));
      return d ? std::optional<unsigned>(d.getPosition()) : std::nullopt;
    };
    std::optional<unsigned> rows = accDim(0), cols = accDim(1);
    if (!rows || !cols)
      return failure();
    // Each operand: one dimension of its own result dim, every other of
    // size 1.
    auto flatten = [&](Value operand, AffineMap map, unsigned keep) -> Value {
      auto type = cast<VectorType>(operand.getType());
      int64_t size = 0;
      for (auto [k, expr] : llvm::enumerate(map.getResults())) {
        auto d = dyn_cast<AffineDimExpr>(expr);
        if (!d)
          return {};
        if (d.getPosition() == keep)
          size = type.getDimSize(k);
        else if (type.getDimSize(k) != 1)
          return {};
      }
      if (size == 0)
        return {};
      return b.create<vector::ShapeCastOp>(
          op.getLoc(), VectorType::get({size}, type.getElementType()), operand);
    };
    Value lhs = flatten(op.getLhs(), maps[0], *rows);
    Value rhs = lhs ? flatten(op.getRhs(), maps[1], *cols) : Value();
    if (!lhs || !rhs)
      return failure();
    b.replaceOpWithNewOp<vector::OuterProductOp>(op, accType, lhs, rhs,
                                                 op.getAcc(),
                                                 vector::CombiningKind::ADD);
    return success();
  }
};

struct LowerVectors : cnnc::impl::LowerVectorsBase<LowerVectors> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *context = &getContext();

    {
      // Masked tiles: the mask moves onto the transfers it guards.
      RewritePatternSet patterns(context);
      vector::populateVectorMaskLoweringPatternsForSideEffectingOps(patterns);
      if (failed(applyPatternsAndFoldGreedily(func, std::move(patterns))))
        return signalPassFailure();
    }
    {
      RewritePatternSet patterns(context);
      memref::populateFoldMemRefAliasOpPatterns(patterns);
      vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
      vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
      if (failed(applyPatternsAndFoldGreedily(func, std::move(patterns))))
        return signalPassFailure();
    }

    linalg::hoistRedundantVectorTransfers(func);

    RewritePatternSet patterns(context);
    patterns.add<UnitReductionContractToOuterProduct>(context, /*benefit=*/2);
    auto options = vector::VectorTransformsOptions().setVectorTransformsOptions(
        vector::VectorContractLowering::OuterProduct);
    // 16 x 16 transposes (--cnn-vectorize's transpose blocks) as 64 shuffles
    // of whole vectors; other shapes element by element.
    options.setVectorTransposeLowering(
        vector::VectorTransposeLowering::Shuffle16x16);
    vector::populateVectorContractLoweringPatterns(patterns, options);
    vector::populateVectorOuterProductLoweringPatterns(patterns);
    vector::populateVectorMultiReductionLoweringPatterns(
        patterns, vector::VectorMultiReductionLowering::InnerParallel);
    vector::populateVectorBroadcastLoweringPatterns(patterns);
    vector::populateVectorTransposeLoweringPatterns(patterns, options);
    vector::populateVectorShapeCastLoweringPatterns(patterns);
    vector::populateVectorTransferLoweringPatterns(patterns,
                                                   /*maxTransferRank=*/1);
    vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
    vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
    if (failed(applyPatternsAndFoldGreedily(func, std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
