//===- ShapeLayers.cpp - zero_padding2d, cropping2d, permute, rescaling ---===//
//
// Padding is a tensor.pad with zeros, cropping a tensor.extract_slice (a
// view once bufferized), permute a linalg.transpose, rescaling one
// elementwise generic. Their gradients are the same ops (padding's is the
// cropping of its amounts, and back; permute's the inverse permutation;
// rescaling's a rescaling by the scale), built by --cnn-build-train-step.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/CnnToLinalg/Lowering.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::cnn;
using namespace cnnc;
using namespace cnnc::lowering;

namespace {

struct LowerZeroPadding2D : OpRewritePattern<ZeroPadding2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ZeroPadding2DOp op,
                                PatternRewriter &b) const override {
    ArrayRef<int64_t> p = op.getPadding(); // top, bottom, left, right
    SmallVector<OpFoldResult> low{b.getIndexAttr(0), b.getIndexAttr(p[0]),
                                  b.getIndexAttr(p[2]), b.getIndexAttr(0)};
    SmallVector<OpFoldResult> high{b.getIndexAttr(0), b.getIndexAttr(p[1]),
                                   b.getIndexAttr(p[3]), b.getIndexAttr(0)};
    Value zero = constantF32(b, op.getLoc(), 0.0);
    b.replaceOpWithNewOp<tensor::PadOp>(op, op.getType(), op.getInput(), low,
                                        high, zero);
    return success();
  }
};

struct LowerPermute : OpRewritePattern<PermuteOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PermuteOp op,
                                PatternRewriter &b) const override {
    // The batch stays first; Keras's dims are the other axes' order.
    SmallVector<int64_t> perm{0};
    llvm::append_range(perm, op.getDims());
    b.replaceOp(op, transposed(b, op.getLoc(), op.getInput(), perm));
    return success();
  }
};

struct LowerCropping2D : OpRewritePattern<Cropping2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(Cropping2DOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    ArrayRef<int64_t> c = op.getCropping(); // top, bottom, left, right
    SmallVector<OpFoldResult> offsets{b.getIndexAttr(0), b.getIndexAttr(c[0]),
                                      b.getIndexAttr(c[2]), b.getIndexAttr(0)};
    SmallVector<OpFoldResult> sizes{
        tensor::getMixedSize(b, loc, op.getInput(), 0),
        b.getIndexAttr(type.getDimSize(1)), b.getIndexAttr(type.getDimSize(2)),
        b.getIndexAttr(type.getDimSize(3))};
    SmallVector<OpFoldResult> strides(4, b.getIndexAttr(1));
    b.replaceOpWithNewOp<tensor::ExtractSliceOp>(op, type, op.getInput(),
                                                 offsets, sizes, strides);
    return success();
  }
};

struct LowerRescaling : OpRewritePattern<RescalingOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(RescalingOp op,
                                PatternRewriter &b) const override {
    double scale = op.getScale().convertToDouble();
    double offset = op.getOffset().convertToDouble();
    b.replaceOp(op, mapElements(b, op.getLoc(), op.getInput(),
                                [&](OpBuilder &nb, Location nl, Value x) {
                                  // As Keras: x * scale + offset, in float32.
                                  Value y = nb.create<arith::MulFOp>(
                                      nl, x, constantF32(nb, nl, scale));
                                  if (offset == 0.0)
                                    return y;
                                  return nb
                                      .create<arith::AddFOp>(
                                          nl, y, constantF32(nb, nl, offset))
                                      .getResult();
                                }));
    return success();
  }
};

} // namespace

void lowering::populateShapeLayerPatterns(RewritePatternSet &patterns) {
  patterns
      .add<LowerZeroPadding2D, LowerCropping2D, LowerPermute, LowerRescaling>(
          patterns.getContext());
}
