//===- Conv.cpp - conv2d and fused_conv2d to linalg -----------------------===//
//
// conv2d becomes linalg.conv_2d_nhwc_hwcf accumulating onto the broadcast
// bias. fused_conv2d becomes the same convolution, relu and pooling, with
// the last op marked as a fusion root: --cnn-tile then computes the
// convolution tile by tile inside the pooling's loop.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/CnnToLinalg/Lowering.h"
#include "compiler/Transforms/ConvEpilogue.h"

using namespace mlir;
using namespace mlir::cnn;
using namespace cnnc;
using namespace cnnc::lowering;

namespace {

struct LowerConv2D : OpRewritePattern<Conv2DOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(Conv2DOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, buildConv2D(rewriter, op.getLoc(), op.getType(),
                                       op.getInput(), op.getKernel(),
                                       op.getBias(), op.getStrides(),
                                       op.getDilation(), op.getPadding()));
    return success();
  }
};

struct LowerFusedConv2D : OpRewritePattern<FusedConv2DOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(FusedConv2DOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value result = buildConv2D(rewriter, loc, op.getConvType(), op.getInput(),
                               op.getKernel(), op.getBias(), op.getStrides(),
                               op.getDilation(), op.getPadding());
    if (op.getRelu()) {
      // The sums before the relu are the fused op's own: the relu alone
      // reads them (--cnn-vectorize may then apply it to them in registers).
      if (Operation *conv = result.getDefiningOp())
        conv->setAttr(kFusedConvAttr, rewriter.getUnitAttr());
      result = buildRelu(rewriter, loc, result);
    }
    if (op.getPool())
      result = buildPool2D(rewriter, loc, *op.getPool(), op.getType(), result,
                           *op.getPoolSize(), *op.getPoolStrides(),
                           *op.getPoolPadding());
    // The root is the op that produces the result (a pooling followed by the
    // average's division has the division as its last op).
    if (Operation *root = result.getDefiningOp())
      root->setAttr(kFusionRootAttr, rewriter.getUnitAttr());
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void lowering::populateConvPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerConv2D, LowerFusedConv2D>(patterns.getContext());
}
