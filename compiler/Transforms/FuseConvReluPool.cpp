//===- FuseConvReluPool.cpp - conv2d -> relu -> pool into one op ----------===//
//
// This file implements --cnn-fuse-conv-relu-pool: `conv2d -> relu` becomes
// `fused_conv2d relu`, and a max / avg / min pooling of a fused_conv2d
// becomes the same op with `pool`. Chains whose intermediate values have
// other users are left alone, since fusing them would compute those values
// twice, and so are poolings that pad their input ('same' where the windows
// overhang), which the tiling cannot fuse through.
//
// An int8 convolution (--cnn-quantize-int8) has its dequantization between
// it and the relu: `conv2d -> dequantize -> relu -> pool`. Its conv2d
// becomes a fused_conv2d with neither relu nor pool, whose lowering marks
// the convolution as a fusion root; --cnn-fuse-epilogue then moves the
// mark through the dequantization (a per-channel epilogue), the relu, the
// pooling and the next int8 layer's input coding, so that the whole chain
// runs in one tile loop, as conv -> relu -> pool does in FP32.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"
#include "dialects/cnn/ShapeRules.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace cnnc {
#define GEN_PASS_DEF_FUSECONVRELUPOOL
#include "compiler/Passes.h.inc"
} // namespace cnnc

using namespace mlir;
using namespace mlir::cnn;

namespace {

/// relu(conv2d(x)) -> fused_conv2d(x) relu
struct FuseConvRelu : OpRewritePattern<ReluOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ReluOp relu,
                                PatternRewriter &rewriter) const override {
    auto conv = relu.getInput().getDefiningOp<Conv2DOp>();
    if (!conv || !conv->hasOneUse())
      return rewriter.notifyMatchFailure(relu,
                                         "input is not a single-use conv2d");
    // Both locations, taken before the rewrite erases the ops.
    Location loc = rewriter.getFusedLoc({conv.getLoc(), relu.getLoc()});
    auto fused = rewriter.replaceOpWithNewOp<FusedConv2DOp>(
        relu, relu.getType(), conv.getInput(), conv.getKernel(), conv.getBias(),
        conv.getStridesAttr(), conv.getDilationAttr(), conv.getPaddingAttr(),
        rewriter.getUnitAttr(), PoolKindAttr(), DenseI64ArrayAttr(),
        DenseI64ArrayAttr(), PaddingAttr());
    fused->setLoc(loc);
    rewriter.eraseOp(conv);
    return success();
  }
};

/// dequantize(conv2d(x)) -> dequantize(fused_conv2d(x)): an int8 layer's
/// convolution as a fusion root (above).
struct FuseIntegerConv : OpRewritePattern<DequantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(DequantizeOp dequantize,
                                PatternRewriter &rewriter) const override {
    auto conv = dequantize.getInput().getDefiningOp<Conv2DOp>();
    if (!conv || !conv->hasOneUse())
      return rewriter.notifyMatchFailure(dequantize,
                                         "input is not a single-use conv2d");
    rewriter.replaceOpWithNewOp<FusedConv2DOp>(
        conv, conv.getType(), conv.getInput(), conv.getKernel(), conv.getBias(),
        conv.getStridesAttr(), conv.getDilationAttr(), conv.getPaddingAttr(),
        UnitAttr(), PoolKindAttr(), DenseI64ArrayAttr(), DenseI64ArrayAttr(),
        PaddingAttr());
    return success();
  }
};

/// pool(fused_conv2d(x)) -> fused_conv2d(x) pool
template <typename PoolOp, PoolKind kind>
struct FusePool : OpRewritePattern<PoolOp> {
  using OpRewritePattern<PoolOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(PoolOp pool,
                                PatternRewriter &rewriter) const override {
    auto conv = pool.getInput().template getDefiningOp<FusedConv2DOp>();
    if (!conv || conv.getPool() || !conv->hasOneUse())
      return rewriter.notifyMatchFailure(
          pool, "input is not a single-use fused_conv2d without a pool");
    // A pooling that pads its input (-inf / +inf / 0 cells around the relu's
    // output) stays apart: the tiling cannot fuse producers through that
    // padding, so a fused op would compute its convolution full-size anyway.
    RankedTensorType convType = conv.getType();
    ArrayRef<int64_t> strides = pool.getEffectiveStrides();
    for (int i = 0; i < 2; ++i) {
      auto [before, after] =
          paddingAmounts(convType.getDimSize(i + 1), pool.getPoolSize()[i],
                         strides[i], 1, pool.getPadding());
      if (before != 0 || after != 0)
        return rewriter.notifyMatchFailure(pool, "the pooling pads its input");
    }
    Location loc = rewriter.getFusedLoc({conv.getLoc(), pool.getLoc()});
    auto fused = rewriter.replaceOpWithNewOp<FusedConv2DOp>(
        pool, pool.getType(), conv.getInput(), conv.getKernel(), conv.getBias(),
        conv.getStridesAttr(), conv.getDilationAttr(), conv.getPaddingAttr(),
        conv.getReluAttr(), PoolKindAttr::get(rewriter.getContext(), kind),
        pool.getPoolSizeAttr(),
        rewriter.getDenseI64ArrayAttr(pool.getEffectiveStrides()),
        pool.getPaddingAttr());
    fused->setLoc(loc);
    rewriter.eraseOp(conv);
    return success();
  }
};

struct FuseConvReluPool : cnnc::impl::FuseConvReluPoolBase<FuseConvReluPool> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseConvRelu, FuseIntegerConv,
                 FusePool<MaxPool2DOp, PoolKind::max>,
                 FusePool<AvgPool2DOp, PoolKind::avg>,
                 FusePool<MinPool2DOp, PoolKind::min>>(&getContext());
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
