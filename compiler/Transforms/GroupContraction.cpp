//===- GroupContraction.cpp - Dot-product instructions' tiles -------------===//

#include "compiler/Transforms/GroupContraction.h"

#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace cnnc;

namespace {

constexpr int64_t kLanes = 16; // 32-bit lanes of a zmm register

/// The loop dimension each result of `map` is, or nullopt if one is not a
/// plain dimension.
std::optional<SmallVector<unsigned>> dims(AffineMap map) {
  SmallVector<unsigned> result;
  for (AffineExpr expr : map.getResults()) {
    auto d = dyn_cast<AffineDimExpr>(expr);
    if (!d)
      return std::nullopt;
    result.push_back(d.getPosition());
  }
  return result;
}

} // namespace

std::optional<GroupContraction>
cnnc::matchGroupContraction(vector::ContractionOp op, Value lhs, Value rhs,
                            int64_t group) {
  auto accType = dyn_cast<VectorType>(op.getAccType());
  if (op.getKind() != vector::CombiningKind::ADD || !accType ||
      isa<vector::MaskOp>(op->getParentOp()))
    return std::nullopt;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  auto lhsDims = dims(maps[0]), rhsDims = dims(maps[1]),
       accDims = dims(maps[2]);
  if (!lhsDims || !rhsDims || !accDims || accDims->empty())
    return std::nullopt;
  // Every loop's size, from the operand that has it.
  SmallVector<int64_t> sizes(maps[0].getNumDims(), 1);
  auto record = [&](ArrayRef<unsigned> ds, VectorType type) {
    for (auto [k, d] : llvm::enumerate(ds))
      sizes[d] = type.getDimSize(k);
  };
  record(*lhsDims, cast<VectorType>(lhs.getType()));
  record(*rhsDims, cast<VectorType>(rhs.getType()));
  record(*accDims, accType);

  // The group: a reduction of `group` steps, innermost in both operands.
  unsigned g = lhsDims->back();
  if (rhsDims->back() != g || sizes[g] != group ||
      llvm::is_contained(*accDims, g))
    return std::nullopt;
  // Every other reduction has size 1.
  for (unsigned d = 0; d < sizes.size(); ++d)
    if (d != g && !llvm::is_contained(*accDims, d) && sizes[d] != 1)
      return std::nullopt;
  // The lanes: the accumulator's innermost dimension, whole zmm vectors,
  // in one operand only, just before the group.
  GroupContraction match;
  unsigned lanes = accDims->back();
  match.n = sizes[lanes];
  if (match.n % kLanes != 0)
    return std::nullopt;
  bool lanesInLhs = llvm::is_contained(*lhsDims, lanes);
  match.lanesInRhs = llvm::is_contained(*rhsDims, lanes);
  if (lanesInLhs == match.lanesInRhs)
    return std::nullopt;
  match.lanes = match.lanesInRhs ? rhs : lhs;
  match.row = match.lanesInRhs ? lhs : rhs;
  ArrayRef<unsigned> vecDims = match.lanesInRhs ? *rhsDims : *lhsDims;
  ArrayRef<unsigned> rowDims = match.lanesInRhs ? *lhsDims : *rhsDims;
  if (vecDims.size() < 2 || vecDims[vecDims.size() - 2] != lanes)
    return std::nullopt;
  for (unsigned d : vecDims.drop_back(2))
    if (sizes[d] != 1)
      return std::nullopt;
  // The rows: the accumulator's other dimensions, in the row operand in
  // the same order (dimensions of size 1 aside), so that flattening both
  // numbers the rows alike.
  SmallVector<unsigned> accRows, operandRows;
  for (unsigned d : ArrayRef<unsigned>(*accDims).drop_back())
    if (sizes[d] != 1)
      accRows.push_back(d);
  for (unsigned d : rowDims.drop_back()) {
    if (sizes[d] == 1)
      continue;
    if (!llvm::is_contained(*accDims, d))
      return std::nullopt;
    operandRows.push_back(d);
  }
  if (accRows != operandRows)
    return std::nullopt;
  for (unsigned d : accRows)
    match.rows *= sizes[d];
  return match;
}

void cnnc::replaceByGroupDots(
    PatternRewriter &b, vector::ContractionOp op, const GroupContraction &match,
    VectorType operandType,
    function_ref<Value(OpBuilder &, Location, Value, Value, Value)> dot) {
  Location loc = op.getLoc();
  // `value` as the instruction's operand type (a no-op when it is).
  auto asOperand = [&](Value value) -> Value {
    if (value.getType() == operandType)
      return value;
    return b.create<vector::BitCastOp>(loc, operandType, value);
  };
  auto accType = cast<VectorType>(op.getAccType());
  Type element = cast<VectorType>(match.row.getType()).getElementType();
  Type i32 = b.getI32Type();
  int64_t group = cast<VectorType>(match.row.getType()).getShape().back();
  int64_t rows = match.rows, n = match.n;
  Value flatRows = b.create<vector::ShapeCastOp>(
      loc, VectorType::get({rows, group}, element), match.row);
  Value flatVec = b.create<vector::ShapeCastOp>(
      loc, VectorType::get({group * n}, element), match.lanes);
  Value result = b.create<vector::ShapeCastOp>(
      loc, VectorType::get({rows, n}, accType.getElementType()), op.getAcc());
  // The lanes' groups are shared by all rows: cut once.
  SmallVector<Value> columns;
  for (int64_t j = 0; j < n / kLanes; ++j)
    columns.push_back(asOperand(b.create<vector::ExtractStridedSliceOp>(
        loc, flatVec, ArrayRef<int64_t>{group * kLanes * j},
        ArrayRef<int64_t>{group * kLanes}, ArrayRef<int64_t>{1})));
  for (int64_t r = 0; r < rows; ++r) {
    // The row's group as one 32-bit word in every lane (vpbroadcastd).
    Value word = b.create<vector::BitCastOp>(
        loc, VectorType::get({1}, i32),
        b.create<vector::ExtractOp>(loc, flatRows, r));
    Value splat = asOperand(b.create<vector::BroadcastOp>(
        loc, VectorType::get({kLanes}, i32), word));
    Value accRow = b.create<vector::ExtractOp>(loc, result, r);
    for (int64_t j = 0; j < n / kLanes; ++j) {
      Value acc = b.create<vector::ExtractStridedSliceOp>(
          loc, accRow, ArrayRef<int64_t>{kLanes * j}, ArrayRef<int64_t>{kLanes},
          ArrayRef<int64_t>{1});
      accRow = b.create<vector::InsertStridedSliceOp>(
          loc, dot(b, loc, acc, splat, columns[j]), accRow,
          ArrayRef<int64_t>{kLanes * j}, ArrayRef<int64_t>{1});
    }
    result = b.create<vector::InsertOp>(loc, accRow, result, r);
  }
  b.replaceOpWithNewOp<vector::ShapeCastOp>(op, accType, result);
}
