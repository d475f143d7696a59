//===- LowerInt8Dot.cpp - uint8 x int8 group contractions to AVX512-VNNI --===//
//
// This file implements --cnn-lower-int8-dot, between --cnn-vectorize and
// --cnn-lower-vectors, the int8 twin of --cnn-lower-bf16-dot. AVX512-VNNI's
// vpdpbusd adds, into each of 16 i32 lanes, the four products of 4
// unsigned bytes (the first source) by 4 signed bytes (the second):
//
//   acc[i] += Σ_{p<4} u8(a[4i + p]) · s8(b[4i + p])     (no saturation)
//
// A register tile's contraction of uint8 input codes (arith.extui from i8)
// by int8 kernel codes (arith.extsi from i8) into i32 accumulators, whose
// innermost reduction is a group of 4 (last in both operands, the layout
// docs/compiler.md "int8 inference" packs), becomes one
// `llvm.x86.avx512.vpdpbusd.512` per row and 16 lanes: the row's 4 codes
// broadcast as one 32-bit word, the lanes' 16 groups as 64 contiguous
// bytes. Each product is at most 255 · 127 and the sums are exact in i32,
// as the contraction's. The unsigned operand must be the row (the
// broadcast one): vpdpbusd is not symmetric. What does not match is left
// for --cnn-lower-vectors (the same sums, in i32 multiply-adds).
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"
#include "compiler/Transforms/GroupContraction.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace cnnc {
#define GEN_PASS_DEF_LOWERINT8DOT
#include "compiler/Passes.h.inc"
} // namespace cnnc

using namespace mlir;

namespace {

constexpr int64_t kGroup = 4; // bytes per i32 lane of vpdpbusd

/// The i8 vector `value` was extended from by `ExtOp`, or null.
template <typename ExtOp> Value extendedFromI8(Value value) {
  auto ext = value.getDefiningOp<ExtOp>();
  if (!ext)
    return {};
  auto type = dyn_cast<VectorType>(ext.getIn().getType());
  return type && type.getElementType().isInteger(8) ? ext.getIn() : Value();
}

struct GroupContractToVpdpbusd : OpRewritePattern<vector::ContractionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::ContractionOp op,
                                PatternRewriter &b) const override {
    auto accType = dyn_cast<VectorType>(op.getAccType());
    if (!accType || !accType.getElementType().isInteger(32))
      return failure();
    // One operand unsigned codes, the other signed, in either order.
    Value lhs = extendedFromI8<arith::ExtUIOp>(op.getLhs());
    Value rhs = extendedFromI8<arith::ExtSIOp>(op.getRhs());
    Value codes = lhs;
    if (!lhs || !rhs) {
      lhs = extendedFromI8<arith::ExtSIOp>(op.getLhs());
      rhs = extendedFromI8<arith::ExtUIOp>(op.getRhs());
      codes = rhs;
    }
    if (!lhs || !rhs)
      return failure();
    std::optional<cnnc::GroupContraction> match =
        cnnc::matchGroupContraction(op, lhs, rhs, kGroup);
    // The unsigned codes are the broadcast row, the signed ones the lanes.
    if (!match || match->row != codes)
      return failure();
    auto words = VectorType::get({16}, b.getI32Type());
    cnnc::replaceByGroupDots(b, op, *match, words,
                             [&](OpBuilder &nb, Location loc, Value acc,
                                 Value splat, Value groups) -> Value {
                               return nb
                                   .create<LLVM::CallIntrinsicOp>(
                                       loc, words,
                                       "llvm.x86.avx512.vpdpbusd.512",
                                       ValueRange{acc, splat, groups})
                                   .getResult(0);
                             });
    return success();
  }
};

struct LowerInt8Dot : cnnc::impl::LowerInt8DotBase<LowerInt8Dot> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<GroupContractToVpdpbusd>(&getContext());
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
