//===- FewFilterConv.cpp - Convolutions with few filters, full vectors ----===//
//
// A convolution vectorized along its filters fills a 16-lane vector only
// when it has 16 or more: with 8 filters every FMA is half empty, with 4 a
// quarter full. Here the lanes hold F filters times G = 16 / F input
// channels instead (docs/compiler.md §6): lane f * G + j accumulates the
// products of input channels c = j (mod G) with filter f. One step takes G
// channels c0 .. c0 + G - 1 of a pixel, repeats them F times (one
// broadcast of G floats), and multiplies them with the kernel's G rows
// k[kh, kw, c0 .. c0 + G - 1, 0 .. F - 1], loaded as 16 contiguous floats
// and interleaved once for all the tile's pixels. A step holds the rows of
// several kernel columns (taps) at once, so that each broadcast input
// column feeds one FMA per tap that reads it. Each pixel's G partial sums
// per filter are added once, when the tile is written.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/FewFilterConv.h"
#include "compiler/Transforms/ConvEpilogue.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

int64_t cnnc::fewFilterChannelGroups(linalg::Conv2DNhwcHwcfOp op) {
  auto kernel = dyn_cast<ShapedType>(op.getDpsInputs()[1].getType());
  auto output = dyn_cast<ShapedType>(op.getDpsInits()[0].getType());
  if (!kernel || !output || !kernel.hasStaticShape() ||
      llvm::any_of(op->getOperandTypes(),
                   [](Type t) {
                     return !cast<ShapedType>(t).getElementType().isF32();
                   }) ||
      ShapedType::isDynamic(output.getDimSize(2)))
    return 0;
  // Unit strides and dilations only. The rewrite is exact for any (its
  // conv-variants training test says), but it sums each filter's channels in G
  // interleaved partial sums: the input gradient of a strided
  // Conv2DTranspose then trained to TF.js's weights within 1e-9 after a
  // step yet 1.6e-3 apart after 20 (test/interop/tfjs-train-conv-variants:
  // sums that were exactly 0 came out as +-1e-10, flipping relu's
  // derivative), where the filter-vector order agrees within 3e-8.
  auto unit = [](DenseIntElementsAttr values) {
    return llvm::all_of(values.getValues<int64_t>(),
                        [](int64_t v) { return v == 1; });
  };
  if (!unit(op.getStrides()) || !unit(op.getDilations()))
    return 0;
  int64_t filters = kernel.getDimSize(3), channels = kernel.getDimSize(2);
  if (filters >= kFewFilterLanes || kFewFilterLanes % filters != 0)
    return 0;
  int64_t groups = kFewFilterLanes / filters;
  return channels % groups == 0 ? groups : 0;
}

namespace {

/// The most output pixels of a tile: one accumulator register each, with
/// room left for the kernel rows and the broadcasts.
constexpr int64_t kMaxPixels = 16;

/// Input channels a reduction step takes (unrolled in the step's body).
constexpr int64_t kStepChannels = 8;

/// Vector registers of the target (AVX-512: 32 zmm): a step keeps its
/// accumulators, its taps' kernel rows and a broadcast or two in them.
constexpr int64_t kVectorRegisters = 32;

struct FewFilterConvTile : OpRewritePattern<linalg::Conv2DNhwcHwcfOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::Conv2DNhwcHwcfOp op,
                                PatternRewriter &b) const override {
    if (!op.hasPureBufferSemantics())
      return b.notifyMatchFailure(op, "needs buffers");
    Value input = op.getDpsInputs()[0], kernel = op.getDpsInputs()[1];
    Value output = op.getDpsInits()[0];
    auto inputType = cast<MemRefType>(input.getType());
    auto outputType = cast<MemRefType>(output.getType());
    int64_t groups = cnnc::fewFilterChannelGroups(op);
    if (!op->hasAttr(cnnc::kFewFilterTile) || !groups ||
        !inputType.hasStaticShape() || !outputType.hasStaticShape() ||
        outputType.getDimSize(0) != 1 || outputType.getDimSize(1) != 1 ||
        outputType.getDimSize(2) > kMaxPixels)
      return b.notifyMatchFailure(op, "not a few-filter register tile");
    // Found before the tile's loops go in front of `op`.
    std::optional<cnnc::ConvEpilogue> epilogue = cnnc::tileEpilogue(op);
    auto kernelShape = cast<MemRefType>(kernel.getType()).getShape();
    int64_t rows = kernelShape[0], columns = kernelShape[1];
    int64_t channels = kernelShape[2], filters = kernelShape[3];
    int64_t pixels = outputType.getDimSize(2);
    // Groups per step: a divisor of the channel groups, at most
    // kStepChannels channels (at least one group).
    int64_t perStep = 1;
    for (int64_t d = 1; d * groups <= std::max(kStepChannels, groups); ++d)
      if ((channels / groups) % d == 0)
        perStep = d;

    Location loc = op.getLoc();
    Type f32 = b.getF32Type();
    auto lanesType = VectorType::get({cnnc::kFewFilterLanes}, f32);
    auto groupType = VectorType::get({groups}, f32);
    auto filterType = VectorType::get({filters}, f32);
    auto rowsType = VectorType::get({groups, filters}, f32);
    auto index = [&](int64_t v) -> Value {
      return b.create<arith::ConstantIndexOp>(loc, v);
    };
    Value zero = index(0);
    Value pad = b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(0));
    // Lane f * G + j of a step's kernel vector is k[.., c0 + j, f], loaded
    // as j * F + f; lane f * G + j of its input vector is x[.., c0 + j].
    SmallVector<int64_t> kernelMix, inputRepeat;
    for (int64_t f = 0; f < filters; ++f)
      for (int64_t j = 0; j < groups; ++j) {
        kernelMix.push_back(j * filters + f);
        inputRepeat.push_back(j);
      }

    // Taps per step: as many kernel columns as fit in registers beside the
    // accumulators and a broadcast (a divisor of the kernel's width; all 3
    // of a 3x3 kernel beside 14 pixels).
    int64_t taps = 1;
    for (int64_t d = 1; d <= columns; ++d)
      if (columns % d == 0 && pixels + d <= kVectorRegisters - 2)
        taps = d;

    SmallVector<Value> init(
        pixels, b.create<arith::ConstantOp>(loc, b.getZeroAttr(lanesType)));
    // The input column a step's pixel w reads with the step's tap t is
    // kw0 + w + t (unit strides and dilations): a column j feeds pixels
    // w = j - t, one per tap. Each input column is broadcast once per step
    // and multiplied with every tap's kernel rows it meets, so one load
    // feeds up to `taps` FMAs (with the taps as a loop around the pixels,
    // every FMA took a load of its own, and loads, not FMAs, bounded the
    // step).
    auto rowLoop = b.create<scf::ForOp>(
        loc, zero, index(rows), index(1), init,
        [&](OpBuilder &rb, Location, Value kh, ValueRange rowAccs) {
          auto tapLoop = rb.create<scf::ForOp>(
              loc, zero, index(columns), index(taps), rowAccs,
              [&](OpBuilder &tb, Location, Value kw0, ValueRange tapAccs) {
                auto channelLoop = tb.create<scf::ForOp>(
                    loc, zero, index(channels), index(perStep * groups),
                    tapAccs,
                    [&](OpBuilder &sb, Location, Value c0, ValueRange accs) {
                      SmallVector<Value> next(accs);
                      for (int64_t g = 0; g < perStep; ++g) {
                        Value c = sb.create<arith::AddIOp>(loc, c0,
                                                           index(g * groups));
                        SmallVector<Value> mixed;
                        for (int64_t t = 0; t < taps; ++t) {
                          Value kw =
                              sb.create<arith::AddIOp>(loc, kw0, index(t));
                          Value rows = sb.create<vector::TransferReadOp>(
                              loc, rowsType, kernel,
                              ValueRange{kh, kw, c, zero}, pad,
                              ArrayRef<bool>{true, true});
                          Value flat = sb.create<vector::ShapeCastOp>(
                              loc, lanesType, rows);
                          mixed.push_back(sb.create<vector::ShuffleOp>(
                              loc, flat, flat, kernelMix));
                        }
                        for (int64_t j = 0; j < pixels + taps - 1; ++j) {
                          Value column =
                              sb.create<arith::AddIOp>(loc, kw0, index(j));
                          Value x = sb.create<vector::TransferReadOp>(
                              loc, groupType, input,
                              ValueRange{zero, kh, column, c}, pad,
                              ArrayRef<bool>{true});
                          Value repeated = sb.create<vector::ShuffleOp>(
                              loc, x, x, inputRepeat);
                          for (int64_t t = 0; t < taps; ++t) {
                            int64_t w = j - t;
                            if (w < 0 || w >= pixels)
                              continue;
                            next[w] = sb.create<vector::FMAOp>(
                                loc, repeated, mixed[t], next[w]);
                          }
                        }
                      }
                      sb.create<scf::YieldOp>(loc, next);
                    });
                tb.create<scf::YieldOp>(loc, channelLoop.getResults());
              });
          rb.create<scf::YieldOp>(loc, tapLoop.getResults());
        });

    // Each filter's G partial sums, added to what the output held (the
    // bias, or the sum so far), or, when --cnn-vectorize moved the
    // convolution's epilogue into the tile (ConvEpilogue.cpp), added to the
    // bias itself and put through the activation on their way to its
    // output: the bias broadcast, the reload and the activation's pass over
    // the row go (bias + sum, then the activation's ops: the same bits).
    // Two pixels at a time where the destination row is contiguous: one
    // shuffle per channel group takes that group's partial sums of both
    // pixels, in the output's order (pixel w's F filters, then w + 1's), so
    // a pair costs G shuffles, one load and one store of 2F lanes; a pixel
    // alone costs as many shuffles and half-width accesses (a quarter of
    // the pass's time went to these, one by one).
    Value destination =
        epilogue ? epilogue->activation.getDpsInits()[0] : output;
    auto destinationType = cast<MemRefType>(destination.getType());
    Value bias;
    if (epilogue)
      bias = b.create<vector::TransferReadOp>(
          loc, filterType, epilogue->bias.getInput(), ValueRange{zero}, pad,
          ArrayRef<bool>{true});
    SmallVector<int64_t> twice;
    for (int64_t pixel = 0; pixel < 2; ++pixel)
      for (int64_t f = 0; f < filters; ++f)
        twice.push_back(f);
    // What the sums start from, and what is stored.
    auto addend = [&](VectorType type, Value row, ValueRange at) -> Value {
      if (!bias)
        return b.create<vector::TransferReadOp>(loc, type, row, at, pad,
                                                ArrayRef<bool>{true});
      if (type == filterType)
        return bias;
      return b.create<vector::ShuffleOp>(loc, bias, bias, twice);
    };
    auto store = [&](Value sum, Value row, ValueRange at) {
      if (epilogue)
        sum = cnnc::applyElementwise(b, loc, epilogue->activation, sum);
      b.create<vector::TransferWriteOp>(loc, sum, row, at,
                                        ArrayRef<bool>{true});
    };
    SmallVector<ReassociationIndices> rowOfPixels{{0}, {1}, {2, 3}};
    bool pairs = memref::CollapseShapeOp::isGuaranteedCollapsible(
        destinationType, rowOfPixels);
    Value outputRow =
        pairs ? b.create<memref::CollapseShapeOp>(loc, destination, rowOfPixels)
                    .getResult()
              : Value();
    auto pairType = VectorType::get({2 * filters}, f32);
    int64_t w = 0;
    for (; pairs && w + 1 < pixels; w += 2) {
      Value first = rowLoop.getResult(w), second = rowLoop.getResult(w + 1);
      Value sum;
      for (int64_t j = 0; j < groups; ++j) {
        SmallVector<int64_t> lanes;
        for (int64_t pixel = 0; pixel < 2; ++pixel)
          for (int64_t f = 0; f < filters; ++f)
            lanes.push_back(pixel * cnnc::kFewFilterLanes + f * groups + j);
        Value part = b.create<vector::ShuffleOp>(loc, first, second, lanes);
        sum = sum ? b.create<arith::AddFOp>(loc, sum, part) : part;
      }
      SmallVector<Value> at{zero, zero, index(w * filters)};
      Value old = addend(pairType, outputRow, at);
      store(b.create<arith::AddFOp>(loc, old, sum), outputRow, at);
    }
    for (; w < pixels; ++w) {
      Value acc = rowLoop.getResult(w);
      Value sum;
      for (int64_t j = 0; j < groups; ++j) {
        SmallVector<int64_t> lanes;
        for (int64_t f = 0; f < filters; ++f)
          lanes.push_back(f * groups + j);
        Value part = b.create<vector::ShuffleOp>(loc, acc, acc, lanes);
        sum = sum ? b.create<arith::AddFOp>(loc, sum, part) : part;
      }
      SmallVector<Value> at{zero, zero, index(w), zero};
      Value old = addend(filterType, destination, at);
      store(b.create<arith::AddFOp>(loc, old, sum), destination, at);
    }
    if (epilogue) {
      b.eraseOp(epilogue->activation);
      b.eraseOp(epilogue->bias);
    }
    b.eraseOp(op);
    return success();
  }
};

} // namespace

void cnnc::populateFewFilterConvPatterns(RewritePatternSet &patterns) {
  // Before the 2-D to 1-D decomposition, which would take a one-row tile.
  patterns.add<FewFilterConvTile>(patterns.getContext(), /*benefit=*/2);
}
