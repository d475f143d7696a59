//===- DecomposeWindowOps.cpp - 2-D window ops to 1-D on buffers ----------===//

#include "compiler/Transforms/DecomposeWindowOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;

namespace {

/// Drops dimension `dim` (of static extent 1) from a static memref.
Value dropUnitDim(PatternRewriter &rewriter, Location loc, Value value,
                  int64_t dim) {
  SmallVector<int64_t> shape(cast<MemRefType>(value.getType()).getShape());
  shape.erase(shape.begin() + dim);
  return memref::createCanonicalRankReducingSubViewOp(rewriter, loc, value,
                                                      shape);
}

bool hasStaticUnitDim(Value value, int64_t dim) {
  auto type = dyn_cast<MemRefType>(value.getType());
  return type && type.hasStaticShape() && type.getDimSize(dim) == 1;
}

bool allStatic(Operation *op) {
  return llvm::all_of(op->getOperandTypes(), [](Type t) {
    auto type = dyn_cast<MemRefType>(t);
    return type && type.hasStaticShape();
  });
}

/// conv_2d_nhwc_hwcf with one output row and one kernel row
///   -> conv_1d_nwc_wcf.
struct DecomposeConv2D : OpRewritePattern<linalg::Conv2DNhwcHwcfOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::Conv2DNhwcHwcfOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureBufferSemantics() || !allStatic(op))
      return rewriter.notifyMatchFailure(op, "needs static buffers");
    Value input = op.getDpsInputs()[0], kernel = op.getDpsInputs()[1];
    Value output = op.getDpsInits()[0];
    if (!hasStaticUnitDim(output, 1) || !hasStaticUnitDim(kernel, 0) ||
        !hasStaticUnitDim(input, 1))
      return rewriter.notifyMatchFailure(op, "rows are not unit");
    Location loc = op.getLoc();
    auto strides = llvm::to_vector(op.getStrides().getValues<int64_t>());
    auto dilations = llvm::to_vector(op.getDilations().getValues<int64_t>());
    rewriter.create<linalg::Conv1DNwcWcfOp>(
        loc, TypeRange{},
        ValueRange{dropUnitDim(rewriter, loc, input, 1),
                   dropUnitDim(rewriter, loc, kernel, 0)},
        ValueRange{dropUnitDim(rewriter, loc, output, 1)},
        rewriter.getI64VectorAttr({strides[1]}),
        rewriter.getI64VectorAttr({dilations[1]}));
    rewriter.eraseOp(op);
    return success();
  }
};

/// pooling_nhwc_* with one output row and one window row -> pooling_nwc_*.
template <typename Pool2D, typename Pool1D>
struct DecomposePool2D : OpRewritePattern<Pool2D> {
  using OpRewritePattern<Pool2D>::OpRewritePattern;

  LogicalResult matchAndRewrite(Pool2D op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureBufferSemantics() || !allStatic(op))
      return rewriter.notifyMatchFailure(op, "needs static buffers");
    Value input = op.getDpsInputs()[0], window = op.getDpsInputs()[1];
    Value output = op.getDpsInits()[0];
    if (!hasStaticUnitDim(output, 1) || !hasStaticUnitDim(window, 0) ||
        !hasStaticUnitDim(input, 1))
      return rewriter.notifyMatchFailure(op, "rows are not unit");
    Location loc = op.getLoc();
    auto strides =
        llvm::to_vector(op.getStrides().template getValues<int64_t>());
    auto dilations =
        llvm::to_vector(op.getDilations().template getValues<int64_t>());
    rewriter.create<Pool1D>(loc, TypeRange{},
                            ValueRange{dropUnitDim(rewriter, loc, input, 1),
                                       dropUnitDim(rewriter, loc, window, 0)},
                            ValueRange{dropUnitDim(rewriter, loc, output, 1)},
                            rewriter.getI64VectorAttr({strides[1]}),
                            rewriter.getI64VectorAttr({dilations[1]}));
    rewriter.eraseOp(op);
    return success();
  }
};

/// depthwise_conv_2d_nhwc_hwc with one output row and one kernel row
///   -> depthwise_conv_1d_nwc_wc, which the vectorizer turns into FMAs
///   along the channels.
struct DecomposeDepthwiseConv2D
    : OpRewritePattern<linalg::DepthwiseConv2DNhwcHwcOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::DepthwiseConv2DNhwcHwcOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureBufferSemantics() || !allStatic(op))
      return rewriter.notifyMatchFailure(op, "needs static buffers");
    Value input = op.getDpsInputs()[0], kernel = op.getDpsInputs()[1];
    Value output = op.getDpsInits()[0];
    if (!hasStaticUnitDim(output, 1) || !hasStaticUnitDim(kernel, 0) ||
        !hasStaticUnitDim(input, 1))
      return rewriter.notifyMatchFailure(op, "rows are not unit");
    Location loc = op.getLoc();
    auto strides = llvm::to_vector(op.getStrides().getValues<int64_t>());
    auto dilations = llvm::to_vector(op.getDilations().getValues<int64_t>());
    rewriter.create<linalg::DepthwiseConv1DNwcWcOp>(
        loc, TypeRange{},
        ValueRange{dropUnitDim(rewriter, loc, input, 1),
                   dropUnitDim(rewriter, loc, kernel, 0)},
        ValueRange{dropUnitDim(rewriter, loc, output, 1)},
        rewriter.getI64VectorAttr({strides[1]}),
        rewriter.getI64VectorAttr({dilations[1]}));
    rewriter.eraseOp(op);
    return success();
  }
};

} // namespace

void cnnc::populateDecomposeWindowOpsOnBuffersPatterns(
    RewritePatternSet &patterns) {
  patterns
      .add<DecomposeConv2D, DecomposeDepthwiseConv2D,
           DecomposePool2D<linalg::PoolingNhwcMaxOp, linalg::PoolingNwcMaxOp>,
           DecomposePool2D<linalg::PoolingNhwcMinOp, linalg::PoolingNwcMinOp>,
           DecomposePool2D<linalg::PoolingNhwcSumOp, linalg::PoolingNwcSumOp>>(
          patterns.getContext());
}
