//===- DenseBackward.cpp - Gradients of dense -----------------------------===//
//
// Both gradients are in forms the vectorizer register-tiles: the input
// gradient is a named matmul with the kernel transposed once (a generic
// reading the kernel transposed vectorizes into shuffles), the kernel
// gradient a contraction over the rows of x and dy that transposes neither.
// Dense applies to the last axis of a tensor of any rank, so both work on
// the operands collapsed to matrices. The bias gradient is in
// ConvBackward.cpp, shared with conv2d.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/CnnToLinalg/Lowering.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::cnn;
using namespace cnnc;
using namespace cnnc::lowering;

namespace {

/// `value` as a matrix: every axis but the last collapsed into rows (dense
/// applies to the last axis of a tensor of any rank).
Value asMatrix(OpBuilder &b, Location loc, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getRank() == 2)
    return value;
  ReassociationIndices rows =
      llvm::to_vector(llvm::seq<int64_t>(0, type.getRank() - 1));
  return b.create<tensor::CollapseShapeOp>(
      loc, value, ArrayRef<ReassociationIndices>{rows, {type.getRank() - 1}});
}

/// a . b into a zero-filled (rows of a) x (columns of b) matrix: a named
/// matmul, which the vectorizer register-tiles.
Value matmul(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto type = RankedTensorType::get(
      {lhsType.getDimSize(0), rhsType.getDimSize(1)}, b.getF32Type());
  Value init = filledTensor(b, loc, type, lhs, 0.0f);
  return b
      .create<linalg::MatmulOp>(loc, TypeRange{type}, ValueRange{lhs, rhs},
                                ValueRange{init})
      .getResult(0);
}

/// dx = dy . K^T, K transposed once so that the product is a plain matmul
/// (a generic reading K transposed vectorizes into shuffles).
struct LowerDenseInputGrad : OpRewritePattern<DenseInputGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DenseInputGradOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    Value kernelT = transposed(b, loc, op.getKernel(), {1, 0});
    Value dx = matmul(b, loc, asMatrix(b, loc, op.getOutputGrad()), kernelT);
    if (type.getRank() > 2) {
      SmallVector<OpFoldResult> shape =
          tensor::getMixedSizes(b, loc, op.getOutputGrad());
      shape.back() = b.getIndexAttr(type.getShape().back());
      ReassociationIndices rows =
          llvm::to_vector(llvm::seq<int64_t>(0, type.getRank() - 1));
      dx = b.create<tensor::ExpandShapeOp>(
          loc, type, dx,
          ArrayRef<ReassociationIndices>{rows, {type.getRank() - 1}}, shape);
    }
    b.replaceOp(op, dx);
    return success();
  }
};

/// dK = x^T . dy over all rows (samples, and pixels for rank > 2 inputs).
struct LowerDenseKernelGrad : OpRewritePattern<DenseKernelGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DenseKernelGradOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    // dK[i, j] = sum_r x[r, i] * dy[r, j]: a contraction over the rows of
    // both, which the vectorizer tiles 8 inputs by the units (x is not
    // transposed: 8 consecutive inputs of a row are broadcast in turn).
    Value x = asMatrix(b, loc, op.getInput());
    Value dy = asMatrix(b, loc, op.getOutputGrad());
    RankedTensorType type = op.getType();
    auto dim = [&](unsigned k) { return b.getAffineDimExpr(k); };
    // Dims: i, j, r.
    SmallVector<AffineMap> maps{map(b, 3, {dim(2), dim(0)}),
                                map(b, 3, {dim(2), dim(1)}),
                                map(b, 3, {dim(0), dim(1)})};
    b.replaceOp(op, b.create<linalg::GenericOp>(
                         loc, TypeRange{type}, ValueRange{x, dy},
                         ValueRange{filledTensor(b, loc, type, Value(), 0.0f)},
                         maps, iterators(2, 1),
                         [](OpBuilder &nb, Location nl, ValueRange args) {
                           nb.create<linalg::YieldOp>(
                               nl, multiplyAdd(nb, nl, args));
                         })
                        .getResults());
    return success();
  }
};

} // namespace

void lowering::populateDenseBackwardPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerDenseInputGrad, LowerDenseKernelGrad>(
      patterns.getContext());
}
