//===- ConvBackward.cpp - Gradients of conv2d and of a bias ---------------===//
//
// Each backward op becomes linalg on tensors, in the forms the forward ops
// take where one exists: the input gradient of a convolution is a
// convolution (of the stride-dilated, padded output gradient with the
// flipped kernel), so it is tiled and vectorized as one; with unit strides
// and `valid` padding it is a loop of 1x1 convolutions, one per kernel tap,
// which skips the padded border's products. The kernel gradient takes one
// of three forms by the input's channels and the registers its taps need
// (a contraction per tap, all taps in one loop, or a convolution per
// image), each chosen for what it feeds the vectorizer; the measurements
// are in the comments below. The bias gradient (of conv2d and dense alike)
// is a reduction over every axis but the channels.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/CnnToLinalg/Lowering.h"
#include "dialects/cnn/ShapeRules.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::cnn;
using namespace cnnc;
using namespace cnnc::lowering;

namespace {

/// A loop over the kernel's taps (p, q) in [0, kh) x [0, kw), carrying
/// `init`: `body(b, loc, p, q, acc)` returns the next value. Both
/// per-tap gradients below are such loops, so that the register-tiled op in
/// the body is generated once, not once per tap.
Value forEachTap(
    OpBuilder &b, Location loc, int64_t kh, int64_t kw, Value init,
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

/// A loop over the images n in [0, batch of `like`), carrying `init`:
/// `body(b, loc, n, acc)` returns the next value. The per-tap gradients
/// run their taps inside it, one image at a time: a tap loop around the
/// whole batch streamed the batch's activations (EMNIST-47: 9.4 MB of x
/// per 16-image shard) from memory once per tap, where one image's x, dy
/// and the kernel gradient stay in the L2 cache for all the taps. Each
/// output element's sum keeps its order (images, then rows and columns,
/// in the kernel gradient; taps in the input gradient, whose images are
/// independent), so the result is bit for bit the same.
Value forEachImage(
    OpBuilder &b, Location loc, Value like, Value init,
    function_ref<Value(OpBuilder &, Location, Value, Value)> body) {
  Value zero = constantIndex(b, loc, 0), one = constantIndex(b, loc, 1);
  Value batch = b.createOrFold<tensor::DimOp>(loc, like, 0);
  return b
      .create<scf::ForOp>(
          loc, zero, batch, one, ValueRange{init},
          [&](OpBuilder &nb, Location nl, Value n, ValueRange args) {
            nb.create<scf::YieldOp>(nl, body(nb, nl, n, args[0]));
          })
      .getResult(0);
}

/// Offsets, sizes and unit strides of image `n` of an NHWC tensor.
struct ImageSlice {
  SmallVector<OpFoldResult> offsets, sizes, strides;
  RankedTensorType type;
};
ImageSlice imageSlice(OpBuilder &b, Value tensor, Value n) {
  auto type = cast<RankedTensorType>(tensor.getType());
  ImageSlice slice;
  slice.offsets.assign(4, b.getIndexAttr(0));
  slice.offsets[0] = n;
  slice.sizes.push_back(b.getIndexAttr(1));
  for (int64_t i = 1; i < 4; ++i)
    slice.sizes.push_back(b.getIndexAttr(type.getDimSize(i)));
  slice.strides.assign(4, b.getIndexAttr(1));
  slice.type = RankedTensorType::get(
      {1, type.getDimSize(1), type.getDimSize(2), type.getDimSize(3)},
      type.getElementType());
  return slice;
}

/// Image `n` of an NHWC tensor, as a tensor of one image.
Value image(OpBuilder &b, Location loc, Value tensor, Value n) {
  ImageSlice slice = imageSlice(b, tensor, n);
  return b.create<tensor::ExtractSliceOp>(
      loc, slice.type, tensor, slice.offsets, slice.sizes, slice.strides);
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
Value inputGradByTaps(OpBuilder &b, Location loc, Value dy, Value kernel,
                      RankedTensorType dxType, ArrayRef<int64_t> d) {
  auto dyType = cast<RankedTensorType>(dy.getType());
  auto kernelType = cast<RankedTensorType>(kernel.getType());
  int64_t kh = kernelType.getDimSize(0), kw = kernelType.getDimSize(1);
  int64_t c = kernelType.getDimSize(2), f = kernelType.getDimSize(3);
  // K'[p, q, f, c]: each tap's filter with dy's channels as its input.
  Value kernelT = transposed(b, loc, kernel, {0, 1, 3, 2});
  Value zeros = filledTensor(b, loc, dxType, dy, 0.0f);
  auto index = [&](int64_t v) -> OpFoldResult { return b.getIndexAttr(v); };
  SmallVector<OpFoldResult> unitStrides(4, index(1));
  auto windowType = RankedTensorType::get(
      {1, dyType.getDimSize(1), dyType.getDimSize(2), c}, b.getF32Type());
  auto filterType = RankedTensorType::get({1, 1, f, c}, b.getF32Type());
  return forEachImage(
      b, loc, dy, zeros,
      [&](OpBuilder &ib, Location il, Value n, Value dxAll) -> Value {
        Value dyImage = image(ib, il, dy, n);
        ImageSlice slice = imageSlice(ib, dxAll, n);
        Value dxImage = ib.create<tensor::ExtractSliceOp>(
            il, slice.type, dxAll, slice.offsets, slice.sizes, slice.strides);
        Value sum = forEachTap(
            ib, il, kh, kw, dxImage,
            [&](OpBuilder &cb, Location cl, Value p, Value q,
                Value dx) -> Value {
              Value filter = cb.create<tensor::ExtractSliceOp>(
                  cl, filterType, kernelT,
                  SmallVector<OpFoldResult>{p, q, index(0), index(0)},
                  SmallVector<OpFoldResult>{index(1), index(1), index(f),
                                            index(c)},
                  unitStrides);
              Value row =
                  cb.create<arith::MulIOp>(cl, p, constantIndex(cb, cl, d[0]));
              Value col =
                  cb.create<arith::MulIOp>(cl, q, constantIndex(cb, cl, d[1]));
              SmallVector<OpFoldResult> offsets{index(0), row, col, index(0)};
              SmallVector<OpFoldResult> sizes{
                  index(1), index(dyType.getDimSize(1)),
                  index(dyType.getDimSize(2)), index(c)};
              Value window = cb.create<tensor::ExtractSliceOp>(
                  cl, windowType, dx, offsets, sizes, unitStrides);
              Value tapSum =
                  cb.create<linalg::Conv2DNhwcHwcfOp>(
                        cl, TypeRange{windowType}, ValueRange{dyImage, filter},
                        ValueRange{window}, cb.getI64VectorAttr({1, 1}),
                        cb.getI64VectorAttr({1, 1}))
                      .getResult(0);
              return cb.create<tensor::InsertSliceOp>(cl, tapSum, dx, offsets,
                                                      sizes, unitStrides);
            });
        return ib.create<tensor::InsertSliceOp>(il, sum, dxAll, slice.offsets,
                                                slice.sizes, slice.strides);
      });
}

} // namespace

/// With unit strides and `valid` padding, inputGradByTaps; otherwise
/// dx = conv(pad(dilate_s(dy)), flip(K) with c and f swapped), dilation d.
Value lowering::buildConv2DInputGrad(OpBuilder &b, Location loc, Value dy,
                                     Value kernel, RankedTensorType dxType,
                                     ArrayRef<int64_t> s, ArrayRef<int64_t> d,
                                     Padding padding) {
  if (padding == Padding::valid &&
      llvm::all_of(s, [](int64_t v) { return v == 1; }))
    return inputGradByTaps(b, loc, dy, kernel, dxType, d);
  Value outputGrad = dy;
  auto dyType = cast<RankedTensorType>(dy.getType());
  auto kernelType = cast<RankedTensorType>(kernel.getType());
  int64_t kh = kernelType.getDimSize(0), kw = kernelType.getDimSize(1);
  int64_t c = kernelType.getDimSize(2), f = kernelType.getDimSize(3);

  if (s[0] > 1 || s[1] > 1)
    dy = spreadByStrides(b, loc, dy, s);
  // Full correlation: pad so that every input cell sees every tap.
  SmallVector<OpFoldResult> low(4, b.getIndexAttr(0)),
      high(4, b.getIndexAttr(0));
  int64_t window[2] = {kh, kw};
  for (int i = 0; i < 2; ++i) {
    int64_t in = dxType.getDimSize(i + 1);
    int64_t out = dyType.getDimSize(i + 1);
    int64_t before = paddingAmounts(in, window[i], s[i], d[i], padding).first;
    int64_t span = (window[i] - 1) * d[i];
    low[i + 1] = b.getIndexAttr(span - before);
    high[i + 1] = b.getIndexAttr(in - 1 - (out - 1) * s[i] + before);
  }
  Value zero = constantF32(b, loc, 0.0f);
  Value padded = b.create<tensor::PadOp>(loc, nullptr, dy, low, high, zero);

  // K'[p, q, f, c] = K[kh-1-p, kw-1-q, c, f], read in the body: tiling
  // cannot slice through an indexing map with negative coefficients.
  auto flippedType = RankedTensorType::get({kh, kw, f, c}, b.getF32Type());
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
                 ValueRange{reversed(0, kh), reversed(1, kw), index(3),
                            index(2)});
             nb.create<linalg::YieldOp>(nl, value);
           })
          .getResult(0);

  Value init = filledTensor(b, loc, dxType, outputGrad, 0.0f);
  return b
      .create<linalg::Conv2DNhwcHwcfOp>(
          loc, TypeRange{dxType}, ValueRange{padded, flipped}, ValueRange{init},
          b.getI64VectorAttr({1, 1}), b.getI64VectorAttr(d))
      .getResult(0);
}

namespace {

struct LowerConv2DInputGrad : OpRewritePattern<Conv2DInputGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(Conv2DInputGradOp op,
                                PatternRewriter &b) const override {
    b.replaceOp(op, buildConv2DInputGrad(b, op.getLoc(), op.getOutputGrad(),
                                         op.getKernel(), op.getType(),
                                         op.getStrides(), op.getDilation(),
                                         op.getPadding()));
    return success();
  }
};

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
  auto windowType = RankedTensorType::get(
      {1, dyType.getDimSize(1), dyType.getDimSize(2), c}, b.getF32Type());
  auto tapType = RankedTensorType::get({c, f}, b.getF32Type());
  Value zeros = filledTensor(b, loc, kernelType, Value(), 0.0f);
  auto dim = [&](unsigned k) { return b.getAffineDimExpr(k); };
  // Dims: c, f, n, i, j.
  SmallVector<AffineMap> maps{map(b, 5, {dim(2), dim(3), dim(4), dim(0)}),
                              map(b, 5, {dim(2), dim(3), dim(4), dim(1)}),
                              map(b, 5, {dim(0), dim(1)})};
  SmallVector<OpFoldResult> unitStrides(4, index(1));
  return forEachImage(
      b, loc, dy, zeros,
      [&](OpBuilder &ib, Location il, Value n, Value gradAll) -> Value {
        Value xImage = image(ib, il, padded, n), dyImage = image(ib, il, dy, n);
        return forEachTap(
            ib, il, kh, kw, gradAll,
            [&](OpBuilder &cb, Location cl, Value p, Value q,
                Value grad) -> Value {
              Value row =
                  cb.create<arith::MulIOp>(cl, p, constantIndex(cb, cl, d[0]));
              Value col =
                  cb.create<arith::MulIOp>(cl, q, constantIndex(cb, cl, d[1]));
              Value window = cb.create<tensor::ExtractSliceOp>(
                  cl, windowType, xImage,
                  SmallVector<OpFoldResult>{index(0), row, col, index(0)},
                  SmallVector<OpFoldResult>{
                      index(1), index(dyType.getDimSize(1)),
                      index(dyType.getDimSize(2)), index(c)},
                  SmallVector<OpFoldResult>{index(1), index(s[0]), index(s[1]),
                                            index(1)});
              SmallVector<OpFoldResult> tapOffsets{p, q, index(0), index(0)};
              SmallVector<OpFoldResult> tapSizes{index(1), index(1), index(c),
                                                 index(f)};
              Value tap = cb.create<tensor::ExtractSliceOp>(
                  cl, tapType, grad, tapOffsets, tapSizes, unitStrides);
              Value sum =
                  cb.create<linalg::GenericOp>(
                        cl, TypeRange{tapType}, ValueRange{window, dyImage},
                        ValueRange{tap}, maps, iterators(2, 3),
                        [](OpBuilder &nb, Location nl, ValueRange args) {
                          nb.create<linalg::YieldOp>(nl,
                                                     multiplyAdd(nb, nl, args));
                        })
                      .getResult(0);
              return cb.create<tensor::InsertSliceOp>(cl, sum, grad, tapOffsets,
                                                      tapSizes, unitStrides);
            });
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
  // Each tap's window is sliced with its unit channel kept, then collapsed
  // away: a slice that drops it (rank-reducing) is ambiguous when rows or
  // columns are 1 too, and MLIR 19's subview folding then crashes or
  // allocates without bound in convert-linalg-to-loops (a 1x1 image under
  // a strided 'same' convolution; Driver/kernel-grad-unit-image.test).
  auto sliceType = RankedTensorType::get({dyType.getDimSize(0), rows, cols, 1},
                                         b.getF32Type());
  auto tapType = RankedTensorType::get({f}, b.getF32Type());
  auto dim = [&](unsigned k) { return b.getAffineDimExpr(k); };
  // Dims: n, i, j, f.
  AffineMap pixel = map(b, 4, {dim(0), dim(1), dim(2)});
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  for (int64_t p = 0; p < kh; ++p)
    for (int64_t q = 0; q < kw; ++q) {
      Value window = b.create<tensor::ExtractSliceOp>(
          loc, sliceType, padded,
          SmallVector<OpFoldResult>{index(0), index(p * d[0]), index(q * d[1]),
                                    index(0)},
          SmallVector<OpFoldResult>{batch, index(rows), index(cols), index(1)},
          SmallVector<OpFoldResult>{index(1), index(s[0]), index(s[1]),
                                    index(1)});
      inputs.push_back(b.create<tensor::CollapseShapeOp>(
          loc, window, ArrayRef<ReassociationIndices>{{0}, {1}, {2, 3}}));
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
      ArrayRef<utils::IteratorType>{
          utils::IteratorType::reduction, utils::IteratorType::reduction,
          utils::IteratorType::reduction, utils::IteratorType::parallel},
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
        SmallVector<OpFoldResult>{index(t / kw), index(t % kw), index(0),
                                  index(0)},
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
                 SmallVector<OpFoldResult>{index(1), index(rows), index(cols),
                                           index(1)},
                 unit);
             Value taps = lb.create<tensor::ExtractSliceOp>(
                 ll, tapsType, dy,
                 SmallVector<OpFoldResult>{n, index(0), index(0), index(0)},
                 SmallVector<OpFoldResult>{
                     index(1), index(dyType.getDimSize(1)),
                     index(dyType.getDimSize(2)), index(f)},
                 unit);
             Value filter = lb.create<tensor::ExpandShapeOp>(
                 ll, filterType, taps,
                 ArrayRef<ReassociationIndices>{{0}, {1}, {2, 3}});
             Value next =
                 lb.create<linalg::Conv2DNhwcHwcfOp>(
                       ll, TypeRange{sumType}, ValueRange{image, filter}, acc,
                       lb.getI64VectorAttr(d), lb.getI64VectorAttr(s))
                     .getResult(0);
             lb.create<scf::YieldOp>(ll, next);
           })
          .getResult(0);
  // (1, kh, kw, f) -> (kh, kw, 1, f)
  return transposed(b, loc, sum, {1, 2, 0, 3});
}

/// dK[p,q,c,f] = sum_{n,i,j} xpad[n, i*s0+p*d0, j*s1+q*d1, c] * dy[n,i,j,f],
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
    Value padded =
        padSpatial(b, loc, op.getInput(), kernelType.getShape().take_front(2),
                   s, d, op.getPadding(), 0.0f);
    int64_t rows = (dyType.getDimSize(1) - 1) * s[0] + (kh - 1) * d[0] + 1;
    int64_t cols = (dyType.getDimSize(2) - 1) * s[1] + (kw - 1) * d[1] + 1;
    auto paddedType = cast<RankedTensorType>(padded.getType());
    if (rows != paddedType.getDimSize(1) || cols != paddedType.getDimSize(2)) {
      SmallVector<OpFoldResult> offsets(4, b.getIndexAttr(0));
      SmallVector<OpFoldResult> sizes{tensor::getMixedSize(b, loc, padded, 0),
                                      b.getIndexAttr(rows),
                                      b.getIndexAttr(cols), b.getIndexAttr(c)};
      SmallVector<OpFoldResult> strides(4, b.getIndexAttr(1));
      padded = b.create<tensor::ExtractSliceOp>(loc, padded, offsets, sizes,
                                                strides);
    }
    Value dy = op.getOutputGrad();
    Value grad;
    if (c > 1)
      grad = kernelGradByTaps(b, loc, padded, dy, kernelType, s, d);
    else if (!(grad =
                   kernelGradOneChannel(b, loc, padded, dy, kernelType, s, d)))
      grad = kernelGradPerImage(b, loc, padded, dy, kernelType, s, d);
    b.replaceOp(op, grad);
    return success();
  }
};

/// db[f] = sum of dy over every axis but the last.
struct LowerBiasGrad : OpRewritePattern<BiasGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BiasGradOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    int64_t rank = op.getOutputGrad().getType().getRank();
    Value init = filledTensor(b, loc, type, Value(), 0.0f);
    SmallVector<int64_t> reduced =
        llvm::to_vector(llvm::seq<int64_t>(0, rank - 1));
    b.replaceOp(
        op, b.create<linalg::ReduceOp>(
                 loc, ValueRange{op.getOutputGrad()}, ValueRange{init}, reduced,
                 [](OpBuilder &nb, Location nl, ValueRange args) {
                   nb.create<linalg::YieldOp>(
                       nl, ValueRange{
                               nb.create<arith::AddFOp>(nl, args[0], args[1])});
                 })
                .getResult(0));
    return success();
  }
};

} // namespace

void lowering::populateConvBackwardPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerConv2DInputGrad, LowerConv2DKernelGrad, LowerBiasGrad>(
      patterns.getContext());
}
