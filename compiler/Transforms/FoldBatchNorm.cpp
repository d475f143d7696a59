//===- FoldBatchNorm.cpp - An inference BN into the layer before it -------===//
//
// This file implements --cnn-fold-batch-norm. At inference a batch_norm is
// a per-channel affine map, y = (x - mean) * s + beta with
// s = gamma / sqrt(moving_variance + epsilon); after a convolution or dense
// layer, whose outputs are linear in its kernel's output channels plus the
// bias, it folds into that layer:
//
//   K'[..., f] = K[..., f] * s[f]
//   b'[f]      = (b[f] - mean[f]) * s[f] + beta[f]        (b = 0 if absent)
//
// The folded weights are ops on the parameters (fold_batch_norm_kernel /
// _bias), so the compiled code takes Keras's parameters as they are and
// computes K' and b' per call: work the size of the kernel, not of the
// activations, and no BN pass over the activations at all.
//
// @train_gradients is left alone: there a batch_norm either normalizes with
// the batch's statistics or (frozen) has a backward op of its own, and the
// kernel's gradient must be the unfolded kernel's.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace cnnc {
#define GEN_PASS_DEF_FOLDBATCHNORM
#include "compiler/Passes.h.inc"
} // namespace cnnc

using namespace mlir;
using namespace mlir::cnn;

namespace {

/// The folded kernel and bias for `bn` applied after a layer with `kernel`
/// and `bias` (may be null).
std::pair<Value, Value> foldedWeights(PatternRewriter &rewriter, BatchNormOp bn,
                                      Value kernel, Value bias) {
  Location loc = bn.getLoc();
  FloatAttr epsilon = bn.getEpsilonAttr();
  Value newKernel = rewriter.create<FoldBatchNormKernelOp>(
      loc, kernel, bn.getGamma(), bn.getMovingVariance(), epsilon);
  Value newBias = rewriter.create<FoldBatchNormBiasOp>(
      loc, bias, bn.getGamma(), bn.getBeta(), bn.getMovingMean(),
      bn.getMovingVariance(), epsilon);
  return {newKernel, newBias};
}

struct FoldIntoConv : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp bn,
                                PatternRewriter &rewriter) const override {
    auto conv = bn.getInput().getDefiningOp<Conv2DOp>();
    if (!conv || !conv->hasOneUse())
      return rewriter.notifyMatchFailure(bn,
                                         "input is not a single-use conv2d");
    auto [kernel, bias] =
        foldedWeights(rewriter, bn, conv.getKernel(), conv.getBias());
    auto folded = rewriter.create<Conv2DOp>(
        rewriter.getFusedLoc({conv.getLoc(), bn.getLoc()}), conv.getInput(),
        kernel, bias, conv.getStridesAttr(), conv.getDilationAttr(),
        conv.getPaddingAttr());
    folded->setAttrs(conv->getDiscardableAttrDictionary());
    rewriter.replaceOp(bn, folded.getResult());
    rewriter.eraseOp(conv);
    return success();
  }
};

struct FoldIntoDense : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp bn,
                                PatternRewriter &rewriter) const override {
    auto dense = bn.getInput().getDefiningOp<DenseOp>();
    if (!dense || !dense->hasOneUse())
      return rewriter.notifyMatchFailure(bn, "input is not a single-use dense");
    auto [kernel, bias] =
        foldedWeights(rewriter, bn, dense.getKernel(), dense.getBias());
    auto folded = rewriter.create<DenseOp>(
        rewriter.getFusedLoc({dense.getLoc(), bn.getLoc()}), dense.getInput(),
        kernel, bias);
    folded->setAttrs(dense->getDiscardableAttrDictionary());
    rewriter.replaceOp(bn, folded.getResult());
    rewriter.eraseOp(dense);
    return success();
  }
};

struct FoldBatchNorm : cnnc::impl::FoldBatchNormBase<FoldBatchNorm> {
  void runOnOperation() override {
    func::FuncOp function = getOperation();
    if (function.getName() == "train_gradients")
      return;
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldIntoConv, FoldIntoDense>(&getContext());
    if (failed(applyPatternsAndFoldGreedily(function, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
