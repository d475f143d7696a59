//===- FewFilterKernelGradient.cpp - Kernel gradients of few filters ------===//
//
// One tap of a convolution's kernel gradient, dk(c, f) = sum over the
// pixels of x(n, h, w, c) * dy(n, h, w, f), went by the contraction tiles
// (Vectorize.cpp): rows of channels by a vector of the F filters, one
// broadcast of x(c) per channel and pixel. With 8 filters that vector is
// half a register, and each FMA came with a broadcast from a register, on
// the shuffle port the FMAs share: a quarter of the peak at best, and the
// largest part of the 8-filter chain's training step.
//
// Here the lanes hold (filter, channel mod G) with G = 16 / F, as in the
// forward tiles (FewFilterConv.cpp): lane f * G + j accumulates the
// products of filter f with channels c = j (mod G). Per pixel, dy's F
// filters are repeated G times by one permute (lane f * G + j takes dy(f)),
// and each group of G channels of x is one broadcast load (`vbroadcastsd`
// for G = 2, no shuffle) and one full-width FMA. The taps of a kernel row
// (the loop around the per-tap ops) run in the same pass over the pixels,
// so that they share each pixel's permute and read the batch once, not once
// per tap, and give that many independent accumulators. Each accumulator
// starts from what the output held (its G rows of F filters, lanes
// reordered) and goes back there in the kernel's order (rows c, columns f)
// at the end.
//
// Every sum keeps the contraction tiles' order: each (c, f) is one running
// sum over (image, row, column) from the output's value, so the gradients
// are the same bits as theirs. (The lowering calls the op once per image:
// a sum started at zero and added to the output at the end, dk + (p1 + p2
// + ...), rounds otherwise than dk + p1 + p2 + ..., and the last filters
// of a wider gradient, 32 + 4 of 36, take this form where they took a
// contraction tile.) Splitting a sum over pixels (4 pixels side by side, in
// accumulators of their own, added at the end) changed its last bits, and
// test/interop/tfjs-train-conv-variants' SeparableConv2D (a 1x1 kernel of 8
// filters) then trained 1.6e-3 away from TF.js after 20 steps instead of
// within 1e-4: relu's derivative flips where such sums cross zero.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/FewFilterKernelGradient.h"
#include "compiler/Transforms/FewFilterConv.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;

namespace {

/// Whether `value` is an f32 memref whose last dimension is contiguous.
bool contiguousRows(Value value, SmallVectorImpl<int64_t> &strides) {
  auto type = dyn_cast<MemRefType>(value.getType());
  int64_t offset;
  return type && type.getElementType().isF32() &&
         succeeded(getStridesAndOffset(type, strides, offset)) &&
         !strides.empty() && strides.back() == 1;
}

/// The largest divisor of `size` that is at most `limit` (at least 1).
int64_t divisorAtMost(int64_t size, int64_t limit) {
  for (int64_t d = std::min(size, limit); d > 1; --d)
    if (size % d == 0)
      return d;
  return 1;
}

/// Accumulators of a pass over the pixels (taps x channel groups): at
/// most 16, so that they, dy's repeated filters and a broadcast or two stay
/// in the 32 vector registers.
constexpr int64_t kMaxAccumulators = 16;

} // namespace

bool cnnc::isKernelGradientTap(linalg::GenericOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || op.getNumLoops() != 5 ||
      !linalg::isaContractionOpInterface(op))
    return false;
  MLIRContext *ctx = op.getContext();
  AffineExpr c, f, n, h, w;
  bindDims(ctx, c, f, n, h, w);
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  return maps[0] == AffineMap::get(5, 0, {n, h, w, c}, ctx) &&
         maps[1] == AffineMap::get(5, 0, {n, h, w, f}, ctx) &&
         maps[2] == AffineMap::get(5, 0, {c, f}, ctx);
}

int64_t cnnc::fewFilterKernelGradientGroups(linalg::GenericOp op) {
  if (!isKernelGradientTap(op))
    return 0;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t channels = ranges[0], filters = ranges[1];
  if (llvm::any_of(ArrayRef<int64_t>{channels, filters, ranges[3], ranges[4]},
                   ShapedType::isDynamic) ||
      filters >= kFewFilterLanes || kFewFilterLanes % filters != 0)
    return 0;
  int64_t groups = kFewFilterLanes / filters;
  SmallVector<int64_t> xStrides, dyStrides, dkStrides;
  // The images' channels one run each, the output's rows too: F floats
  // apart, or further for the last filters of a wider kernel gradient
  // (36 = 32 + 4: rows of 4 floats, 36 apart), whose G rows of a group are
  // then read and written one row at a time.
  if (channels % groups != 0 ||
      !contiguousRows(op.getDpsInputs()[0], xStrides) ||
      !contiguousRows(op.getDpsInputs()[1], dyStrides) ||
      !contiguousRows(op.getDpsInits()[0], dkStrides) ||
      dkStrides.size() != 2 || ShapedType::isDynamic(dkStrides[0]) ||
      dkStrides[0] < filters)
    return 0;
  return groups;
}

namespace {

/// The taps a rewrite computes at once: the views of x and of the kernel
/// gradient each tap reads and writes.
struct Tap {
  Value x, dk;
};

/// When `op` is the body of a loop over a kernel row's taps (`scf.for %kw
/// = 0 to KW step 1` holding only the views of x and dk that depend on %kw,
/// as the tiled kernel gradient is: one op per tap), the loop and its KW
/// taps, each with the views cloned for its %kw; otherwise `op` alone.
/// Several taps share each pixel's repeated dy and read x and dy in one
/// pass over the pixels instead of one pass each, and their accumulators
/// are independent chains of FMAs.
Operation *collectTaps(RewriterBase &b, linalg::GenericOp op, int64_t maxTaps,
                       SmallVectorImpl<Tap> &taps) {
  Value x = op.getDpsInputs()[0], dy = op.getDpsInputs()[1];
  Value dk = op.getDpsInits()[0];
  auto loop = dyn_cast<scf::ForOp>(op->getParentOp());
  std::optional<int64_t> lower, upper, step;
  if (loop) {
    lower = getConstantIntValue(loop.getLowerBound());
    upper = getConstantIntValue(loop.getUpperBound());
    step = getConstantIntValue(loop.getStep());
  }
  bool tapLoop =
      loop && loop.getNumResults() == 0 && lower == 0 && step == 1 && upper &&
      *upper >= 1 && *upper <= maxTaps &&
      !loop->isAncestor(dy.getParentBlock()->getParentOp()) &&
      llvm::all_of(loop.getBody()->without_terminator(), [&](Operation &o) {
        return &o == op.getOperation() || isa<memref::SubViewOp>(o);
      });
  if (!tapLoop) {
    taps.push_back({x, dk});
    return op;
  }
  b.setInsertionPoint(loop);
  for (int64_t t = 0; t < *upper; ++t) {
    IRMapping map;
    map.map(loop.getInductionVar(),
            b.create<arith::ConstantIndexOp>(loop.getLoc(), t).getResult());
    for (Operation &o : loop.getBody()->without_terminator())
      if (&o != op.getOperation())
        b.clone(o, map);
    taps.push_back({map.lookupOrDefault(x), map.lookupOrDefault(dk)});
  }
  return loop;
}

} // namespace

void cnnc::rewriteFewFilterKernelGradient(RewriterBase &b,
                                          linalg::GenericOp op) {
  Location loc = op.getLoc();
  Value dy = op.getDpsInputs()[1];
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t channels = ranges[0], filters = ranges[1];
  int64_t height = ranges[3], width = ranges[4];
  int64_t groups = fewFilterKernelGradientGroups(op);
  int64_t lanes = kFewFilterLanes;
  SmallVector<Tap> taps;
  Operation *replaced = collectTaps(b, op, kMaxAccumulators, taps);
  int64_t tapCount = taps.size();
  b.setInsertionPoint(replaced);
  // Channel groups per pass over the pixels: taps x groups accumulators.
  int64_t block = divisorAtMost(
      channels / groups, std::max<int64_t>(1, kMaxAccumulators / tapCount));
  auto slot = [&](int64_t t, int64_t g) { return t * block + g; };

  Type f32 = b.getF32Type();
  auto lanesType = VectorType::get({lanes}, f32);
  auto groupType = VectorType::get({groups}, f32);
  auto filterType = VectorType::get({filters}, f32);
  auto rowsType = VectorType::get({groups, filters}, f32);
  auto index = [&](int64_t v) -> Value {
    return b.create<arith::ConstantIndexOp>(loc, v);
  };
  Value zero = index(0), one = index(1);
  Value pad = b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(0));
  Value batch = getValueOrCreateConstantIndexOp(
      b, loc, memref::getMixedSize(b, loc, dy, 0));
  // Lane f * G + j: dy(f) and x(c0 + j).
  SmallVector<int64_t> filterRepeat, channelRepeat, kernelOrder;
  for (int64_t l = 0; l < lanes; ++l) {
    filterRepeat.push_back(l / groups);
    channelRepeat.push_back(l % groups);
  }
  // Output lane j * F + f (row c0 + j, column f) is lane f * G + j, and
  // back.
  SmallVector<int64_t> laneOrder;
  for (int64_t j = 0; j < groups; ++j)
    for (int64_t f = 0; f < filters; ++f)
      kernelOrder.push_back(f * groups + j);
  for (int64_t l = 0; l < lanes; ++l)
    laneOrder.push_back(l % groups * filters + l / groups);

  b.create<scf::ForOp>(
      loc, zero, index(channels), index(block * groups), ValueRange{},
      [&](OpBuilder &cb, Location, Value c0, ValueRange) {
        // Each accumulator starts from the G rows of the output it sums
        // into, one lane per (c, f).
        SmallVector<Value> init;
        for (int64_t t = 0; t < tapCount; ++t)
          for (int64_t g = 0; g < block; ++g) {
            Value c = cb.create<arith::AddIOp>(loc, c0, index(g * groups));
            Value rows = cb.create<vector::TransferReadOp>(
                loc, rowsType, taps[t].dk, ValueRange{c, zero}, pad,
                ArrayRef<bool>{true, true});
            Value flat = cb.create<vector::ShapeCastOp>(loc, lanesType, rows);
            init.push_back(
                cb.create<vector::ShuffleOp>(loc, flat, flat, laneOrder));
          }
        auto pixelStep = [&](OpBuilder &pb, Value image, Value row,
                             Value column, ValueRange accs) {
          SmallVector<Value> next(accs);
          {
            Value d = pb.create<vector::TransferReadOp>(
                loc, filterType, dy, ValueRange{image, row, column, zero}, pad,
                ArrayRef<bool>{true});
            Value repeated =
                pb.create<vector::ShuffleOp>(loc, d, d, filterRepeat);
            for (int64_t t = 0; t < tapCount; ++t)
              for (int64_t g = 0; g < block; ++g) {
                Value c = pb.create<arith::AddIOp>(loc, c0, index(g * groups));
                Value v = pb.create<vector::TransferReadOp>(
                    loc, groupType, taps[t].x,
                    ValueRange{image, row, column, c}, pad,
                    ArrayRef<bool>{true});
                Value broadcast =
                    pb.create<vector::ShuffleOp>(loc, v, v, channelRepeat);
                Value &acc = next[slot(t, g)];
                acc = pb.create<vector::FMAOp>(loc, broadcast, repeated, acc);
              }
          }
          return next;
        };
        auto images = cb.create<scf::ForOp>(
            loc, zero, batch, one, init,
            [&](OpBuilder &nb, Location, Value image, ValueRange imageAccs) {
              auto rows = nb.create<scf::ForOp>(
                  loc, zero, index(height), one, imageAccs,
                  [&](OpBuilder &hb, Location, Value row, ValueRange rowAccs) {
                    auto columns = hb.create<scf::ForOp>(
                        loc, zero, index(width), one, rowAccs,
                        [&](OpBuilder &wb, Location, Value column,
                            ValueRange accs) {
                          wb.create<scf::YieldOp>(
                              loc, pixelStep(wb, image, row, column, accs));
                        });
                    hb.create<scf::YieldOp>(loc, columns.getResults());
                  });
              nb.create<scf::YieldOp>(loc, rows.getResults());
            });
        for (int64_t t = 0; t < tapCount; ++t)
          for (int64_t g = 0; g < block; ++g) {
            Value sum = images.getResult(slot(t, g));
            Value ordered =
                cb.create<vector::ShuffleOp>(loc, sum, sum, kernelOrder);
            Value c = cb.create<arith::AddIOp>(loc, c0, index(g * groups));
            cb.create<vector::TransferWriteOp>(
                loc, cb.create<vector::ShapeCastOp>(loc, rowsType, ordered),
                taps[t].dk, ValueRange{c, zero}, ArrayRef<bool>{true, true});
          }
        cb.create<scf::YieldOp>(loc);
      });
  b.eraseOp(replaced);
}
