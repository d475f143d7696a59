//===- LowerVectors.cpp - Vector ops to FMA-ready form --------------------===//
//
// This file implements --cnn-lower-vectors, after bufferization:
//   1. subviews are folded into vector transfers: hoisting in MLIR 19 gives
//      up on transfers whose base is a subview (docs/compiler.md §6);
//   2. loop-invariant transfer pairs are hoisted (after CSE, which gives
//      each pair the same index values), so a convolution's accumulators
//      live in registers across its reduction loops;
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
#include "mlir/IR/Dominance.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace cnnc {
#define GEN_PASS_DEF_LOWERVECTORS
#include "compiler/Passes.h.inc"
} // namespace cnnc

using namespace mlir;

namespace {

/// A contraction whose reduction dimensions all have size 1 is an outer
/// product of its operands: out(r, c) += a(r) * b(c) (a kernel gradient
/// tap's step: 8 channels of an x pixel by the filters of a dy pixel), or
/// out(c) += a * b(c) with a scalar `a` (one tap of a one-channel kernel
/// gradient). MLIR 19 lowers a contraction to outer products only along
/// one reduction dimension, and such a step has several unit ones: without
/// this, it would be lowered element by element.
struct UnitReductionContractToOuterProduct
    : OpRewritePattern<vector::ContractionOp> {
  using OpRewritePattern::OpRewritePattern;

  /// The length of `operand` along dimension `keep` when every other
  /// dimension has size 1 (with no `keep`: 1, when every dimension does);
  /// nullopt otherwise.
  static std::optional<int64_t> lengthAlong(Value operand, AffineMap map,
                                            std::optional<unsigned> keep) {
    auto type = cast<VectorType>(operand.getType());
    std::optional<int64_t> length =
        keep ? std::nullopt : std::optional<int64_t>(1);
    for (auto [k, expr] : llvm::enumerate(map.getResults())) {
      auto d = dyn_cast<AffineDimExpr>(expr);
      if (!d)
        return std::nullopt;
      if (keep && d.getPosition() == *keep)
        length = type.getDimSize(k);
      else if (type.getDimSize(k) != 1)
        return std::nullopt;
    }
    return length;
  }

  /// `operand` as a vector<length>, or as a scalar without `keep`. Leading
  /// unit dimensions go by an extract (free); others need a shape cast.
  static Value flatten(PatternRewriter &b, Location loc, Value operand,
                       int64_t length, bool keep) {
    auto type = cast<VectorType>(operand.getType());
    int64_t rank = type.getRank();
    if (!keep || type.getDimSize(rank - 1) == length) {
      SmallVector<int64_t> position(keep ? rank - 1 : rank, 0);
      return b.create<vector::ExtractOp>(loc, operand, position);
    }
    return b.create<vector::ShapeCastOp>(
        loc, VectorType::get({length}, type.getElementType()), operand);
  }

  LogicalResult matchAndRewrite(vector::ContractionOp op,
                                PatternRewriter &b) const override {
    auto accType = dyn_cast<VectorType>(op.getAccType());
    if (op.getKind() != vector::CombiningKind::ADD || !accType ||
        accType.getRank() < 1 || accType.getRank() > 2 ||
        isa<vector::MaskOp>(op->getParentOp()) ||
        !accType.getElementType().isF32())
      return failure();
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    SmallVector<unsigned> accDims;
    for (AffineExpr expr : maps[2].getResults()) {
      auto d = dyn_cast<AffineDimExpr>(expr);
      if (!d)
        return failure();
      accDims.push_back(d.getPosition());
    }
    // The vector operand and what it keeps, then the other: a vector too
    // (out(r, c) += a(r) * b(c)) or a scalar (out(c) += a * b(c)).
    Value first = op.getLhs(), second = op.getRhs();
    AffineMap firstMap = maps[0], secondMap = maps[1];
    std::optional<unsigned> secondKeeps;
    if (accDims.size() == 2) {
      secondKeeps = accDims[1];
    } else if (!maps[0].isFunctionOfDim(accDims[0])) {
      std::swap(first, second);
      std::swap(firstMap, secondMap);
    }
    std::optional<int64_t> firstLength =
        lengthAlong(first, firstMap, accDims[0]);
    std::optional<int64_t> secondLength =
        lengthAlong(second, secondMap, secondKeeps);
    if (!firstLength || !secondLength)
      return failure();
    Value lhs = flatten(b, op.getLoc(), first, *firstLength, true);
    Value rhs =
        flatten(b, op.getLoc(), second, *secondLength, bool(secondKeeps));
    b.replaceOpWithNewOp<vector::OuterProductOp>(
        op, accType, lhs, rhs, op.getAcc(), vector::CombiningKind::ADD);
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
      // A one-element transfer is a scalar load or store, first: through a
      // rank-reducing subview it becomes a transfer whose map picks an outer
      // dimension (a 1x1 kernel gradient's tap, written into a
      // memref<KxLx1x1>), which the permutation-map patterns and the
      // leading-one-dim casts below rewrite into each other forever.
      vector::populateScalarVectorTransferLoweringPatterns(
          patterns, /*benefit=*/2, /*allowMultipleUses=*/true);
      vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
      vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
      if (failed(applyPatternsAndFoldGreedily(func, std::move(patterns))))
        return signalPassFailure();
    }

    // Folding a subview into each of a read-write pair gives each its own,
    // identical index computations (affine.apply of the same operands);
    // hoisting pairs only transfers whose indices are the same values, so
    // without CSE an accumulator whose buffer is a view with a dynamic
    // offset (a tap's window of the input gradient) stayed a load and a
    // store at every step of the reduction.
    {
      IRRewriter rewriter(context);
      DominanceInfo dominance(func);
      eliminateCommonSubExpressions(rewriter, dominance, func);
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
