//===- GroupContraction.h - Dot-product instructions' tiles -----*- C++ -*-===//
//
// AVX-512's dot-product instructions (vdpbf16ps: pairs of bf16; vpdpbusd:
// groups of 4 bytes) add, into each of 16 32-bit accumulator lanes, the
// products of a group of reduction steps. A register tile's contraction
// that they can compute is
//
//   out(rows..., n) += Σ_g a(rows..., g) · b(n, g)
//
// g the group (its innermost reduction, last in both operands), every
// other reduction of size 1, n whole 16-lane vectors in one operand only:
// per row and 16 lanes, one instruction of the row's group broadcast as a
// 32-bit word and the lanes' 16 groups as one 64-byte vector. These are
// the matcher and the emitter --cnn-lower-bf16-dot and --cnn-lower-int8-dot
// share.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_COMPILER_TRANSFORMS_GROUPCONTRACTION_H
#define CNNC_COMPILER_TRANSFORMS_GROUPCONTRACTION_H

#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

namespace cnnc {

/// A contraction in the form above.
struct GroupContraction {
  /// The operand without the lanes and the one along them, as they were
  /// before their extension to the accumulator's type.
  mlir::Value row, lanes;
  /// Whether `lanes` is the contraction's rhs.
  bool lanesInRhs = true;
  /// The rows (the accumulator's dimensions but the lanes, multiplied) and
  /// the lanes (whole 16-lane vectors).
  int64_t rows = 1, n = 0;
};

/// `op` in the form above with a group of `group` steps, `lhs` and `rhs`
/// its operands before extension; nullopt otherwise.
std::optional<GroupContraction>
matchGroupContraction(mlir::vector::ContractionOp op, mlir::Value lhs,
                      mlir::Value rhs, int64_t group);

/// Replaces `op` by one `dot(acc, splat, groups)` per row and 16 lanes:
/// `acc` the 16 accumulators, `splat` the row's group as one 32-bit word
/// in all 16 lanes, `groups` the lanes' 16 groups, both bitcast to
/// `operandType` (the instruction's: vector<32xbf16>, vector<16xi32>).
void replaceByGroupDots(
    mlir::PatternRewriter &b, mlir::vector::ContractionOp op,
    const GroupContraction &match, mlir::VectorType operandType,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                   mlir::Value, mlir::Value, mlir::Value)>
        dot);

} // namespace cnnc

#endif // CNNC_COMPILER_TRANSFORMS_GROUPCONTRACTION_H
