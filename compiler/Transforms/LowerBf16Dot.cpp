//===- LowerBf16Dot.cpp - bf16 pair contractions to AVX512-BF16 -----------===//
//
// This file implements --cnn-lower-bf16-dot, between --cnn-vectorize and
// --cnn-lower-vectors. MLIR 19's x86vector dialect has no bf16 dot product,
// so the instructions are called as LLVM intrinsics:
//
//   - a contraction of bf16 operands (each an arith.extf from bf16) into
//     f32 accumulators whose innermost reduction is a pair (size 2, last
//     in both operands) becomes `llvm.x86.avx512bf16.dpbf16ps.512`, one per
//     row of the tile and 16 accumulator lanes: lane i adds a[0]·b[i][0] +
//     a[1]·b[i][1], where `a` is the row's pair (one 32-bit word,
//     broadcast) and `b` 16 pairs read as 32 contiguous bf16 (the layout
//     --cnn-bf16-contractions packs: docs/compiler.md §6, "bf16");
//   - a conversion of f32 to bf16 (arith.truncf) of 32 lanes becomes
//     `llvm.x86.avx512bf16.cvtne2ps2bf16.512`, of 16 lanes
//     `cvtneps2bf16.512`: round to nearest even, as the hardware does.
//
// What does not match is left for --cnn-lower-vectors (outer products of
// the extended operands: the same values, in FP32 FMAs).
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"
#include "compiler/Transforms/GroupContraction.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace cnnc {
#define GEN_PASS_DEF_LOWERBF16DOT
#include "compiler/Passes.h.inc"
} // namespace cnnc

using namespace mlir;

namespace {

constexpr int64_t kLanes = 16; // f32 lanes of a zmm register

/// The bf16 vector `value` was extended from, or null.
Value extendedFromBf16(Value value) {
  auto ext = value.getDefiningOp<arith::ExtFOp>();
  if (!ext)
    return {};
  auto type = dyn_cast<VectorType>(ext.getIn().getType());
  return type && type.getElementType().isBF16() ? ext.getIn() : Value();
}

/// out(rows..., n) += Σ_p a(rows..., p) · b(n, p), p a pair, every other
/// reduction of size 1: one dpbf16ps per row and 16 lanes of n.
struct PairContractToDpbf16 : OpRewritePattern<vector::ContractionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::ContractionOp op,
                                PatternRewriter &b) const override {
    auto accType = dyn_cast<VectorType>(op.getAccType());
    if (!accType || !accType.getElementType().isF32())
      return failure();
    Value lhs = extendedFromBf16(op.getLhs());
    Value rhs = extendedFromBf16(op.getRhs());
    if (!lhs || !rhs)
      return failure();
    std::optional<cnnc::GroupContraction> match =
        cnnc::matchGroupContraction(op, lhs, rhs, /*group=*/2);
    if (!match)
      return failure();
    auto pairs = VectorType::get({2 * kLanes}, b.getBF16Type());
    // dpbf16ps(acc, a, b) is symmetric in a and b.
    cnnc::replaceByGroupDots(b, op, *match, pairs,
                             [&](OpBuilder &nb, Location loc, Value acc,
                                 Value splat, Value columns) -> Value {
                               return nb
                                   .create<LLVM::CallIntrinsicOp>(
                                       loc, acc.getType(),
                                       "llvm.x86.avx512bf16.dpbf16ps.512",
                                       ValueRange{acc, splat, columns})
                                   .getResult(0);
                             });
    return success();
  }
};

/// f32 -> bf16 of a whole number of 16-lane vectors: two at a time by
/// vcvtne2ps2bf16, a last single one by vcvtneps2bf16.
struct TruncToCvtne : OpRewritePattern<arith::TruncFOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(arith::TruncFOp op,
                                PatternRewriter &b) const override {
    auto from = dyn_cast<VectorType>(op.getIn().getType());
    auto to = dyn_cast<VectorType>(op.getType());
    if (!from || !to || !from.getElementType().isF32() ||
        !to.getElementType().isBF16() || from.isScalable())
      return failure();
    int64_t count = from.getNumElements();
    if (count % kLanes != 0)
      return failure();
    Location loc = op.getLoc();
    Type f32 = b.getF32Type(), bf16 = b.getBF16Type();
    Value flat = b.create<vector::ShapeCastOp>(
        loc, VectorType::get({count}, f32), op.getIn());
    Value result = b.create<arith::ConstantOp>(
        loc, DenseElementsAttr::get(VectorType::get({count}, bf16),
                                    b.getFloatAttr(bf16, 0.0)));
    auto slice = [&](int64_t offset) -> Value {
      return b.create<vector::ExtractStridedSliceOp>(
          loc, flat, ArrayRef<int64_t>{offset}, ArrayRef<int64_t>{kLanes},
          ArrayRef<int64_t>{1});
    };
    for (int64_t offset = 0; offset < count;) {
      Value converted;
      int64_t width;
      if (count - offset >= 2 * kLanes) {
        // The result's low half is the second source, its high half the
        // first (Intel's operand order).
        converted = b.create<LLVM::CallIntrinsicOp>(
                         loc, VectorType::get({2 * kLanes}, bf16),
                         "llvm.x86.avx512bf16.cvtne2ps2bf16.512",
                         ValueRange{slice(offset + kLanes), slice(offset)})
                        .getResult(0);
        width = 2 * kLanes;
      } else {
        converted = b.create<LLVM::CallIntrinsicOp>(
                         loc, VectorType::get({kLanes}, bf16),
                         "llvm.x86.avx512bf16.cvtneps2bf16.512",
                         ValueRange{slice(offset)})
                        .getResult(0);
        width = kLanes;
      }
      result = b.create<vector::InsertStridedSliceOp>(loc, converted, result,
                                                      ArrayRef<int64_t>{offset},
                                                      ArrayRef<int64_t>{1});
      offset += width;
    }
    b.replaceOpWithNewOp<vector::ShapeCastOp>(op, to, result);
    return success();
  }
};

/// A bf16 tile read [1.., n, 2] at (.., j, 0) of a buffer whose last two
/// dimensions are contiguous: one 1-D read of 2n bf16 at 2j of the buffer
/// with those dimensions collapsed. MLIR 19's flattening needs the
/// collapsed dimensions' indices to be 0; a tile loop's j is not.
struct FlattenPairRead : OpRewritePattern<vector::TransferReadOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::TransferReadOp op,
                                PatternRewriter &b) const override {
    VectorType type = op.getVectorType();
    auto memref = dyn_cast<MemRefType>(op.getSource().getType());
    int64_t rank = type.getRank();
    if (!memref || !type.getElementType().isBF16() || rank < 2 ||
        op.getMask() || !op.getPermutationMap().isMinorIdentity() ||
        llvm::any_of(
            op.getInBoundsValues(), [](bool b) { return !b; }) ||
        type.getDimSize(rank - 1) != 2 || memref.getRank() < 2 ||
        memref.getDimSize(memref.getRank() - 1) != 2 ||
        llvm::any_of(
            type.getShape().drop_back(2), [](int64_t d) { return d != 1; }))
      return failure();
    SmallVector<int64_t> strides;
    int64_t offset;
    if (failed(getStridesAndOffset(memref, strides, offset)) ||
        strides.back() != 1 || strides[strides.size() - 2] != 2)
      return failure();
    int64_t memRank = memref.getRank();
    SmallVector<ReassociationIndices> groups;
    for (int64_t d = 0; d < memRank - 2; ++d)
      groups.push_back({d});
    groups.push_back({memRank - 2, memRank - 1});
    if (!memref::CollapseShapeOp::isGuaranteedCollapsible(memref, groups))
      return failure();
    Location loc = op.getLoc();
    Value collapsed =
        b.create<memref::CollapseShapeOp>(loc, op.getSource(), groups);
    SmallVector<Value> indices(op.getIndices().begin(), op.getIndices().end());
    Value pair = indices.back();
    indices.pop_back();
    Value two = b.create<arith::ConstantIndexOp>(loc, 2);
    indices.back() = b.create<arith::AddIOp>(
        loc, b.create<arith::MulIOp>(loc, indices.back(), two), pair);
    int64_t n = type.getDimSize(rank - 2);
    Value flat = b.create<vector::TransferReadOp>(
        loc, VectorType::get({2 * n}, type.getElementType()), collapsed,
        indices, op.getPadding(), ArrayRef<bool>{true});
    b.replaceOpWithNewOp<vector::ShapeCastOp>(op, type, flat);
    return success();
  }
};

struct LowerBf16Dot : cnnc::impl::LowerBf16DotBase<LowerBf16Dot> {
  void runOnOperation() override {
    // The bf16 operands' tiles as one 1-D transfer each: 16 pairs are 64
    // contiguous bytes, which MLIR 19 would otherwise read (and a packing
    // tile write) pair by pair, one 4-byte access each.
    SmallVector<Operation *> transfers;
    getOperation().walk([&](VectorTransferOpInterface op) {
      if (op.getVectorType().getElementType().isBF16())
        transfers.push_back(op);
    });
    {
      RewritePatternSet patterns(&getContext());
      vector::populateFlattenVectorTransferPatterns(patterns);
      patterns.add<FlattenPairRead>(&getContext(), /*benefit=*/2);
      GreedyRewriteConfig config;
      config.strictMode = GreedyRewriteStrictness::ExistingAndNewOps;
      (void)applyOpPatternsAndFold(transfers, std::move(patterns), config);
    }
    RewritePatternSet patterns(&getContext());
    patterns.add<PairContractToDpbf16, TruncToCvtne>(&getContext());
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
