//===- CropUnpooledBorder.cpp - Skip what no pooling window reads ---------===//
//
// This file implements --cnn-crop-unpooled-border:
//
//   pool(act(conv2d(x)))  ->  pool(act(conv2d(crop2d(x))))
//
// when the `valid` pooling's windows do not reach its input's last rows or
// columns. The convolution then produces only the rows and columns the
// pooling reads, with the same values there: a `valid` convolution's
// output (i, j) depends on input rows i*s .. i*s + (k-1)*d alone, so
// cutting rows no kept output reads changes nothing. The result of the
// pooling is unchanged; the work left out is a fifth of the lesson's
// second convolution (11x11 outputs, 10x10 read), and in training the
// same fifth of both of its gradients.
//
// Likewise a pooling window wider than its input on an axis with one
// output is cut to the input (ClampWholeWindow).
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace cnnc {
#define GEN_PASS_DEF_CROPUNPOOLEDBORDER
#include "compiler/Passes.h.inc"
} // namespace cnnc

using namespace mlir;
using namespace mlir::cnn;

namespace {

/// The input rows a `valid` window op with `outputs` outputs reads:
/// (outputs - 1) * stride + (window - 1) * dilation + 1.
int64_t rowsRead(int64_t outputs, int64_t window, int64_t stride,
                 int64_t dilation) {
  return (outputs - 1) * stride + (window - 1) * dilation + 1;
}

template <typename PoolOp> struct CropUnderPool : OpRewritePattern<PoolOp> {
  using OpRewritePattern<PoolOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(PoolOp pool,
                                PatternRewriter &rewriter) const override {
    if (pool.getPadding() != Padding::valid)
      return rewriter.notifyMatchFailure(pool, "padded pooling");
    RankedTensorType in = pool.getInput().getType();
    RankedTensorType out = pool.getType();
    ArrayRef<int64_t> window = pool.getPoolSize();
    ArrayRef<int64_t> strides = pool.getEffectiveStrides();
    int64_t rows = rowsRead(out.getDimSize(1), window[0], strides[0], 1);
    int64_t cols = rowsRead(out.getDimSize(2), window[1], strides[1], 1);
    if (rows == in.getDimSize(1) && cols == in.getDimSize(2))
      return rewriter.notifyMatchFailure(pool, "the windows read everything");

    // An optional elementwise activation, then the convolution, each used
    // by this chain alone (another user would need the whole output).
    Operation *activation = pool.getInput().getDefiningOp();
    Value convOutput = pool.getInput();
    if (activation &&
        isa<ReluOp, SigmoidOp, TanhOp, LinearOp, ApplyActivationOp>(
            activation)) {
      if (!activation->hasOneUse())
        return rewriter.notifyMatchFailure(pool, "activation used elsewhere");
      convOutput = activation->getOperand(0);
    } else {
      activation = nullptr;
    }
    auto conv = convOutput.getDefiningOp<Conv2DOp>();
    if (!conv || !conv->hasOneUse() || conv.getPadding() != Padding::valid)
      return rewriter.notifyMatchFailure(pool, "not a single-use valid conv2d");

    RankedTensorType kernel = conv.getKernel().getType();
    ArrayRef<int64_t> s = conv.getStrides(), d = conv.getDilation();
    int64_t inRows = rowsRead(rows, kernel.getDimSize(0), s[0], d[0]);
    int64_t inCols = rowsRead(cols, kernel.getDimSize(1), s[1], d[1]);

    // The new ops keep the convolution's location and layer name.
    Location loc = conv.getLoc();
    DictionaryAttr layer = conv->getDiscardableAttrDictionary();
    auto crop = rewriter.create<Crop2DOp>(loc, conv.getInput(),
                                          rewriter.getI64IntegerAttr(inRows),
                                          rewriter.getI64IntegerAttr(inCols));
    crop->setDiscardableAttrs(layer);
    auto cropped = rewriter.create<Conv2DOp>(
        loc, crop, conv.getKernel(), conv.getBias(), conv.getStridesAttr(),
        conv.getDilationAttr(), conv.getPaddingAttr());
    cropped->setDiscardableAttrs(layer);
    Value value = cropped;
    if (activation) {
      OperationState state(activation->getLoc(), activation->getName());
      state.addOperands(value);
      state.addTypes(value.getType());
      state.addAttributes(activation->getAttrs());
      value = rewriter.create(state)->getResult(0);
    }
    rewriter.modifyOpInPlace(pool,
                             [&] { pool.getInputMutable().assign(value); });
    if (activation)
      rewriter.eraseOp(activation);
    rewriter.eraseOp(conv);
    return success();
  }
};

/// A pooling axis with one output whose window is wider than the input
/// (MaxPooling2D((65536, 65536), padding='same') over 100x100) reads the
/// whole input on that axis: its one window covers [-before, in + after).
/// It becomes a window of exactly the input, stride the input, which needs
/// no padding: the same values (the padding never wins, and an average
/// divides by the in-bounds count, here the input's extent), without a
/// padded tensor as large as the window.
template <typename PoolOp> struct ClampWholeWindow : OpRewritePattern<PoolOp> {
  using OpRewritePattern<PoolOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(PoolOp pool,
                                PatternRewriter &rewriter) const override {
    RankedTensorType in = pool.getInput().getType();
    RankedTensorType out = pool.getType();
    SmallVector<int64_t> window(pool.getPoolSize());
    SmallVector<int64_t> strides(pool.getEffectiveStrides());
    bool changed = false;
    for (int i = 0; i < 2; ++i) {
      int64_t extent = in.getDimSize(i + 1);
      if (out.getDimSize(i + 1) == 1 && window[i] > extent) {
        window[i] = strides[i] = extent;
        changed = true;
      }
    }
    if (!changed)
      return rewriter.notifyMatchFailure(pool, "no window wider than its axis");
    rewriter.modifyOpInPlace(pool, [&] {
      pool.setPoolSize(window);
      pool.setStrides(ArrayRef<int64_t>(strides));
    });
    return success();
  }
};

struct CropUnpooledBorder
    : cnnc::impl::CropUnpooledBorderBase<CropUnpooledBorder> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<CropUnderPool<MaxPool2DOp>, CropUnderPool<AvgPool2DOp>,
                 CropUnderPool<MinPool2DOp>, ClampWholeWindow<MaxPool2DOp>,
                 ClampWholeWindow<AvgPool2DOp>, ClampWholeWindow<MinPool2DOp>>(
        &getContext());
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
