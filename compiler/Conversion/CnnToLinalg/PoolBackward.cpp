//===- PoolBackward.cpp - Gradients of pooling ----------------------------===//
//
// Pooling gradients gather: each input cell sums the gradients of the
// windows that chose it, which needs no scatter and no atomic update.
// Windows that tile the input without overlap (the common 2x2 poolings) get
// one map that finds each window's choice from its cells and writes every
// cell once, with an identity output map for the vectorizer; a relu's
// gradient on the pooled relu output joins that map (LowerReluPoolGrad).
// Overlapping or padded windows gather from every window that can hold a
// cell, max and min pooling through an index tensor of each window's
// choice.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/CnnToLinalg/Lowering.h"
#include "dialects/cnn/ShapeRules.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;
using namespace mlir::cnn;
using namespace cnnc;
using namespace cnnc::lowering;

namespace {

/// For max/min pooling: the offset (p * KW + q) in each window of the cell
/// the forward pass chose, the first extreme in row-major order.
Value windowChoice(OpBuilder &b, Location loc, PoolKind kind, Value input,
                   RankedTensorType outputType, ArrayRef<int64_t> window,
                   ArrayRef<int64_t> strides, Padding padding) {
  bool isMax = kind == PoolKind::max;
  float worst = isMax ? -std::numeric_limits<float>::infinity()
                      : std::numeric_limits<float>::infinity();
  int64_t ones[2] = {1, 1};
  Value padded =
      padSpatial(b, loc, input, window, strides, ones, padding, worst);
  auto indexType = RankedTensorType::get(outputType.getShape(), b.getI32Type());
  Value best = filledTensor(b, loc, outputType, input, worst);
  Value choiceInit = emptyTensor(b, loc, indexType, input);
  choiceInit =
      b.create<linalg::FillOp>(
           loc,
           b.create<arith::ConstantOp>(loc, b.getI32IntegerAttr(0)).getResult(),
           choiceInit)
          .getResult(0);
  Value windowShape = b.create<tensor::EmptyOp>(loc, window, b.getF32Type());
  // Dims: n, i, j (parallel), p, q (reduction), c (parallel): channels
  // innermost, so that the loops run along contiguous memory and LLVM
  // vectorizes them.
  auto dim = [&](unsigned k) { return b.getAffineDimExpr(k); };
  AffineMap inMap = map(b, 6,
                        {dim(0), dim(1) * strides[0] + dim(3),
                         dim(2) * strides[1] + dim(4), dim(5)});
  AffineMap windowMap = map(b, 6, {dim(3), dim(4)});
  AffineMap outMap = map(b, 6, {dim(0), dim(1), dim(2), dim(5)});
  int64_t windowCols = window[1];
  SmallVector<utils::IteratorType> kinds = iterators(3, 2);
  kinds.push_back(utils::IteratorType::parallel);
  auto generic = b.create<linalg::GenericOp>(
      loc, TypeRange{outputType, indexType}, ValueRange{padded, windowShape},
      ValueRange{best, choiceInit},
      ArrayRef<AffineMap>{inMap, windowMap, outMap, outMap}, kinds,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value x = args[0], current = args[2], choice = args[3];
        Value better = nb.create<arith::CmpFOp>(
            nl, isMax ? arith::CmpFPredicate::OGT : arith::CmpFPredicate::OLT,
            x, current);
        Value p = nb.create<linalg::IndexOp>(nl, 3);
        Value q = nb.create<linalg::IndexOp>(nl, 4);
        Value offset = nb.create<arith::AddIOp>(
            nl,
            nb.create<arith::MulIOp>(nl, p, constantIndex(nb, nl, windowCols)),
            q);
        offset = nb.create<arith::IndexCastOp>(nl, nb.getI32Type(), offset);
        nb.create<linalg::YieldOp>(
            nl,
            ValueRange{nb.create<arith::SelectOp>(nl, better, x, current),
                       nb.create<arith::SelectOp>(nl, better, offset, choice)});
      });
  return generic.getResult(1);
}

/// Windows of at most this many cells get the one-pass gradient below,
/// which reads every cell of a window as an operand of its own.
constexpr int64_t kMaxInlineWindow = 16;

/// The common case: windows that tile the input without overlap or
/// padding (pool_size = strides, `valid`, as the lesson's 2x2 poolings).
bool isNonOverlapping(Pool2DGradOp op) {
  ArrayRef<int64_t> window = op.getPoolSize();
  return window == op.getStrides() && op.getPadding() == Padding::valid &&
         window[0] * window[1] <= kMaxInlineWindow;
}

/// Each input cell belongs to at most one window, so the gradient is one
/// map over (n, i, p, j, q, c), channels innermost, writing cell
/// (i*s0 + p, j*s1 + q): dy where the window chose that cell (max/min: the
/// first extreme, found here from the window's cells, each read as an
/// operand of its own) or dy / window size (avg). With `reluMask` (the
/// pooled tensor is a relu's output, and this gradient goes through it),
/// the relu's gradient is applied on the way: a chosen cell passes dy only
/// if it is positive. One pass, no index tensor, and no fill when the
/// windows cover the input. The map writes dx (or the part the windows
/// cover) viewed as (n, i, p, j, q, c): an identity map, which the
/// vectorizer needs of an output (i*s0 + p is not one).
Value nonOverlappingPoolGrad(OpBuilder &b, Location loc, Pool2DGradOp op,
                             bool reluMask) {
  PoolKind kind = op.getKind();
  ArrayRef<int64_t> window = op.getPoolSize();
  RankedTensorType dxType = op.getType();
  Value dy = op.getOutputGrad();
  auto dyType = cast<RankedTensorType>(dy.getType());
  auto dim = [&](unsigned k) { return b.getAffineDimExpr(k); };
  // Dims: n, i, p, j, q, c.
  AffineMap perWindow = map(b, 6, {dim(0), dim(1), dim(3), dim(5)});
  SmallVector<Value> inputs{dy};
  SmallVector<AffineMap> maps{perWindow};
  int64_t cells = window[0] * window[1];
  if (kind != PoolKind::avg) {
    // Cell (r, t) of every window, as a strided view of the input (a
    // subview after bufferization, no copy). Not a map with a constant
    // term such as 2*i + 1: MLIR 19's tiling offsets the operand's slice by
    // that term and keeps it in the map too.
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, dy);
    SmallVector<OpFoldResult> strides{
        b.getIndexAttr(1), b.getIndexAttr(window[0]), b.getIndexAttr(window[1]),
        b.getIndexAttr(1)};
    for (int64_t r = 0; r < window[0]; ++r)
      for (int64_t t = 0; t < window[1]; ++t) {
        SmallVector<OpFoldResult> offsets{b.getIndexAttr(0), b.getIndexAttr(r),
                                          b.getIndexAttr(t), b.getIndexAttr(0)};
        inputs.push_back(b.create<tensor::ExtractSliceOp>(
            loc, op.getOutputGrad().getType(), op.getInput(), offsets, sizes,
            strides));
        maps.push_back(perWindow);
      }
  }
  maps.push_back(AffineMap::getMultiDimIdentityMap(6, b.getContext()));
  int64_t rows = dyType.getDimSize(1) * window[0];
  int64_t cols = dyType.getDimSize(2) * window[1];
  bool covered = dxType.getDimSize(1) == rows && dxType.getDimSize(2) == cols;
  // Every cell is written when the windows cover the input; otherwise the
  // cells no window holds stay zero.
  Value init = covered ? emptyTensor(b, loc, dxType, dy)
                       : filledTensor(b, loc, dxType, dy, 0.0f);
  SmallVector<OpFoldResult> regionOffsets(4, b.getIndexAttr(0));
  SmallVector<OpFoldResult> regionSizes{
      tensor::getMixedSize(b, loc, dy, 0), b.getIndexAttr(rows),
      b.getIndexAttr(cols), b.getIndexAttr(dxType.getDimSize(3))};
  SmallVector<OpFoldResult> unitStrides(4, b.getIndexAttr(1));
  Value region =
      covered ? init
              : b.create<tensor::ExtractSliceOp>(loc, init, regionOffsets,
                                                 regionSizes, unitStrides)
                    .getResult();
  SmallVector<ReassociationIndices> byWindow{{0}, {1, 2}, {3, 4}, {5}};
  auto windowsType = RankedTensorType::get(
      {dxType.getDimSize(0), dyType.getDimSize(1), window[0],
       dyType.getDimSize(2), window[1], dxType.getDimSize(3)},
      dxType.getElementType());
  Value windows =
      b.create<tensor::ExpandShapeOp>(loc, windowsType, region, byWindow);
  int64_t windowCols = window[1];
  bool isMax = kind == PoolKind::max;
  Value grad =
      b.create<linalg::GenericOp>(
           loc, TypeRange{windowsType}, inputs, ValueRange{windows}, maps,
           iterators(6, 0),
           [&](OpBuilder &nb, Location nl, ValueRange args) {
             Value g = args[0];
             Value zero = constantF32(nb, nl, 0.0f);
             if (kind == PoolKind::avg) {
               nb.create<linalg::YieldOp>(
                   nl, ValueRange{nb.create<arith::DivFOp>(
                           nl, g, constantF32(nb, nl, float(cells)))});
               return;
             }
             // The first extreme in row-major order, as the forward pass
             // picks it.
             ValueRange window = args.slice(1, cells);
             Value best = window[0];
             Value choice = constantIndex(nb, nl, 0);
             for (int64_t k = 1; k < cells; ++k) {
               Value better =
                   nb.create<arith::CmpFOp>(nl,
                                            isMax ? arith::CmpFPredicate::OGT
                                                  : arith::CmpFPredicate::OLT,
                                            window[k], best);
               best = nb.create<arith::SelectOp>(nl, better, window[k], best);
               choice = nb.create<arith::SelectOp>(
                   nl, better, constantIndex(nb, nl, k), choice);
             }
             Value p = nb.create<linalg::IndexOp>(nl, 2);
             Value q = nb.create<linalg::IndexOp>(nl, 4);
             Value mine = nb.create<arith::AddIOp>(
                 nl,
                 nb.create<arith::MulIOp>(nl, p,
                                          constantIndex(nb, nl, windowCols)),
                 q);
             Value passes = nb.create<arith::CmpIOp>(
                 nl, arith::CmpIPredicate::eq, choice, mine);
             if (reluMask)
               passes = nb.create<arith::AndIOp>(
                   nl, passes,
                   nb.create<arith::CmpFOp>(nl, arith::CmpFPredicate::OGT, best,
                                            zero));
             nb.create<linalg::YieldOp>(
                 nl,
                 ValueRange{nb.create<arith::SelectOp>(nl, passes, g, zero)});
           })
          .getResult(0);
  Value collapsed = b.create<tensor::CollapseShapeOp>(loc, grad, byWindow);
  if (covered)
    return collapsed;
  return b.create<tensor::InsertSliceOp>(loc, collapsed, init, regionOffsets,
                                         regionSizes, unitStrides);
}

/// relu's gradient of a pooling gradient through the relu's own output,
/// `activation_grad relu %a, (pool2d_grad %a, dy)`: one pass (above).
Pool2DGradOp fusibleReluPoolGrad(ActivationGradOp op) {
  if (op.getKind() != ActivationKind::relu)
    return nullptr;
  auto pool = op.getOutputGrad().getDefiningOp<Pool2DGradOp>();
  if (!pool || !pool->hasOneUse() || pool.getInput() != op.getOutput() ||
      !isNonOverlapping(pool))
    return nullptr;
  return pool;
}

struct LowerReluPoolGrad : OpRewritePattern<ActivationGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ActivationGradOp op,
                                PatternRewriter &b) const override {
    Pool2DGradOp pool = fusibleReluPoolGrad(op);
    if (!pool)
      return failure();
    Value dx = nonOverlappingPoolGrad(b, op.getLoc(), pool, /*reluMask=*/true);
    b.replaceOp(op, dx);
    b.eraseOp(pool);
    return success();
  }
};

/// dx[n,h,w,c] = sum over the windows (i, j) holding (h, w) of dy[n,i,j,c],
/// weighted by 1 if the window chose (h, w) (max/min) or 1/count (avg).
struct LowerPool2DGrad : OpRewritePattern<Pool2DGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(Pool2DGradOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value input = op.getInput(), dy = op.getOutputGrad();
    RankedTensorType dxType = op.getType();
    auto dyType = op.getOutputGrad().getType();
    ArrayRef<int64_t> window = op.getPoolSize(), s = op.getStrides();
    PoolKind kind = op.getKind();
    if (isNonOverlapping(op)) {
      // Left to LowerReluPoolGrad when a relu's gradient follows.
      if (op->hasOneUse())
        if (auto relu = dyn_cast<ActivationGradOp>(*op->getUsers().begin()))
          if (fusibleReluPoolGrad(relu))
            return failure();
      b.replaceOp(op, nonOverlappingPoolGrad(b, loc, op, /*reluMask=*/false));
      return success();
    }
    int64_t before[2], in[2], out[2], candidates[2];
    for (int k = 0; k < 2; ++k) {
      in[k] = dxType.getDimSize(k + 1);
      out[k] = dyType.getDimSize(k + 1);
      before[k] =
          paddingAmounts(in[k], window[k], s[k], 1, op.getPadding()).first;
      // How many windows can hold one cell.
      candidates[k] = (window[k] + s[k] - 1) / s[k];
    }
    Value choice;
    if (kind != PoolKind::avg)
      choice =
          windowChoice(b, loc, kind, input, dyType, window, s, op.getPadding());

    Value init = filledTensor(b, loc, dxType, dy, 0.0f);
    Value candidateShape = b.create<tensor::EmptyOp>(
        loc, ArrayRef<int64_t>{candidates[0], candidates[1]}, b.getF32Type());
    // Dims: n, h, w, c (parallel), a, e (the candidate windows, reduction).
    auto dim = [&](unsigned k) { return b.getAffineDimExpr(k); };
    AffineMap candidateMap = map(b, 6, {dim(4), dim(5)});
    AffineMap outMap = map(b, 6, {dim(0), dim(1), dim(2), dim(3)});
    b.replaceOp(
        op,
        b.create<linalg::GenericOp>(
             loc, TypeRange{dxType}, ValueRange{candidateShape},
             ValueRange{init}, ArrayRef<AffineMap>{candidateMap, outMap},
             iterators(4, 2),
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               Value n = nb.create<linalg::IndexOp>(nl, 0);
               Value c = nb.create<linalg::IndexOp>(nl, 3);
               Value zeroIndex = constantIndex(nb, nl, 0);
               Value valid =
                   nb.create<arith::ConstantOp>(nl, nb.getBoolAttr(true));
               Value windowIndex[2], offset[2];
               for (int k = 0; k < 2; ++k) {
                 // The padded coordinate, the window a candidate stands for,
                 // and the cell's offset in it.
                 Value coord = nb.create<arith::AddIOp>(
                     nl, nb.create<linalg::IndexOp>(nl, 1 + k),
                     constantIndex(nb, nl, before[k]));
                 Value first = nb.create<arith::DivUIOp>(
                     nl, coord, constantIndex(nb, nl, s[k]));
                 Value cand = nb.create<linalg::IndexOp>(nl, 4 + k);
                 Value idx = nb.create<arith::SubIOp>(nl, first, cand);
                 Value inRange = nb.create<arith::AndIOp>(
                     nl,
                     nb.create<arith::CmpIOp>(nl, arith::CmpIPredicate::sge,
                                              idx, zeroIndex),
                     nb.create<arith::CmpIOp>(nl, arith::CmpIPredicate::slt,
                                              idx,
                                              constantIndex(nb, nl, out[k])));
                 Value off = nb.create<arith::SubIOp>(
                     nl, coord,
                     nb.create<arith::MulIOp>(nl, idx,
                                              constantIndex(nb, nl, s[k])));
                 inRange = nb.create<arith::AndIOp>(
                     nl, inRange,
                     nb.create<arith::CmpIOp>(
                         nl, arith::CmpIPredicate::slt, off,
                         constantIndex(nb, nl, window[k])));
                 valid = nb.create<arith::AndIOp>(nl, valid, inRange);
                 // Clamped so that the loads below stay in bounds either way.
                 windowIndex[k] =
                     nb.create<arith::SelectOp>(nl, inRange, idx, zeroIndex);
                 offset[k] = off;
               }
               Value g = nb.create<tensor::ExtractOp>(
                   nl, dy, ValueRange{n, windowIndex[0], windowIndex[1], c});
               Value contribution;
               if (kind == PoolKind::avg) {
                 // Keras divides by the window's in-bounds cells.
                 Value count = nullptr;
                 for (int k = 0; k < 2; ++k) {
                   Value start = nb.create<arith::SubIOp>(
                       nl,
                       nb.create<arith::MulIOp>(nl, windowIndex[k],
                                                constantIndex(nb, nl, s[k])),
                       constantIndex(nb, nl, before[k]));
                   Value end = nb.create<arith::MinSIOp>(
                       nl,
                       nb.create<arith::AddIOp>(
                           nl, start, constantIndex(nb, nl, window[k])),
                       constantIndex(nb, nl, in[k]));
                   start = nb.create<arith::MaxSIOp>(nl, start, zeroIndex);
                   Value cells = nb.create<arith::SubIOp>(nl, end, start);
                   count = count ? nb.create<arith::MulIOp>(nl, count, cells)
                                       .getResult()
                                 : cells;
                 }
                 Value countF = nb.create<arith::UIToFPOp>(
                     nl, nb.getF32Type(),
                     nb.create<arith::IndexCastUIOp>(nl, nb.getI64Type(),
                                                     count));
                 contribution = nb.create<arith::DivFOp>(nl, g, countF);
               } else {
                 Value chosen = nb.create<tensor::ExtractOp>(
                     nl, choice,
                     ValueRange{n, windowIndex[0], windowIndex[1], c});
                 Value mine = nb.create<arith::AddIOp>(
                     nl,
                     nb.create<arith::MulIOp>(nl, offset[0],
                                              constantIndex(nb, nl, window[1])),
                     offset[1]);
                 mine =
                     nb.create<arith::IndexCastOp>(nl, nb.getI32Type(), mine);
                 valid = nb.create<arith::AndIOp>(
                     nl, valid,
                     nb.create<arith::CmpIOp>(nl, arith::CmpIPredicate::eq,
                                              chosen, mine));
                 contribution = g;
               }
               Value zero = constantF32(nb, nl, 0.0f);
               Value added =
                   nb.create<arith::SelectOp>(nl, valid, contribution, zero);
               nb.create<linalg::YieldOp>(
                   nl,
                   ValueRange{nb.create<arith::AddFOp>(nl, args[1], added)});
             })
            .getResult(0));
    return success();
  }
};

/// One window over all rows and columns. Keras reduces with tf.reduce_max
/// (reduce_min), whose gradient TensorFlow divides evenly among the tied
/// extremes (_MinOrMaxGrad: `equal(x, y) / count * dy`), unlike a pooling
/// window's, which goes to the first.
struct LowerGlobalPool2DGrad : OpRewritePattern<GlobalPool2DGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GlobalPool2DGradOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value input = op.getInput(), dy = op.getOutputGrad();
    RankedTensorType dxType = op.getType();
    int64_t rows = dxType.getDimSize(1), cols = dxType.getDimSize(2);
    auto dim = [&](unsigned k) { return b.getAffineDimExpr(k); };
    // The gradient as (n, 1, 1, c), whatever keepdims said.
    auto keptType = RankedTensorType::get(
        {dxType.getDimSize(0), 1, 1, dxType.getDimSize(3)}, b.getF32Type());
    if (op.getOutputGrad().getType().getRank() == 2) {
      SmallVector<OpFoldResult> shape{tensor::getMixedSize(b, loc, dy, 0),
                                      b.getIndexAttr(1), b.getIndexAttr(1),
                                      b.getIndexAttr(dxType.getDimSize(3))};
      dy = b.create<tensor::ExpandShapeOp>(
          loc, keptType, dy, ArrayRef<ReassociationIndices>{{0}, {1, 2, 3}},
          shape);
    }
    AffineMap identity = b.getMultiDimIdentityMap(4);
    AffineMap perChannel = map(b, 4,
                               {dim(0), b.getAffineConstantExpr(0),
                                b.getAffineConstantExpr(0), dim(3)});
    Value init = emptyTensor(b, loc, dxType, input);
    if (op.getKind() == PoolKind::avg) {
      float count = static_cast<float>(rows * cols);
      b.replaceOp(
          op, b.create<linalg::GenericOp>(
                   loc, TypeRange{dxType}, ValueRange{dy}, ValueRange{init},
                   ArrayRef<AffineMap>{perChannel, identity}, iterators(4, 0),
                   [&](OpBuilder &nb, Location nl, ValueRange args) {
                     nb.create<linalg::YieldOp>(
                         nl, ValueRange{nb.create<arith::DivFOp>(
                                 nl, args[0], constantF32(nb, nl, count))});
                   })
                  .getResult(0));
      return success();
    }
    // Each channel's extreme and how many cells hold it, in one pass: a
    // strictly better cell restarts the count, an equal one adds to it.
    bool isMax = op.getKind() == PoolKind::max;
    float worst = isMax ? -std::numeric_limits<float>::infinity()
                        : std::numeric_limits<float>::infinity();
    SmallVector<utils::IteratorType> kinds{
        utils::IteratorType::parallel, utils::IteratorType::reduction,
        utils::IteratorType::reduction, utils::IteratorType::parallel};
    auto extremes = b.create<linalg::GenericOp>(
        loc, TypeRange{keptType, keptType}, ValueRange{input},
        ValueRange{filledTensor(b, loc, keptType, input, worst),
                   filledTensor(b, loc, keptType, input, 0.0f)},
        ArrayRef<AffineMap>{identity, perChannel, perChannel}, kinds,
        [&](OpBuilder &nb, Location nl, ValueRange args) {
          Value x = args[0], best = args[1], count = args[2];
          Value better = nb.create<arith::CmpFOp>(
              nl, isMax ? arith::CmpFPredicate::OGT : arith::CmpFPredicate::OLT,
              x, best);
          Value tied =
              nb.create<arith::CmpFOp>(nl, arith::CmpFPredicate::OEQ, x, best);
          Value one = constantF32(nb, nl, 1.0f);
          Value counted = nb.create<arith::SelectOp>(
              nl, tied, nb.create<arith::AddFOp>(nl, count, one), count);
          nb.create<linalg::YieldOp>(
              nl,
              ValueRange{nb.create<arith::SelectOp>(nl, better, x, best),
                         nb.create<arith::SelectOp>(nl, better, one, counted)});
        });
    b.replaceOp(op, b.create<linalg::GenericOp>(
                         loc, TypeRange{dxType},
                         ValueRange{input, dy, extremes.getResult(0),
                                    extremes.getResult(1)},
                         ValueRange{init},
                         ArrayRef<AffineMap>{identity, perChannel, perChannel,
                                             perChannel, identity},
                         iterators(4, 0),
                         [&](OpBuilder &nb, Location nl, ValueRange args) {
                           Value chosen = nb.create<arith::CmpFOp>(
                               nl, arith::CmpFPredicate::OEQ, args[0], args[2]);
                           // TensorFlow's order: (1 / count) * dy.
                           Value share = nb.create<arith::DivFOp>(
                               nl, constantF32(nb, nl, 1.0f), args[3]);
                           nb.create<linalg::YieldOp>(
                               nl,
                               ValueRange{nb.create<arith::SelectOp>(
                                   nl, chosen,
                                   nb.create<arith::MulFOp>(nl, share, args[1]),
                                   constantF32(nb, nl, 0.0f))});
                         })
                        .getResult(0));
    return success();
  }
};

} // namespace

void lowering::populatePoolBackwardPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerPool2DGrad, LowerGlobalPool2DGrad>(patterns.getContext());
  // Before LowerActivationGrad (ElementwiseBackward.cpp), which would take
  // the relu on its own.
  patterns.add<LowerReluPoolGrad>(patterns.getContext(), /*benefit=*/2);
}
