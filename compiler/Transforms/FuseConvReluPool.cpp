//===- FuseConvReluPool.cpp - conv2d -> relu -> pool into one op ----------===//
//
// This file implements --cnn-fuse-conv-relu-pool: `conv2d -> relu` becomes
// `fused_conv2d relu`, and a max / avg / min pooling of a fused_conv2d
// becomes the same op with `pool`. Chains whose intermediate values have
// other users are left alone, since fusing them would compute those values
// twice.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"

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
      return rewriter.notifyMatchFailure(relu, "input is not a single-use conv2d");
    auto fused = rewriter.replaceOpWithNewOp<FusedConv2DOp>(
        relu, relu.getType(), conv.getInput(), conv.getKernel(),
        conv.getBias(), conv.getStridesAttr(), conv.getDilationAttr(),
        conv.getPaddingAttr(), rewriter.getUnitAttr(), PoolKindAttr(),
        DenseI64ArrayAttr(), DenseI64ArrayAttr(), PaddingAttr());
    fused->setLoc(rewriter.getFusedLoc({conv.getLoc(), relu.getLoc()}));
    rewriter.eraseOp(conv);
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
    auto fused = rewriter.replaceOpWithNewOp<FusedConv2DOp>(
        pool, pool.getType(), conv.getInput(), conv.getKernel(),
        conv.getBias(), conv.getStridesAttr(), conv.getDilationAttr(),
        conv.getPaddingAttr(), conv.getReluAttr(),
        PoolKindAttr::get(rewriter.getContext(), kind),
        pool.getPoolSizeAttr(),
        rewriter.getDenseI64ArrayAttr(pool.getEffectiveStrides()),
        pool.getPaddingAttr());
    fused->setLoc(rewriter.getFusedLoc({conv.getLoc(), pool.getLoc()}));
    rewriter.eraseOp(conv);
    return success();
  }
};

struct FuseConvReluPool
    : cnnc::impl::FuseConvReluPoolBase<FuseConvReluPool> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseConvRelu, FusePool<MaxPool2DOp, PoolKind::max>,
                 FusePool<AvgPool2DOp, PoolKind::avg>,
                 FusePool<MinPool2DOp, PoolKind::min>>(&getContext());
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
