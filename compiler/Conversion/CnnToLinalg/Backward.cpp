//===- Backward.cpp - Gradients of conv2d, dense, pooling, activations ----===//
//
// Each backward op becomes linalg on tensors, in the forms the forward ops
// take where one exists: the input gradient of a convolution is a
// convolution (of the stride-dilated, padded output gradient with the
// flipped kernel), so it is tiled and vectorized as one. Pooling gradients
// gather: each input cell sums the gradients of the windows that chose it,
// which needs no scatter and no atomic update.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/CnnToLinalg/Lowering.h"
#include "dialects/cnn/ShapeRules.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;
using namespace mlir::cnn;
using namespace cnnc;
using namespace cnnc::lowering;

namespace {

using BodyFn = function_ref<void(OpBuilder &, Location, ValueRange)>;

SmallVector<utils::IteratorType> iterators(int64_t parallel, int64_t reduction) {
  SmallVector<utils::IteratorType> result(parallel, utils::IteratorType::parallel);
  result.append(reduction, utils::IteratorType::reduction);
  return result;
}

AffineMap map(OpBuilder &b, unsigned dims, ArrayRef<AffineExpr> exprs) {
  return AffineMap::get(dims, 0, exprs, b.getContext());
}

Value constantIndex(OpBuilder &b, Location loc, int64_t value) {
  return b.create<arith::ConstantIndexOp>(loc, value);
}

//===----------------------------------------------------------------------===//
// Convolution
//===----------------------------------------------------------------------===//

Value transposed(OpBuilder &b, Location loc, Value value, ArrayRef<int64_t> perm);
Value multiplyAdd(OpBuilder &b, Location loc, ValueRange args);

/// A loop over the kernel's taps (p, q) in [0, kh) x [0, kw), carrying
/// `init`: `body(b, loc, p, q, acc)` returns the next value. Both
/// per-tap gradients below are such loops, so that the register-tiled op in
/// the body is generated once, not once per tap.
Value forEachTap(OpBuilder &b, Location loc, int64_t kh, int64_t kw, Value init,
                 function_ref<Value(OpBuilder &, Location, Value, Value, Value)> body) {
  Value zero = constantIndex(b, loc, 0), one = constantIndex(b, loc, 1);
  auto rows = b.create<scf::ForOp>(
      loc, zero, constantIndex(b, loc, kh), one, ValueRange{init},
      [&](OpBuilder &rb, Location rl, Value p, ValueRange rowArgs) {
        auto cols = rb.create<scf::ForOp>(
            rl, zero, constantIndex(rb, rl, kw), one, rowArgs,
            [&](OpBuilder &cb, Location cl, Value q, ValueRange colArgs) {
              cb.create<scf::YieldOp>(cl, body(cb, cl, p, q, colArgs[0]));
            });
        rb.create<scf::YieldOp>(rl, cols.getResults());
      });
  return rows.getResult(0);
}

/// With unit strides and `valid` padding, the input gradient is a sum over
/// the kernel's taps:
///
///   dx[n, h + p*d0, w + q*d1, c] += sum_f dy[n, h, w, f] K[p, q, c, f]
///
/// one 1x1 convolution of dy per tap (p, q), accumulated into the window of
/// dx that tap reaches. That does only the products that exist, where a
/// convolution of the padded dy also multiplies the zeros of its border
/// (40 % more work for the lesson's second convolution). The taps are a
/// loop (every window has dy's size), so the register-tiled convolution is
/// generated once, not once per tap; its accumulators live in the dx window
/// in place.
Value inputGradByTaps(OpBuilder &b, Location loc, Conv2DInputGradOp op) {
  Value dy = op.getOutputGrad();
  auto dyType = op.getOutputGrad().getType();
  auto kernelType = op.getKernel().getType();
  RankedTensorType dxType = op.getType();
  ArrayRef<int64_t> d = op.getDilation();
  int64_t kh = kernelType.getDimSize(0), kw = kernelType.getDimSize(1);
  int64_t c = kernelType.getDimSize(2), f = kernelType.getDimSize(3);
  // K'[p, q, f, c]: each tap's filter with dy's channels as its input.
  Value kernelT = transposed(b, loc, op.getKernel(), {0, 1, 3, 2});
  Value zeros = filledTensor(b, loc, dxType, dy, 0.0f);
  auto index = [&](int64_t v) -> OpFoldResult { return b.getIndexAttr(v); };
  OpFoldResult batch = tensor::getMixedSizes(b, loc, dy)[0];
  SmallVector<OpFoldResult> unitStrides(4, index(1));
  auto windowType = RankedTensorType::get(
      {dxType.getDimSize(0), dyType.getDimSize(1), dyType.getDimSize(2), c},
      b.getF32Type());
  auto filterType = RankedTensorType::get({1, 1, f, c}, b.getF32Type());
  return forEachTap(
      b, loc, kh, kw, zeros,
      [&](OpBuilder &cb, Location cl, Value p, Value q, Value dx) -> Value {
        Value filter = cb.create<tensor::ExtractSliceOp>(
            cl, filterType, kernelT,
            SmallVector<OpFoldResult>{p, q, index(0), index(0)},
            SmallVector<OpFoldResult>{index(1), index(1), index(f), index(c)},
            unitStrides);
        Value row = cb.create<arith::MulIOp>(cl, p, constantIndex(cb, cl, d[0]));
        Value col = cb.create<arith::MulIOp>(cl, q, constantIndex(cb, cl, d[1]));
        SmallVector<OpFoldResult> offsets{index(0), row, col, index(0)};
        SmallVector<OpFoldResult> sizes{batch, index(dyType.getDimSize(1)),
                                        index(dyType.getDimSize(2)), index(c)};
        Value window = cb.create<tensor::ExtractSliceOp>(
            cl, windowType, dx, offsets, sizes, unitStrides);
        Value sum = cb.create<linalg::Conv2DNhwcHwcfOp>(
                         cl, TypeRange{windowType}, ValueRange{dy, filter},
                         ValueRange{window}, cb.getI64VectorAttr({1, 1}),
                         cb.getI64VectorAttr({1, 1}))
                        .getResult(0);
        return cb.create<tensor::InsertSliceOp>(cl, sum, dx, offsets, sizes,
                                                unitStrides);
      });
}

/// Otherwise dx = conv(pad(dilate_s(dy)), flip(K) with c and f swapped),
/// dilation d.
struct LowerConv2DInputGrad : OpRewritePattern<Conv2DInputGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(Conv2DInputGradOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    if (op.getPadding() == Padding::valid &&
        llvm::all_of(op.getStrides(), [](int64_t s) { return s == 1; })) {
      b.replaceOp(op, inputGradByTaps(b, loc, op));
      return success();
    }
    Value dy = op.getOutputGrad();
    auto dyType = op.getOutputGrad().getType();
    auto kernelType = op.getKernel().getType();
    RankedTensorType dxType = op.getType();
    ArrayRef<int64_t> s = op.getStrides(), d = op.getDilation();
    int64_t kh = kernelType.getDimSize(0), kw = kernelType.getDimSize(1);
    int64_t c = kernelType.getDimSize(2), f = kernelType.getDimSize(3);

    // Stride: put dy's cells s apart, zeros between.
    if (s[0] > 1 || s[1] > 1) {
      auto dilatedType = RankedTensorType::get(
          {dyType.getDimSize(0), (dyType.getDimSize(1) - 1) * s[0] + 1,
           (dyType.getDimSize(2) - 1) * s[1] + 1, f},
          b.getF32Type());
      Value zeros = filledTensor(b, loc, dilatedType, dy, 0.0f);
      SmallVector<OpFoldResult> offsets(4, b.getIndexAttr(0));
      SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, dy);
      SmallVector<OpFoldResult> strides{b.getIndexAttr(1), b.getIndexAttr(s[0]),
                                        b.getIndexAttr(s[1]), b.getIndexAttr(1)};
      dy = b.create<tensor::InsertSliceOp>(loc, dy, zeros, offsets, sizes,
                                           strides);
    }
    // Full correlation: pad so that every input cell sees every tap.
    SmallVector<OpFoldResult> low(4, b.getIndexAttr(0)), high(4, b.getIndexAttr(0));
    int64_t window[2] = {kh, kw};
    for (int i = 0; i < 2; ++i) {
      int64_t in = dxType.getDimSize(i + 1);
      int64_t out = dyType.getDimSize(i + 1);
      int64_t before =
          paddingAmounts(in, window[i], s[i], d[i], op.getPadding()).first;
      int64_t span = (window[i] - 1) * d[i];
      low[i + 1] = b.getIndexAttr(span - before);
      high[i + 1] = b.getIndexAttr(in - 1 - (out - 1) * s[i] + before);
    }
    Value zero = constantF32(b, loc, 0.0f);
    Value padded = b.create<tensor::PadOp>(loc, nullptr, dy, low, high, zero);

    // K'[p, q, f, c] = K[kh-1-p, kw-1-q, c, f], read in the body: tiling
    // cannot slice through an indexing map with negative coefficients.
    auto flippedType = RankedTensorType::get({kh, kw, f, c}, b.getF32Type());
    Value kernel = op.getKernel();
    Value flipped =
        b.create<linalg::GenericOp>(
             loc, TypeRange{flippedType}, ValueRange{},
             ValueRange{b.create<tensor::EmptyOp>(loc, flippedType.getShape(),
                                                  b.getF32Type())},
             ArrayRef<AffineMap>{b.getMultiDimIdentityMap(4)}, iterators(4, 0),
             [&](OpBuilder &nb, Location nl, ValueRange) {
               auto index = [&](unsigned d) {
                 return nb.create<linalg::IndexOp>(nl, d).getResult();
               };
               auto reversed = [&](unsigned d, int64_t size) -> Value {
                 return nb.create<arith::SubIOp>(
                     nl, constantIndex(nb, nl, size - 1), index(d));
               };
               Value value = nb.create<tensor::ExtractOp>(
                   nl, kernel,
                   ValueRange{reversed(0, kh), reversed(1, kw), index(3), index(2)});
               nb.create<linalg::YieldOp>(nl, value);
             })
            .getResult(0);

    Value init = filledTensor(b, loc, dxType, op.getOutputGrad(), 0.0f);
    b.replaceOp(op, b.create<linalg::Conv2DNhwcHwcfOp>(
                         loc, TypeRange{dxType}, ValueRange{padded, flipped},
                         ValueRange{init}, b.getI64VectorAttr({1, 1}),
                         b.getI64VectorAttr(d))
                        .getResult(0));
    return success();
  }
};

/// Permutes the dimensions of `value`: result dim i is input dim perm[i].
Value transposed(OpBuilder &b, Location loc, Value value, ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, value);
  SmallVector<OpFoldResult> permuted;
  for (int64_t d : perm)
    permuted.push_back(sizes[d]);
  Value init = b.create<tensor::EmptyOp>(loc, permuted, type.getElementType());
  return b.create<linalg::TransposeOp>(loc, value, init, perm).getResult()[0];
}

/// With several input channels, the kernel gradient is one contraction
/// per tap (p, q) of the window of x that tap reads with dy:
///
///   dK[p, q, c, f] = sum_{n,i,j} xwin_pq[n, i, j, c] * dy[n, i, j, f],
///   xwin_pq = xpad[:, p*d0 :: s0, q*d1 :: s1, :]   (a strided view)
///
/// over the images and dy's rows and columns. The vectorizer gives it
/// register tiles of (8 input channels) x (the filters): each step
/// broadcasts 8 consecutive channels of one x pixel against one dy pixel,
/// so neither x nor dy is transposed (the transposes of the images-as-
/// channels convolution this replaces took 4 % of a training step).
Value kernelGradByTaps(OpBuilder &b, Location loc, Value padded, Value dy,
                       RankedTensorType kernelType, ArrayRef<int64_t> s,
                       ArrayRef<int64_t> d) {
  auto dyType = cast<RankedTensorType>(dy.getType());
  int64_t kh = kernelType.getDimSize(0), kw = kernelType.getDimSize(1);
  int64_t c = kernelType.getDimSize(2), f = kernelType.getDimSize(3);
  auto index = [&](int64_t v) -> OpFoldResult { return b.getIndexAttr(v); };
  OpFoldResult batch = tensor::getMixedSizes(b, loc, dy)[0];
  auto windowType = RankedTensorType::get(
      {dyType.getDimSize(0), dyType.getDimSize(1), dyType.getDimSize(2), c},
      b.getF32Type());
  auto tapType = RankedTensorType::get({c, f}, b.getF32Type());
  Value zeros = filledTensor(b, loc, kernelType, Value(), 0.0f);
  auto dim = [&](unsigned k) { return b.getAffineDimExpr(k); };
  // Dims: c, f, n, i, j.
  SmallVector<AffineMap> maps{map(b, 5, {dim(2), dim(3), dim(4), dim(0)}),
                              map(b, 5, {dim(2), dim(3), dim(4), dim(1)}),
                              map(b, 5, {dim(0), dim(1)})};
  SmallVector<OpFoldResult> unitStrides(4, index(1));
  return forEachTap(
      b, loc, kh, kw, zeros,
      [&](OpBuilder &cb, Location cl, Value p, Value q, Value grad) -> Value {
        Value row = cb.create<arith::MulIOp>(cl, p, constantIndex(cb, cl, d[0]));
        Value col = cb.create<arith::MulIOp>(cl, q, constantIndex(cb, cl, d[1]));
        Value window = cb.create<tensor::ExtractSliceOp>(
            cl, windowType, padded,
            SmallVector<OpFoldResult>{index(0), row, col, index(0)},
            SmallVector<OpFoldResult>{batch, index(dyType.getDimSize(1)),
                                      index(dyType.getDimSize(2)), index(c)},
            SmallVector<OpFoldResult>{index(1), index(s[0]), index(s[1]), index(1)});
        SmallVector<OpFoldResult> tapOffsets{p, q, index(0), index(0)};
        SmallVector<OpFoldResult> tapSizes{index(1), index(1), index(c), index(f)};
        Value tap = cb.create<tensor::ExtractSliceOp>(cl, tapType, grad, tapOffsets,
                                                      tapSizes, unitStrides);
        Value sum = cb.create<linalg::GenericOp>(
                          cl, TypeRange{tapType}, ValueRange{window, dy},
                          ValueRange{tap}, maps, iterators(2, 3),
                          [](OpBuilder &nb, Location nl, ValueRange args) {
                            nb.create<linalg::YieldOp>(nl, multiplyAdd(nb, nl, args));
                          })
                        .getResult(0);
        return cb.create<tensor::InsertSliceOp>(cl, sum, grad, tapOffsets, tapSizes,
                                                unitStrides);
      });
}

/// With one input channel, each tap (p, q) of the kernel gradient is
///
///   dK[p, q, 0, f] = sum_{n,i,j} xwin_pq[n, i, j] * dy[n, i, j, f]
///
/// with xwin_pq the tap's strided view of x. One loop computes all taps at
/// once (a linalg.generic with one output per tap): each step loads dy's
/// filters for one pixel once and multiplies them by the tap's x value
/// for every tap, so that a load feeds kh*kw FMAs. A convolution per image
/// fed each load of dy to as many FMAs as its output has columns (3).
/// Null when the taps' accumulators would not fit in registers.
Value kernelGradOneChannel(OpBuilder &b, Location loc, Value padded, Value dy,
                           RankedTensorType kernelType, ArrayRef<int64_t> s,
                           ArrayRef<int64_t> d) {
  auto dyType = cast<RankedTensorType>(dy.getType());
  int64_t kh = kernelType.getDimSize(0), kw = kernelType.getDimSize(1);
  int64_t f = kernelType.getDimSize(3);
  constexpr int64_t kAccumulatorRegisters = 24, kLanes = 16;
  if (kh * kw * ((f + kLanes - 1) / kLanes) > kAccumulatorRegisters)
    return {};
  auto index = [&](int64_t v) -> OpFoldResult { return b.getIndexAttr(v); };
  OpFoldResult batch = tensor::getMixedSizes(b, loc, dy)[0];
  int64_t rows = dyType.getDimSize(1), cols = dyType.getDimSize(2);
  auto windowType = RankedTensorType::get({dyType.getDimSize(0), rows, cols},
                                          b.getF32Type());
  auto tapType = RankedTensorType::get({f}, b.getF32Type());
  auto dim = [&](unsigned k) { return b.getAffineDimExpr(k); };
  // Dims: n, i, j, f.
  AffineMap pixel = map(b, 4, {dim(0), dim(1), dim(2)});
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  for (int64_t p = 0; p < kh; ++p)
    for (int64_t q = 0; q < kw; ++q) {
      inputs.push_back(b.create<tensor::ExtractSliceOp>(
          loc, windowType, padded,
          SmallVector<OpFoldResult>{index(0), index(p * d[0]), index(q * d[1]),
                                    index(0)},
          SmallVector<OpFoldResult>{batch, index(rows), index(cols), index(1)},
          SmallVector<OpFoldResult>{index(1), index(s[0]), index(s[1]), index(1)}));
      maps.push_back(pixel);
    }
  inputs.push_back(dy);
  maps.push_back(map(b, 4, {dim(0), dim(1), dim(2), dim(3)}));
  int64_t taps = kh * kw;
  SmallVector<Value> inits;
  for (int64_t t = 0; t < taps; ++t)
    inits.push_back(filledTensor(b, loc, tapType, Value(), 0.0f));
  SmallVector<Type> types(taps, tapType);
  maps.append(taps, map(b, 4, {dim(3)}));
  auto generic = b.create<linalg::GenericOp>(
      loc, types, inputs, inits, maps,
      ArrayRef<utils::IteratorType>{utils::IteratorType::reduction,
                                    utils::IteratorType::reduction,
                                    utils::IteratorType::reduction,
                                    utils::IteratorType::parallel},
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value g = args[taps];
        SmallVector<Value> sums;
        for (int64_t t = 0; t < taps; ++t)
          sums.push_back(multiplyAdd(nb, nl, {args[t], g, args[taps + 1 + t]}));
        nb.create<linalg::YieldOp>(nl, sums);
      });
  // Every element is one tap's: nothing to zero.
  Value grad = b.create<tensor::EmptyOp>(loc, kernelType.getShape(),
                                         kernelType.getElementType());
  for (int64_t t = 0; t < taps; ++t)
    grad = b.create<tensor::InsertSliceOp>(
        loc, generic.getResult(t), grad,
        SmallVector<OpFoldResult>{index(t / kw), index(t % kw), index(0), index(0)},
        SmallVector<OpFoldResult>{index(1), index(1), index(1), index(f)},
        SmallVector<OpFoldResult>(4, index(1)));
  return grad;
}

/// One input channel, more taps than registers: each image alone is laid
/// out as a convolution wants it (x[n] as a 1-image, 1-channel input, dy[n]
/// as a filter with one input channel), so a loop over the batch
/// accumulates one convolution per image, the forward dilation as its
/// stride and the forward stride as its dilation, and nothing is
/// transposed. `padded` holds exactly the rows and columns the taps read.
Value kernelGradPerImage(OpBuilder &b, Location loc, Value padded, Value dy,
                         RankedTensorType kernelType, ArrayRef<int64_t> s,
                         ArrayRef<int64_t> d) {
  auto dyType = cast<RankedTensorType>(dy.getType());
  auto paddedType = cast<RankedTensorType>(padded.getType());
  int64_t rows = paddedType.getDimSize(1), cols = paddedType.getDimSize(2);
  int64_t kh = kernelType.getDimSize(0), kw = kernelType.getDimSize(1);
  int64_t f = kernelType.getDimSize(3);
  auto sumType = RankedTensorType::get({1, kh, kw, f}, b.getF32Type());
  Value zeros = filledTensor(b, loc, sumType, Value(), 0.0f);
  Value zero = constantIndex(b, loc, 0), one = constantIndex(b, loc, 1);
  Value batch = b.create<tensor::DimOp>(loc, dy, 0);
  auto imageType = RankedTensorType::get({1, rows, cols, 1}, b.getF32Type());
  auto tapsType = RankedTensorType::get(
      {dyType.getDimSize(1), dyType.getDimSize(2), f}, b.getF32Type());
  auto filterType = RankedTensorType::get(
      {dyType.getDimSize(1), dyType.getDimSize(2), 1, f}, b.getF32Type());
  auto index = [&](int64_t v) -> OpFoldResult { return b.getIndexAttr(v); };
  SmallVector<OpFoldResult> unit(4, index(1));
  Value sum =
      b.create<scf::ForOp>(
           loc, zero, batch, one, ValueRange{zeros},
           [&](OpBuilder &lb, Location ll, Value n, ValueRange acc) {
             Value image = lb.create<tensor::ExtractSliceOp>(
                 ll, imageType, padded,
                 SmallVector<OpFoldResult>{n, index(0), index(0), index(0)},
                 SmallVector<OpFoldResult>{index(1), index(rows), index(cols), index(1)},
                 unit);
             Value taps = lb.create<tensor::ExtractSliceOp>(
                 ll, tapsType, dy,
                 SmallVector<OpFoldResult>{n, index(0), index(0), index(0)},
                 SmallVector<OpFoldResult>{index(1), index(dyType.getDimSize(1)),
                                           index(dyType.getDimSize(2)), index(f)},
                 unit);
             Value filter = lb.create<tensor::ExpandShapeOp>(
                 ll, filterType, taps, ArrayRef<ReassociationIndices>{{0}, {1}, {2, 3}});
             Value next = lb.create<linalg::Conv2DNhwcHwcfOp>(
                                ll, TypeRange{sumType}, ValueRange{image, filter}, acc,
                                lb.getI64VectorAttr(d), lb.getI64VectorAttr(s))
                              .getResult(0);
             lb.create<scf::YieldOp>(ll, next);
           })
          .getResult(0);
  // (1, kh, kw, f) -> (kh, kw, 1, f)
  return transposed(b, loc, sum, {1, 2, 0, 3});
}

/// dK[p,q,c,f] = sum_{n,i,j} xpad[n, i*s0 + p*d0, j*s1 + q*d1, c] * dy[n,i,j,f],
/// over the input cut to the rows and columns some tap reads, in one of
/// three forms: a contraction per tap (several input channels), all taps
/// in one loop (one input channel), or a convolution per image (one input
/// channel, more taps than registers).
struct LowerConv2DKernelGrad : OpRewritePattern<Conv2DKernelGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(Conv2DKernelGradOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    RankedTensorType kernelType = op.getType();
    auto dyType = op.getOutputGrad().getType();
    ArrayRef<int64_t> s = op.getStrides(), d = op.getDilation();
    int64_t kh = kernelType.getDimSize(0), kw = kernelType.getDimSize(1);
    int64_t c = kernelType.getDimSize(2);
    Value padded = padSpatial(b, loc, op.getInput(),
                              kernelType.getShape().take_front(2), s, d,
                              op.getPadding(), 0.0f);
    int64_t rows = (dyType.getDimSize(1) - 1) * s[0] + (kh - 1) * d[0] + 1;
    int64_t cols = (dyType.getDimSize(2) - 1) * s[1] + (kw - 1) * d[1] + 1;
    auto paddedType = cast<RankedTensorType>(padded.getType());
    if (rows != paddedType.getDimSize(1) || cols != paddedType.getDimSize(2)) {
      SmallVector<OpFoldResult> offsets(4, b.getIndexAttr(0));
      SmallVector<OpFoldResult> sizes{tensor::getMixedSize(b, loc, padded, 0),
                                      b.getIndexAttr(rows), b.getIndexAttr(cols),
                                      b.getIndexAttr(c)};
      SmallVector<OpFoldResult> strides(4, b.getIndexAttr(1));
      padded = b.create<tensor::ExtractSliceOp>(loc, padded, offsets, sizes, strides);
    }
    Value dy = op.getOutputGrad();
    Value grad;
    if (c > 1)
      grad = kernelGradByTaps(b, loc, padded, dy, kernelType, s, d);
    else if (!(grad = kernelGradOneChannel(b, loc, padded, dy, kernelType, s, d)))
      grad = kernelGradPerImage(b, loc, padded, dy, kernelType, s, d);
    b.replaceOp(op, grad);
    return success();
  }
};

/// db[f] = sum of dy over every axis but the last.
struct LowerBiasGrad : OpRewritePattern<BiasGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BiasGradOp op, PatternRewriter &b) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    int64_t rank = op.getOutputGrad().getType().getRank();
    Value init = filledTensor(b, loc, type, Value(), 0.0f);
    SmallVector<int64_t> reduced = llvm::to_vector(llvm::seq<int64_t>(0, rank - 1));
    b.replaceOp(op, b.create<linalg::ReduceOp>(
                         loc, ValueRange{op.getOutputGrad()}, ValueRange{init},
                         reduced,
                         [](OpBuilder &nb, Location nl, ValueRange args) {
                           nb.create<linalg::YieldOp>(
                               nl, ValueRange{nb.create<arith::AddFOp>(
                                       nl, args[0], args[1])});
                         })
                        .getResult(0));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Dense
//===----------------------------------------------------------------------===//

Value multiplyAdd(OpBuilder &b, Location loc, ValueRange args) {
  Value product = b.create<arith::MulFOp>(loc, args[0], args[1]);
  return b.create<arith::AddFOp>(loc, args[2], product);
}

/// `value` as a matrix: every axis but the last collapsed into rows (dense
/// applies to the last axis of a tensor of any rank).
Value asMatrix(OpBuilder &b, Location loc, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getRank() == 2)
    return value;
  ReassociationIndices rows = llvm::to_vector(llvm::seq<int64_t>(0, type.getRank() - 1));
  return b.create<tensor::CollapseShapeOp>(
      loc, value, ArrayRef<ReassociationIndices>{rows, {type.getRank() - 1}});
}

/// a . b into a zero-filled (rows of a) x (columns of b) matrix: a named
/// matmul, which the vectorizer register-tiles.
Value matmul(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto type = RankedTensorType::get({lhsType.getDimSize(0), rhsType.getDimSize(1)},
                                    b.getF32Type());
  Value init = filledTensor(b, loc, type, lhs, 0.0f);
  return b.create<linalg::MatmulOp>(loc, TypeRange{type}, ValueRange{lhs, rhs},
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
      SmallVector<OpFoldResult> shape = tensor::getMixedSizes(b, loc, op.getOutputGrad());
      shape.back() = b.getIndexAttr(type.getShape().back());
      ReassociationIndices rows = llvm::to_vector(llvm::seq<int64_t>(0, type.getRank() - 1));
      dx = b.create<tensor::ExpandShapeOp>(
          loc, type, dx, ArrayRef<ReassociationIndices>{rows, {type.getRank() - 1}},
          shape);
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
    SmallVector<AffineMap> maps{map(b, 3, {dim(2), dim(0)}), map(b, 3, {dim(2), dim(1)}),
                                map(b, 3, {dim(0), dim(1)})};
    b.replaceOp(op, b.create<linalg::GenericOp>(
                         loc, TypeRange{type}, ValueRange{x, dy},
                         ValueRange{filledTensor(b, loc, type, Value(), 0.0f)},
                         maps, iterators(2, 1),
                         [](OpBuilder &nb, Location nl, ValueRange args) {
                           nb.create<linalg::YieldOp>(nl, multiplyAdd(nb, nl, args));
                         })
                        .getResults());
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

/// For max/min pooling: the offset (p * KW + q) in each window of the cell
/// the forward pass chose, the first extreme in row-major order.
Value windowChoice(OpBuilder &b, Location loc, PoolKind kind, Value input,
                   RankedTensorType outputType, ArrayRef<int64_t> window,
                   ArrayRef<int64_t> strides, Padding padding) {
  bool isMax = kind == PoolKind::max;
  float worst = isMax ? -std::numeric_limits<float>::infinity()
                      : std::numeric_limits<float>::infinity();
  int64_t ones[2] = {1, 1};
  Value padded = padSpatial(b, loc, input, window, strides, ones, padding, worst);
  auto indexType = RankedTensorType::get(outputType.getShape(), b.getI32Type());
  Value best = filledTensor(b, loc, outputType, input, worst);
  Value choiceInit = emptyTensor(b, loc, indexType, input);
  choiceInit = b.create<linalg::FillOp>(
                    loc, b.create<arith::ConstantOp>(loc, b.getI32IntegerAttr(0)).getResult(),
                    choiceInit)
                   .getResult(0);
  Value windowShape =
      b.create<tensor::EmptyOp>(loc, window, b.getF32Type());
  // Dims: n, i, j (parallel), p, q (reduction), c (parallel): channels
  // innermost, so that the loops run along contiguous memory and LLVM
  // vectorizes them.
  auto dim = [&](unsigned k) { return b.getAffineDimExpr(k); };
  AffineMap inMap = map(b, 6, {dim(0), dim(1) * strides[0] + dim(3),
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
            nl, nb.create<arith::MulIOp>(nl, p, constantIndex(nb, nl, windowCols)),
            q);
        offset = nb.create<arith::IndexCastOp>(nl, nb.getI32Type(), offset);
        nb.create<linalg::YieldOp>(
            nl, ValueRange{nb.create<arith::SelectOp>(nl, better, x, current),
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
    SmallVector<OpFoldResult> strides{b.getIndexAttr(1), b.getIndexAttr(window[0]),
                                      b.getIndexAttr(window[1]), b.getIndexAttr(1)};
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
  SmallVector<OpFoldResult> regionSizes{tensor::getMixedSize(b, loc, dy, 0),
                                        b.getIndexAttr(rows), b.getIndexAttr(cols),
                                        b.getIndexAttr(dxType.getDimSize(3))};
  SmallVector<OpFoldResult> unitStrides(4, b.getIndexAttr(1));
  Value region = covered ? init
                         : b.create<tensor::ExtractSliceOp>(loc, init, regionOffsets,
                                                            regionSizes, unitStrides)
                               .getResult();
  SmallVector<ReassociationIndices> byWindow{{0}, {1, 2}, {3, 4}, {5}};
  auto windowsType = RankedTensorType::get(
      {dxType.getDimSize(0), dyType.getDimSize(1), window[0], dyType.getDimSize(2),
       window[1], dxType.getDimSize(3)},
      dxType.getElementType());
  Value windows =
      b.create<tensor::ExpandShapeOp>(loc, windowsType, region, byWindow);
  int64_t windowCols = window[1];
  bool isMax = kind == PoolKind::max;
  Value grad = b
      .create<linalg::GenericOp>(
          loc, TypeRange{windowsType}, inputs, ValueRange{windows}, maps, iterators(6, 0),
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
              Value better = nb.create<arith::CmpFOp>(
                  nl, isMax ? arith::CmpFPredicate::OGT : arith::CmpFPredicate::OLT,
                  window[k], best);
              best = nb.create<arith::SelectOp>(nl, better, window[k], best);
              choice = nb.create<arith::SelectOp>(nl, better,
                                                  constantIndex(nb, nl, k), choice);
            }
            Value p = nb.create<linalg::IndexOp>(nl, 2);
            Value q = nb.create<linalg::IndexOp>(nl, 4);
            Value mine = nb.create<arith::AddIOp>(
                nl, nb.create<arith::MulIOp>(nl, p, constantIndex(nb, nl, windowCols)), q);
            Value passes =
                nb.create<arith::CmpIOp>(nl, arith::CmpIPredicate::eq, choice, mine);
            if (reluMask)
              passes = nb.create<arith::AndIOp>(
                  nl, passes,
                  nb.create<arith::CmpFOp>(nl, arith::CmpFPredicate::OGT, best, zero));
            nb.create<linalg::YieldOp>(
                nl, ValueRange{nb.create<arith::SelectOp>(nl, passes, g, zero)});
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
  LogicalResult matchAndRewrite(Pool2DGradOp op, PatternRewriter &b) const override {
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
      before[k] = paddingAmounts(in[k], window[k], s[k], 1, op.getPadding()).first;
      // How many windows can hold one cell.
      candidates[k] = (window[k] + s[k] - 1) / s[k];
    }
    Value choice;
    if (kind != PoolKind::avg)
      choice = windowChoice(b, loc, kind, input, dyType, window, s,
                            op.getPadding());

    Value init = filledTensor(b, loc, dxType, dy, 0.0f);
    Value candidateShape = b.create<tensor::EmptyOp>(
        loc, ArrayRef<int64_t>{candidates[0], candidates[1]}, b.getF32Type());
    // Dims: n, h, w, c (parallel), a, e (the candidate windows, reduction).
    auto dim = [&](unsigned k) { return b.getAffineDimExpr(k); };
    AffineMap candidateMap = map(b, 6, {dim(4), dim(5)});
    AffineMap outMap = map(b, 6, {dim(0), dim(1), dim(2), dim(3)});
    b.replaceOp(op, b.create<linalg::GenericOp>(
        loc, TypeRange{dxType}, ValueRange{candidateShape}, ValueRange{init},
        ArrayRef<AffineMap>{candidateMap, outMap}, iterators(4, 2),
        [&](OpBuilder &nb, Location nl, ValueRange args) {
          Value n = nb.create<linalg::IndexOp>(nl, 0);
          Value c = nb.create<linalg::IndexOp>(nl, 3);
          Value zeroIndex = constantIndex(nb, nl, 0);
          Value valid = nb.create<arith::ConstantOp>(nl, nb.getBoolAttr(true));
          Value windowIndex[2], offset[2];
          for (int k = 0; k < 2; ++k) {
            // The padded coordinate, the window a candidate stands for, and
            // the cell's offset in it.
            Value coord = nb.create<arith::AddIOp>(
                nl, nb.create<linalg::IndexOp>(nl, 1 + k),
                constantIndex(nb, nl, before[k]));
            Value first = nb.create<arith::DivUIOp>(nl, coord,
                                                    constantIndex(nb, nl, s[k]));
            Value cand = nb.create<linalg::IndexOp>(nl, 4 + k);
            Value idx = nb.create<arith::SubIOp>(nl, first, cand);
            Value inRange = nb.create<arith::AndIOp>(
                nl,
                nb.create<arith::CmpIOp>(nl, arith::CmpIPredicate::sge, idx,
                                         zeroIndex),
                nb.create<arith::CmpIOp>(nl, arith::CmpIPredicate::slt, idx,
                                         constantIndex(nb, nl, out[k])));
            Value off = nb.create<arith::SubIOp>(
                nl, coord,
                nb.create<arith::MulIOp>(nl, idx, constantIndex(nb, nl, s[k])));
            inRange = nb.create<arith::AndIOp>(
                nl, inRange,
                nb.create<arith::CmpIOp>(nl, arith::CmpIPredicate::slt, off,
                                         constantIndex(nb, nl, window[k])));
            valid = nb.create<arith::AndIOp>(nl, valid, inRange);
            // Clamped so that the loads below stay in bounds either way.
            windowIndex[k] = nb.create<arith::SelectOp>(nl, inRange, idx, zeroIndex);
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
                  nb.create<arith::AddIOp>(nl, start,
                                           constantIndex(nb, nl, window[k])),
                  constantIndex(nb, nl, in[k]));
              start = nb.create<arith::MaxSIOp>(nl, start, zeroIndex);
              Value cells = nb.create<arith::SubIOp>(nl, end, start);
              count = count ? nb.create<arith::MulIOp>(nl, count, cells).getResult()
                            : cells;
            }
            Value countF = nb.create<arith::UIToFPOp>(
                nl, nb.getF32Type(),
                nb.create<arith::IndexCastUIOp>(nl, nb.getI64Type(), count));
            contribution = nb.create<arith::DivFOp>(nl, g, countF);
          } else {
            Value chosen = nb.create<tensor::ExtractOp>(
                nl, choice, ValueRange{n, windowIndex[0], windowIndex[1], c});
            Value mine = nb.create<arith::AddIOp>(
                nl,
                nb.create<arith::MulIOp>(nl, offset[0],
                                         constantIndex(nb, nl, window[1])),
                offset[1]);
            mine = nb.create<arith::IndexCastOp>(nl, nb.getI32Type(), mine);
            valid = nb.create<arith::AndIOp>(
                nl, valid,
                nb.create<arith::CmpIOp>(nl, arith::CmpIPredicate::eq, chosen,
                                         mine));
            contribution = g;
          }
          Value zero = constantF32(nb, nl, 0.0f);
          Value added = nb.create<arith::SelectOp>(nl, valid, contribution, zero);
          nb.create<linalg::YieldOp>(
              nl, ValueRange{nb.create<arith::AddFOp>(nl, args[1], added)});
        }).getResult(0));
    return success();
  }
};

/// One window over all rows and columns.
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
    AffineMap perChannel = map(b, 4, {dim(0), b.getAffineConstantExpr(0),
                                      b.getAffineConstantExpr(0), dim(3)});
    Value init = emptyTensor(b, loc, dxType, input);
    if (op.getKind() == PoolKind::avg) {
      float count = static_cast<float>(rows * cols);
      b.replaceOp(op, b.create<linalg::GenericOp>(
          loc, TypeRange{dxType}, ValueRange{dy}, ValueRange{init},
          ArrayRef<AffineMap>{perChannel, identity}, iterators(4, 0),
          [&](OpBuilder &nb, Location nl, ValueRange args) {
            nb.create<linalg::YieldOp>(
                nl, ValueRange{nb.create<arith::DivFOp>(
                        nl, args[0], constantF32(nb, nl, count))});
          }).getResult(0));
      return success();
    }
    int64_t window[2] = {rows, cols};
    Value choice = windowChoice(b, loc, op.getKind(), input, keptType, window,
                                window, Padding::valid);
    b.replaceOp(op, b.create<linalg::GenericOp>(
        loc, TypeRange{dxType}, ValueRange{dy, choice}, ValueRange{init},
        ArrayRef<AffineMap>{perChannel, perChannel, identity}, iterators(4, 0),
        [&](OpBuilder &nb, Location nl, ValueRange args) {
          Value h = nb.create<linalg::IndexOp>(nl, 1);
          Value w = nb.create<linalg::IndexOp>(nl, 2);
          Value mine = nb.create<arith::AddIOp>(
              nl, nb.create<arith::MulIOp>(nl, h, constantIndex(nb, nl, cols)), w);
          mine = nb.create<arith::IndexCastOp>(nl, nb.getI32Type(), mine);
          Value chosen = nb.create<arith::CmpIOp>(nl, arith::CmpIPredicate::eq,
                                                  args[1], mine);
          nb.create<linalg::YieldOp>(
              nl, ValueRange{nb.create<arith::SelectOp>(
                      nl, chosen, args[0], constantF32(nb, nl, 0.0f))});
        }).getResult(0));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

/// An elementwise linalg.generic over same-typed tensors.
Value zipElements(OpBuilder &b, Location loc, ValueRange inputs,
                  function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  auto type = cast<RankedTensorType>(inputs[0].getType());
  Value init = emptyTensor(b, loc, type, inputs[0]);
  SmallVector<AffineMap> maps(inputs.size() + 1,
                              b.getMultiDimIdentityMap(type.getRank()));
  return b
      .create<linalg::GenericOp>(
          loc, TypeRange{type}, inputs, ValueRange{init}, maps,
          iterators(type.getRank(), 0),
          [&](OpBuilder &nb, Location nl, ValueRange args) {
            nb.create<linalg::YieldOp>(nl, body(nb, nl, args.drop_back()));
          })
      .getResult(0);
}

struct LowerActivationGrad : OpRewritePattern<ActivationGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ActivationGradOp op,
                                PatternRewriter &b) const override {
    ActivationKind kind = op.getKind();
    b.replaceOp(op, zipElements(
        b, op.getLoc(), ValueRange{op.getOutput(), op.getOutputGrad()},
        [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
          Value y = args[0], g = args[1];
          Value one = constantF32(nb, nl, 1.0f);
          switch (kind) {
          case ActivationKind::relu: {
            Value positive = nb.create<arith::CmpFOp>(
                nl, arith::CmpFPredicate::OGT, y, constantF32(nb, nl, 0.0f));
            return nb.create<arith::SelectOp>(nl, positive, g,
                                              constantF32(nb, nl, 0.0f));
          }
          case ActivationKind::sigmoid: {
            Value slope = nb.create<arith::MulFOp>(
                nl, y, nb.create<arith::SubFOp>(nl, one, y));
            return nb.create<arith::MulFOp>(nl, g, slope);
          }
          case ActivationKind::tanh: {
            Value slope = nb.create<arith::SubFOp>(
                nl, one, nb.create<arith::MulFOp>(nl, y, y));
            return nb.create<arith::MulFOp>(nl, g, slope);
          }
          }
          llvm_unreachable("unknown activation");
        }));
    return success();
  }
};

/// dx = y * (dy - sum_axis(dy * y)).
struct LowerSoftmaxGrad : OpRewritePattern<SoftmaxGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SoftmaxGradOp op, PatternRewriter &b) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank(), axis = op.getAxis();
    AffineMap identity = b.getMultiDimIdentityMap(rank);
    AffineMap dropAxis = identity.dropResult(axis);
    SmallVector<int64_t> reducedShape(type.getShape());
    reducedShape.erase(reducedShape.begin() + axis);
    auto reducedType = RankedTensorType::get(reducedShape, b.getF32Type());
    SmallVector<Value> dynamic;
    for (auto [i, size] : llvm::enumerate(reducedShape))
      if (ShapedType::isDynamic(size))
        dynamic.push_back(b.create<tensor::DimOp>(loc, op.getOutput(),
                                                  i < (size_t)axis ? i : i + 1));
    Value sumInit = b.create<linalg::FillOp>(
                         loc, constantF32(b, loc, 0.0f),
                         b.create<tensor::EmptyOp>(loc, reducedType, dynamic)
                             .getResult())
                        .getResult(0);
    SmallVector<utils::IteratorType> sumIterators(rank, utils::IteratorType::parallel);
    sumIterators[axis] = utils::IteratorType::reduction;
    Value sum = b.create<linalg::GenericOp>(
                     loc, TypeRange{reducedType},
                     ValueRange{op.getOutput(), op.getOutputGrad()},
                     ValueRange{sumInit},
                     ArrayRef<AffineMap>{identity, identity, dropAxis},
                     sumIterators,
                     [](OpBuilder &nb, Location nl, ValueRange args) {
                       nb.create<linalg::YieldOp>(nl, multiplyAdd(nb, nl, args));
                     })
                    .getResult(0);
    Value init = emptyTensor(b, loc, type, op.getOutput());
    b.replaceOp(op, b.create<linalg::GenericOp>(
        loc, TypeRange{type}, ValueRange{op.getOutput(), op.getOutputGrad(), sum},
        ValueRange{init}, ArrayRef<AffineMap>{identity, identity, dropAxis, identity},
        iterators(rank, 0),
        [](OpBuilder &nb, Location nl, ValueRange args) {
          Value diff = nb.create<arith::SubFOp>(nl, args[1], args[2]);
          nb.create<linalg::YieldOp>(
              nl, ValueRange{nb.create<arith::MulFOp>(nl, args[0], diff)});
        }).getResult(0));
    return success();
  }
};

struct LowerMultiply : OpRewritePattern<MultiplyOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MultiplyOp op, PatternRewriter &b) const override {
    b.replaceOp(op, zipElements(b, op.getLoc(), ValueRange{op.getLhs(), op.getRhs()},
                                [](OpBuilder &nb, Location nl, ValueRange args) {
                                  return nb.create<arith::MulFOp>(nl, args[0], args[1])
                                      .getResult();
                                }));
    return success();
  }
};

/// dy in the top-left corner of zeros.
struct LowerCrop2DGrad : OpRewritePattern<Crop2DGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(Crop2DGradOp op, PatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value dy = op.getOutputGrad();
    Value zeros = filledTensor(b, loc, op.getType(), dy, 0.0f);
    SmallVector<OpFoldResult> offsets(4, b.getIndexAttr(0));
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, dy);
    SmallVector<OpFoldResult> strides(4, b.getIndexAttr(1));
    b.replaceOpWithNewOp<tensor::InsertSliceOp>(op, dy, zeros, offsets, sizes,
                                                strides);
    return success();
  }
};

/// Collapse to (batch, elements), then expand to the result's shape.
struct LowerReshape : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op, PatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value value = op.getInput();
    auto inType = op.getInput().getType();
    RankedTensorType outType = op.getType();
    if (inType.getRank() > 2) {
      ReassociationIndices features =
          llvm::to_vector(llvm::seq<int64_t>(1, inType.getRank()));
      value = b.create<tensor::CollapseShapeOp>(
          loc, value, ArrayRef<ReassociationIndices>{{0}, features});
    }
    if (outType.getRank() > 2) {
      ReassociationIndices features =
          llvm::to_vector(llvm::seq<int64_t>(1, outType.getRank()));
      SmallVector<OpFoldResult> shape{tensor::getMixedSize(b, loc, value, 0)};
      for (int64_t d : outType.getShape().drop_front())
        shape.push_back(b.getIndexAttr(d));
      value = b.create<tensor::ExpandShapeOp>(
          loc, outType, value, ArrayRef<ReassociationIndices>{{0}, features},
          shape);
    }
    b.replaceOp(op, value);
    return success();
  }
};

/// splitmix64's finalizer: a well-mixed 64-bit hash of a 64-bit counter.
Value mix64(OpBuilder &b, Location loc, Value z) {
  auto c = [&](uint64_t v) -> Value {
    return b.create<arith::ConstantOp>(loc, b.getI64IntegerAttr(static_cast<int64_t>(v)));
  };
  auto xorShift = [&](Value v, uint64_t shift) -> Value {
    return b.create<arith::XOrIOp>(loc, v, b.create<arith::ShRUIOp>(loc, v, c(shift)));
  };
  z = b.create<arith::AddIOp>(loc, z, c(0x9e3779b97f4a7c15ULL));
  z = b.create<arith::MulIOp>(loc, xorShift(z, 30), c(0xbf58476d1ce4e5b9ULL));
  z = b.create<arith::MulIOp>(loc, xorShift(z, 27), c(0x94d049bb133111ebULL));
  return xorShift(z, 31);
}

/// keep = uniform(hash(seed, stream, step, global index)) >= rate.
struct LowerDropoutMask : OpRewritePattern<DropoutMaskOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DropoutMaskOp op, PatternRewriter &b) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank();
    double rate = op.getRate().convertToDouble();
    float keptValue = static_cast<float>(1.0 / (1.0 - rate));
    int64_t stream = op.getStream();
    // One key per (seed, stream, step), mixed once outside the loops.
    Value key = mix64(b, loc, op.getSeed());
    key = mix64(b, loc, b.create<arith::XOrIOp>(
                            loc, key,
                            b.create<arith::ConstantOp>(
                                loc, b.getI64IntegerAttr(stream))));
    key = mix64(b, loc, b.create<arith::XOrIOp>(loc, key, op.getStep()));
    Value first = op.getFirstSample();
    Value init = emptyTensor(b, loc, type, op.getInput());
    b.replaceOp(op, b.create<linalg::GenericOp>(
        loc, TypeRange{type}, ValueRange{}, ValueRange{init},
        ArrayRef<AffineMap>{b.getMultiDimIdentityMap(rank)}, iterators(rank, 0),
        [&](OpBuilder &nb, Location nl, ValueRange) {
          // The element's index in the whole batch, row-major.
          Value index = nb.create<arith::IndexCastOp>(
              nl, nb.getI64Type(), nb.create<linalg::IndexOp>(nl, 0));
          index = nb.create<arith::AddIOp>(nl, index, first);
          for (int64_t d = 1; d < rank; ++d) {
            Value i = nb.create<arith::IndexCastOp>(
                nl, nb.getI64Type(), nb.create<linalg::IndexOp>(nl, d));
            index = nb.create<arith::AddIOp>(
                nl,
                nb.create<arith::MulIOp>(
                    nl, index,
                    nb.create<arith::ConstantOp>(
                        nl, nb.getI64IntegerAttr(type.getDimSize(d)))),
                i);
          }
          Value bits = mix64(nb, nl, nb.create<arith::XOrIOp>(nl, index, key));
          // The top 24 bits as a float in [0, 1).
          Value top = nb.create<arith::ShRUIOp>(
              nl, bits, nb.create<arith::ConstantOp>(nl, nb.getI64IntegerAttr(40)));
          Value uniform = nb.create<arith::MulFOp>(
              nl, nb.create<arith::UIToFPOp>(nl, nb.getF32Type(), top),
              constantF32(nb, nl, 1.0f / 16777216.0f));
          Value keep = nb.create<arith::CmpFOp>(
              nl, arith::CmpFPredicate::OGE, uniform,
              constantF32(nb, nl, static_cast<float>(rate)));
          nb.create<linalg::YieldOp>(
              nl, ValueRange{nb.create<arith::SelectOp>(
                      nl, keep, constantF32(nb, nl, keptValue),
                      constantF32(nb, nl, 0.0f))});
        }).getResult(0));
    return success();
  }
};

} // namespace

void lowering::populateBackwardPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerConv2DInputGrad, LowerConv2DKernelGrad, LowerBiasGrad,
               LowerDenseInputGrad, LowerDenseKernelGrad, LowerPool2DGrad,
               LowerGlobalPool2DGrad, LowerActivationGrad, LowerSoftmaxGrad,
               LowerMultiply, LowerReshape, LowerCrop2DGrad, LowerDropoutMask>(
      patterns.getContext());
  // Before LowerActivationGrad, which would take the relu on its own.
  patterns.add<LowerReluPoolGrad>(patterns.getContext(), /*benefit=*/2);
}
