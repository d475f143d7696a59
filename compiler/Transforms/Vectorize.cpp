//===- Vectorize.cpp - Register-sized tiles, vectorized -------------------===//
//
// This file implements --cnn-vectorize, after --cnn-tile has made cache-sized
// tiles and bufferization has turned them into buffers. Every linalg op is
// tiled again, to register-sized tiles whose sizes
// divide the op's dimensions (so every tile is static and whole), and the
// tile is vectorized:
//   - conv_2d_nhwc_hwcf: (n, oh, ow, f, kh, kw, c) -> (1, 1, W, F, 1, 1, C),
//     decomposed to a 1-D convolution and vectorized; W x F/16 accumulators
//     stay in zmm registers across the kh, kw, c loops, W the divisor of the
//     row a cost model picks (convPixels; docs/compiler.md §6);
//     with 1, 2, 4 or 8 filters and unit strides and dilations, (1, 1, W,
//     F, KH, KW, C) (the whole kernel), whose lanes hold
//     filters x input channels (FewFilterConv.cpp), with a fused_conv2d's
//     bias broadcast and relu moved into the tile (ConvEpilogue.cpp);
//   - pooling and depthwise_conv_2d_nhwc_hwc: (n, oh, ow, c, kh, kw) ->
//     (1, 1, W, F, 1, kw), then likewise (vectors along the channels);
//     for convolutions and poolings, when the channels are not a whole
//     number of 16-lane vectors (36 filters), F is whole vectors and the
//     last, partial tile is peeled off the channel loop (32 + 4), never one
//     odd-sized vector (18 + 18: a zmm and a sliver, joined by shuffles at
//     every step); a convolution is split into two instead, so that the
//     rest (4) gets its own tile;
//   - matmul: one row at a time by up to 4F columns and 2C of the reduction;
//   - other contractions (a kernel gradient's taps): 8 rows by F columns
//     of the output, the reductions by 1, all but the innermost outside
//     the output's loops (reductionsOutside); a kernel gradient tap of 1,
//     2, 4 or 8 filters, lanes of filters x channels
//     (FewFilterKernelGradient.cpp), and one of filters that are not whole
//     vectors split as a convolution is (36 = 32 + 4);
//   - a transpose that moves the innermost dimension: 16 x 16 blocks;
//   - everything else (fills, broadcasts, elementwise generics, reductions):
//     each outer parallel dimension by 1, the innermost by up to 64; when
//     the innermost is dynamic and contiguous in every operand (the
//     optimizer's update), by 16 with a mask for the partial tile.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"
#include "compiler/Transforms/ConvEpilogue.h"
#include "compiler/Transforms/DecomposeWindowOps.h"
#include "compiler/Transforms/FewFilterConv.h"
#include "compiler/Transforms/FewFilterKernelGradient.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace cnnc {
#define GEN_PASS_DEF_VECTORIZE
#include "compiler/Passes.h.inc"
} // namespace cnnc

using namespace mlir;

namespace {

/// The largest divisor of `size` that is at most `limit` (1 for a dynamic
/// size, whose tiles could not be static otherwise).
int64_t divisorAtMost(int64_t size, int64_t limit) {
  if (ShapedType::isDynamic(size) || size <= 0)
    return 1;
  for (int64_t d = std::min(size, std::max<int64_t>(limit, 1)); d > 1; --d)
    if (size % d == 0)
      return d;
  return 1;
}

/// The largest divisor of `size` that is a whole number of 16-lane vectors
/// and at most `limit`; 0 if there is none.
int64_t wholeVectorsDivisor(int64_t size, int64_t limit) {
  if (ShapedType::isDynamic(size))
    return 0;
  for (int64_t d = std::min(size, limit) / 16 * 16; d >= 16; d -= 16)
    if (size % d == 0)
      return d;
  return 0;
}

struct Vectorize : cnnc::impl::VectorizeBase<Vectorize> {
  using VectorizeBase::VectorizeBase;

  /// Tile sizes for `op`, one per loop; empty to leave the op alone.
  SmallVector<int64_t> tileSizes(linalg::LinalgOp op) {
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    if (auto conv = dyn_cast<linalg::Conv2DNhwcHwcfOp>(op.getOperation())) {
      // (n, oh, ow, f, kh, kw, c)
      // Fewer than 16 filters that divide 16: one output row of W pixels
      // by all the filters and the whole kernel, whose lanes hold filters
      // x channels (FewFilterConv.cpp).
      if (cnnc::fewFilterChannelGroups(conv))
        return {1, 1, divisorAtMost(ranges[2], convWidth), ranges[3], 0, 0, 0};
      int64_t f = channelTile(ranges[3]);
      return {1,
              1,
              convPixels(ranges[2], f),
              f,
              1,
              1,
              divisorAtMost(ranges[6], reductionChannels)};
    }
    if (isa<linalg::PoolingNhwcMaxOp, linalg::PoolingNhwcMinOp,
            linalg::PoolingNhwcSumOp, linalg::DepthwiseConv2DNhwcHwcOp>(op)) {
      // A depthwise convolution has a pooling's loops and is tiled alike:
      // one output row of W pixels by F channels, decomposed to a 1-D
      // depthwise convolution whose vectors run along the channels.
      // (n, oh, ow, c, kh, kw): the whole window row stays in the tile,
      // unless it is too wide to unroll.
      return {1,
              1,
              divisorAtMost(ranges[2], convWidth),
              channelTile(ranges[3]),
              1,
              ranges[5] <= kMaxWindowRow ? 0 : 1};
    }
    if (isa<linalg::MatmulOp>(op)) {
      // (m, n, k): one row by 8 to 10 whole zmm vectors of columns when the
      // width allows (800 = 5 x 160), else up to 128 columns: independent
      // accumulators enough to hide the FMA latency that two would expose.
      int64_t columns = wholeVectorsDivisor(ranges[1], 5 * vectorChannels);
      if (columns < 4 * vectorChannels)
        columns = divisorAtMost(ranges[1], 4 * vectorChannels);
      return {1, columns, divisorAtMost(ranges[2], 2 * reductionChannels)};
    }
    if (SmallVector<int64_t> sizes = bf16Tiles(op, ranges); !sizes.empty())
      return sizes;
    if (isa<linalg::GenericOp>(op) && linalg::isaContractionOpInterface(op) &&
        op.getNumDpsInits() == 1) {
      SmallVector<int64_t> sizes = contractionTiles(op, ranges);
      if (!sizes.empty())
        return sizes;
    }
    if (auto transpose = dyn_cast<linalg::TransposeOp>(op.getOperation())) {
      SmallVector<int64_t> sizes = transposeTiles(transpose, ranges);
      if (!sizes.empty())
        return sizes;
    }
    return loopTiles(op, ranges);
  }

  /// The output pixels W of a convolution's register tile with `filters`
  /// filters (V = filters/16 zmm vectors) per tile: the divisor of the
  /// row's `width`, at most `convWidth`, that a cost model of the row finds
  /// cheapest (ties to the wider). One reduction step (one input channel of
  /// one tap) of a tile of W pixels takes, on a core with two FMA ports,
  /// two load ports and a 4-cycle FMA latency, max(W·V/2 FMA cycles,
  /// (W + V)/2 load cycles, 4 latency cycles); a tile of more than
  /// kMaxAccumulators accumulators spills and takes kSpillCost times as
  /// long. 28 pixels x 32 filters: 7 (4 x 7 cycles), where 14 (28
  /// accumulators) spilled; 26 keeps 13 (2 x 13 x 1.75) over 2 (13 x 4).
  int64_t convPixels(int64_t width, int64_t filters) const {
    if (ShapedType::isDynamic(width) || width <= 0)
      return 1;
    int64_t vectors = std::max<int64_t>(1, (filters + 15) / 16);
    // In quarter cycles, so that every term is whole.
    auto rowCost = [&](int64_t w) {
      int64_t step = 2 * std::max({w * vectors, w + vectors, int64_t(8)});
      if (w * vectors > kMaxAccumulators)
        step = step * kSpillCostQuarters / 4;
      return width / w * step;
    };
    int64_t best = 1;
    for (int64_t w = 2; w <= std::min<int64_t>(convWidth, width); ++w)
      if (width % w == 0 && rowCost(w) <= rowCost(best))
        best = w;
    return best;
  }

  /// The most zmm accumulators a convolution tile keeps without spilling:
  /// each reduction step also needs its V kernel vectors, which LLVM loads
  /// ahead for the unrolled channels of the step, and a broadcast or two.
  /// 28 spilled (14 pixels x 32 filters: accumulators stored to and
  /// reloaded from the stack at every step); 20 and 14 do not.
  static constexpr int64_t kMaxAccumulators = 24;

  /// How much longer a spilling tile's step takes, in quarters: the 28
  /// accumulators of the residual network's convolutions ran at 38 % of a
  /// core's peak, 14 at 65 % (perf, 2026-12-07), 1.7 times.
  static constexpr int64_t kSpillCostQuarters = 7;

  /// The output channels of a convolution or pooling tile: whole 16-lane
  /// vectors up to `vectorChannels` that divide the channels when they are
  /// whole vectors (32 -> 32, 64 -> 32, 48 -> 16); all of them when fewer
  /// than 16 (6 -> 6); otherwise whole vectors (36 -> 32, 47 -> 32, 20 ->
  /// 16) and a remainder tile, which peelChannelLoop splits off (36 = 32 +
  /// 4).
  int64_t channelTile(int64_t channels) const {
    if (ShapedType::isDynamic(channels) || channels < 16)
      return divisorAtMost(channels, vectorChannels);
    if (channels % 16 == 0)
      if (int64_t whole = wholeVectorsDivisor(channels, vectorChannels))
        return whole;
    return std::max<int64_t>(16, std::min<int64_t>(vectorChannels, channels) /
                                     16 * 16);
  }

  /// The loop whose tile channelTile chose, if any: a convolution's or
  /// pooling's channels, a contraction's output columns.
  std::optional<unsigned> channelDim(linalg::LinalgOp op) {
    if (isa<linalg::Conv2DNhwcHwcfOp, linalg::PoolingNhwcMaxOp,
            linalg::PoolingNhwcMinOp, linalg::PoolingNhwcSumOp>(op))
      return 3;
    if (isa<linalg::GenericOp>(op) && linalg::isaContractionOpInterface(op) &&
        op.getNumDpsInits() == 1) {
      AffineMap out = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
      if (out.isProjectedPermutation() && out.getNumResults() >= 2)
        return cast<AffineDimExpr>(out.getResults().back()).getPosition();
    }
    return std::nullopt;
  }

  /// Splits the last, partial iteration off the channel loop of a tiled
  /// convolution or pooling, `loop`, whose step does not divide its trip:
  /// both parts then have static tiles, which vectorize whole (the main
  /// part by full vectors, the remainder by one short vector).
  static void peelChannelLoop(RewriterBase &rewriter, Operation *loop) {
    auto forOp = dyn_cast_or_null<scf::ForOp>(loop);
    if (!forOp)
      return;
    std::optional<int64_t> lower = getConstantIntValue(forOp.getLowerBound());
    std::optional<int64_t> upper = getConstantIntValue(forOp.getUpperBound());
    std::optional<int64_t> step = getConstantIntValue(forOp.getStep());
    if (!lower || !upper || !step || (*upper - *lower) % *step == 0)
      return;
    scf::ForOp partial;
    (void)scf::peelForLoopAndSimplifyBounds(rewriter, forOp, partial);
  }

  /// Whether splitFilters may cut `op` along its filters, the last
  /// dimension of its second input and of its output: a convolution (the
  /// kernel's) or a kernel gradient tap (dy's).
  static bool hasFilters(linalg::LinalgOp op) {
    if (isa<linalg::Conv2DNhwcHwcfOp>(op.getOperation()))
      return true;
    auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
    return generic && cnnc::isKernelGradientTap(generic);
  }

  /// Appends `op` to `ops`, or, when it is a convolution or a kernel
  /// gradient tap whose filters are not whole 16-lane vectors (36), the two
  /// ops it splits into along them, on views of its operands: the filters
  /// channelTile's whole tiles cover (32) and the rest (4), each split
  /// again if need be. The rest then gets a tile of its own: with 1, 2, 4
  /// or 8 filters one whose lanes hold filters x channels (FewFilterConv.cpp,
  /// FewFilterKernelGradient.cpp), where a tile peeled off the filter loop
  /// would run along the same reduction as the whole ones, with a 4-lane
  /// vector. Each output element is the same sum in the same order.
  void splitFilters(RewriterBase &rewriter, linalg::LinalgOp op,
                    SmallVectorImpl<linalg::LinalgOp> &ops) {
    if (!hasFilters(op)) {
      ops.push_back(op);
      return;
    }
    OpOperand *filtered = op.getDpsInputOperand(1);
    OpOperand *output = op.getDpsInitOperand(0);
    auto filteredType = dyn_cast<MemRefType>(filtered->get().getType());
    auto outputType = dyn_cast<MemRefType>(output->get().getType());
    int64_t filters = filteredType ? filteredType.getShape().back() : 1;
    int64_t tile = channelTile(filters);
    int64_t whole = filters / std::max<int64_t>(tile, 1) * tile;
    if (!filteredType || !outputType || ShapedType::isDynamic(filters) ||
        outputType.getShape().back() != filters || filters <= 16 ||
        filters % 16 == 0 || whole == 0 || whole == filters) {
      ops.push_back(op);
      return;
    }
    rewriter.setInsertionPoint(op);
    Location loc = op.getLoc();
    auto part = [&](Value whole, int64_t offset, int64_t size) -> Value {
      auto type = cast<MemRefType>(whole.getType());
      SmallVector<OpFoldResult> offsets(type.getRank(),
                                        rewriter.getIndexAttr(0));
      SmallVector<OpFoldResult> sizes =
          memref::getMixedSizes(rewriter, loc, whole);
      SmallVector<OpFoldResult> strides(type.getRank(),
                                        rewriter.getIndexAttr(1));
      offsets.back() = rewriter.getIndexAttr(offset);
      sizes.back() = rewriter.getIndexAttr(size);
      return rewriter.create<memref::SubViewOp>(loc, whole, offsets, sizes,
                                                strides);
    };
    for (auto [offset, size] :
         {std::pair<int64_t, int64_t>{0, whole}, {whole, filters - whole}}) {
      // The same op (strides, dilations, maps, body) on the views; no
      // marks: a convolution's epilogue is for the whole filters' row.
      Value filteredPart = part(filtered->get(), offset, size);
      Value outputPart = part(output->get(), offset, size);
      Operation *piece = rewriter.clone(*op.getOperation());
      piece->setDiscardableAttrs(ArrayRef<NamedAttribute>{});
      piece->setOperand(filtered->getOperandNumber(), filteredPart);
      piece->setOperand(output->getOperandNumber(), outputPart);
      splitFilters(rewriter, cast<linalg::LinalgOp>(piece), ops);
    }
    rewriter.eraseOp(op);
  }

  /// A contraction such as a kernel gradient tap, out(c, f) += a(.., c) *
  /// b(.., f): the output's last dimension by up to F lanes, the one before
  /// it by up to 8, every reduction by 1. Each reduction step is 8
  /// broadcasts against F/16 vectors: 8 x F/16 accumulators in zmm
  /// registers over all the reduction loops. Empty (the op then goes by
  /// loopTiles) for an output of rank 1 or with a dynamic dimension.
  SmallVector<int64_t> contractionTiles(linalg::LinalgOp op,
                                        ArrayRef<int64_t> ranges) {
    AffineMap out = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
    if (!out.isProjectedPermutation() || out.getNumResults() < 2 ||
        llvm::any_of(out.getResults(), [&](AffineExpr e) {
          return ShapedType::isDynamic(
              ranges[cast<AffineDimExpr>(e).getPosition()]);
        }))
      return {};
    unsigned columns =
        cast<AffineDimExpr>(out.getResults().back()).getPosition();
    unsigned rows =
        cast<AffineDimExpr>(out.getResults()[out.getNumResults() - 2])
            .getPosition();
    SmallVector<int64_t> sizes(ranges.size(), 1);
    sizes[columns] = channelTile(ranges[columns]);
    sizes[rows] = divisorAtMost(ranges[rows], 8);
    return sizes;
  }

  /// The loop order of a contraction tiled by contractionTiles whose
  /// reductions are several loops of single steps (a convolution's kernel
  /// gradient: taps x channels x filters, summed over images, rows and
  /// columns): the reductions but the innermost outside the output's
  /// loops, so that one image row's activations are read for every tap
  /// and channel block while they are in the L1 cache, where the tile
  /// loops in order read the batch's activations once per tap and block
  /// (36 times for a 3x3 kernel of 32 channels, from memory). The
  /// accumulators are then loaded and stored once per row and tile. Each
  /// output's sum runs over the same images, rows and columns in the same
  /// order, so the result is bit for bit the same. Empty to keep the order.
  static SmallVector<unsigned> reductionsOutside(linalg::LinalgOp op,
                                                 ArrayRef<int64_t> sizes) {
    if (!isa<linalg::GenericOp>(op) || !linalg::isaContractionOpInterface(op) ||
        op.getNumDpsInits() != 1 || op.getNumReductionLoops() < 2)
      return {};
    auto iterators = op.getIteratorTypesArray();
    SmallVector<unsigned> reductions, parallel;
    for (auto [i, kind] : llvm::enumerate(iterators)) {
      // Every loop tiled, the reductions by single steps: the form
      // contractionTiles gives.
      if (sizes[i] == 0 ||
          (kind == utils::IteratorType::reduction && sizes[i] != 1))
        return {};
      (kind == utils::IteratorType::reduction ? reductions : parallel)
          .push_back(i);
    }
    SmallVector<unsigned> order(reductions.begin(), reductions.end() - 1);
    order.append(parallel.begin(), parallel.end());
    order.push_back(reductions.back());
    return order;
  }

  /// The ops --cnn-bf16-contractions makes (--precision bf16); empty for
  /// any other op.
  ///  - A contraction of bf16 operands whose innermost reduction is a pair
  ///    (size 2, last in both inputs): the pair whole, the output's last
  ///    dimension by whole 16-lane vectors as a matmul's (up to 4F), its
  ///    rows by up to 8 while there are at most 16 accumulators, every
  ///    other loop by 1. Each step is then one vdpbf16ps per row and 16
  ///    columns (--cnn-lower-bf16-dot).
  ///  - The packing of a weight into pairs (an elementwise generic writing
  ///    bf16 whose innermost loop, of size 2, is not the input's
  ///    innermost): the pair whole by 16 columns, so the tile reads two
  ///    rows of 16 floats and writes 32 contiguous bf16.
  SmallVector<int64_t> bf16Tiles(linalg::LinalgOp op,
                                 ArrayRef<int64_t> ranges) {
    if (!isa<linalg::GenericOp>(op) || op.getNumDpsInits() != 1 ||
        ranges.size() < 2 || llvm::any_of(op.getDpsInputs(), [](Value v) {
          auto type = dyn_cast<ShapedType>(v.getType());
          return !type || (!type.getElementType().isBF16() &&
                           !type.getElementType().isF32());
        }))
      return {};
    auto lastDim = [](AffineMap map) -> std::optional<unsigned> {
      if (map.getNumResults() == 0)
        return std::nullopt;
      auto d = dyn_cast<AffineDimExpr>(map.getResults().back());
      return d ? std::optional<unsigned>(d.getPosition()) : std::nullopt;
    };
    AffineMap out = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
    auto outType = cast<ShapedType>(op.getDpsInits()[0].getType());
    SmallVector<int64_t> sizes(ranges.size(), 1);
    if (linalg::isaContractionOpInterface(op) && op.getNumDpsInputs() == 2 &&
        outType.getElementType().isF32() &&
        llvm::all_of(
            op.getDpsInputs(),
            [](Value v) {
              return cast<ShapedType>(v.getType()).getElementType().isBF16();
            }) &&
        out.isProjectedPermutation()) {
      std::optional<unsigned> pair =
          lastDim(op.getMatchingIndexingMap(op.getDpsInputOperand(0)));
      if (!pair ||
          pair !=
              lastDim(op.getMatchingIndexingMap(op.getDpsInputOperand(1))) ||
          ranges[*pair] != 2 || out.isFunctionOfDim(*pair))
        return {};
      sizes[*pair] = 2;
      unsigned columns = *lastDim(out);
      int64_t perRow = wholeVectorsDivisor(ranges[columns], 4 * vectorChannels);
      // A power-of-two count of zmm accumulators: LLVM takes an odd count
      // (800 columns by 80) apart lane by lane at every step.
      while (perRow && !llvm::isPowerOf2_64(perRow / 16))
        perRow = wholeVectorsDivisor(ranges[columns], perRow - 16);
      sizes[columns] = perRow ? perRow : divisorAtMost(ranges[columns], 16);
      if (out.getNumResults() >= 2) {
        unsigned rows =
            cast<AffineDimExpr>(out.getResults()[out.getNumResults() - 2])
                .getPosition();
        int64_t vectors = std::max<int64_t>(1, sizes[columns] / 16);
        sizes[rows] =
            divisorAtMost(ranges[rows], std::max<int64_t>(1, 16 / vectors));
      }
      return sizes;
    }
    if (op.getNumDpsInputs() == 1 && op.getNumReductionLoops() == 0 &&
        outType.getElementType().isBF16() && out.isIdentity() &&
        ranges.back() == 2 &&
        lastDim(op.getMatchingIndexingMap(op.getDpsInputOperand(0))) !=
            ranges.size() - 1) {
      sizes.back() = 2;
      sizes[ranges.size() - 2] = divisorAtMost(ranges[ranges.size() - 2], 16);
      return sizes;
    }
    return {};
  }

  /// A transpose that moves the innermost dimension: 16 x 16 blocks, read
  /// as 16 rows and written as 16 rows after a register transpose
  /// (--cnn-lower-vectors), instead of 16 strided scalar loads per vector
  /// written. Empty for any other transpose.
  static SmallVector<int64_t> transposeTiles(linalg::TransposeOp transpose,
                                             ArrayRef<int64_t> ranges) {
    int64_t rank = ranges.size();
    const int64_t *source = llvm::find(transpose.getPermutation(), rank - 1);
    int64_t read = source - transpose.getPermutation().begin();
    if (read == rank - 1 || ShapedType::isDynamic(ranges[read]) ||
        ShapedType::isDynamic(ranges[rank - 1]) || ranges[read] % 16 != 0 ||
        ranges[rank - 1] % 16 != 0)
      return {};
    SmallVector<int64_t> sizes(rank, 1);
    sizes[read] = sizes[rank - 1] = 16;
    return sizes;
  }

  /// Any other op: outer parallel loops by 1, the innermost parallel loop
  /// by up to 64 lanes (16 with a mask when it is dynamic: isMaskable),
  /// reductions whole, unless one is dynamic: then the reductions outside
  /// the innermost parallel loop go by 1.
  static SmallVector<int64_t> loopTiles(linalg::LinalgOp op,
                                        ArrayRef<int64_t> ranges) {
    SmallVector<int64_t> sizes(ranges.size(), 0);
    auto iterators = op.getIteratorTypesArray();
    int64_t innermost = -1;
    for (auto [i, kind] : llvm::enumerate(iterators))
      if (kind == utils::IteratorType::parallel)
        innermost = i;
    // A reduction over the batch (a bias gradient) is a loop of vector
    // adds: whole, its tile would be dynamic and stay scalar.
    // So is a reduction over more than kMaxWholeReduction elements (a
    // global pooling over 100x100): whole, it would be one vector of them
    // all, its reduction unrolled element by element into the IR.
    bool dynamicReduction = false;
    int64_t reductionElements = 1;
    for (auto [i, kind] : llvm::enumerate(iterators))
      if (kind == utils::IteratorType::reduction) {
        if (ShapedType::isDynamic(ranges[i]))
          dynamicReduction = true;
        else
          reductionElements = std::min<int64_t>(reductionElements * ranges[i],
                                                kMaxWholeReduction + 1);
      }
    bool loopedReduction =
        dynamicReduction || reductionElements > kMaxWholeReduction;
    // A small loop that indexes the output only (a pooling gradient's
    // position in its window) stays whole in the tile: the inputs are then
    // read, and what depends on them alone computed, once for all its
    // positions, not once per position.
    SmallVector<AffineMap> inputMaps;
    for (OpOperand *input : op.getDpsInputOperands())
      inputMaps.push_back(op.getMatchingIndexingMap(input));
    auto outputOnly = [&](int64_t dim) {
      return !ShapedType::isDynamic(ranges[dim]) && ranges[dim] <= 4 &&
             !inputMaps.empty() && llvm::none_of(inputMaps, [&](AffineMap map) {
               return map.isFunctionOfDim(dim);
             });
    };
    for (auto [i, kind] : llvm::enumerate(iterators)) {
      if (kind != utils::IteratorType::parallel) {
        if ((dynamicReduction && int64_t(i) < innermost) ||
            (!dynamicReduction && loopedReduction))
          sizes[i] = 1;
        continue;
      }
      if (int64_t(i) == innermost)
        sizes[i] = divisorAtMost(ranges[i], 64);
      else
        sizes[i] = outputOnly(i) ? 0 : 1;
    }
    if (innermost >= 0 && isMaskable(op, innermost))
      sizes[innermost] = kMaskedLanes;
    return sizes;
  }

  /// The most elements a tile reduces whole, in registers: beyond it the
  /// reduction is a loop, so the IR of an op does not grow with its window.
  static constexpr int64_t kMaxWholeReduction = 64;

  /// The longest window row a pooling tile keeps whole (unrolled): a wider
  /// window is a loop over its columns.
  static constexpr int64_t kMaxWindowRow = 16;

  /// Lanes of the masked vectors below: one zmm register.
  static constexpr int64_t kMaskedLanes = 16;

  /// Whether `op` is an elementwise-like loop over a dynamic innermost
  /// dimension `dim` along which every operand is contiguous (the
  /// optimizer's update over a dynamic range of parameters, the sum of the
  /// shards' gradients): its tiles of 16 are vectorized with a mask for the
  /// last, partial one, where tiles that divide a dynamic size could only
  /// be 1 wide.
  static bool isMaskable(linalg::LinalgOp op, int64_t dim) {
    // Elementwise only: MLIR 19 lowers no masked multi-reduction.
    if (!ShapedType::isDynamic(op.getStaticLoopRanges()[dim]) ||
        op.hasIndexSemantics() || op.getNumReductionLoops() > 0)
      return false;
    // Every operand indexed by all the loops in order: a mask follows the
    // vector's dimensions, which a permuted or broadcast operand would not
    // (and MLIR 19 masks a fill's scalar operand too, which does not
    // verify).
    return dim + 1 == op.getNumLoops() &&
           llvm::all_of(op.getIndexingMapsArray(),
                        [](AffineMap map) { return map.isIdentity(); });
  }

  /// The vector sizes of a masked tile: its static loop ranges, 16 for the
  /// partial dimension; empty if another dimension is dynamic.
  static SmallVector<int64_t> maskedVectorSizes(linalg::LinalgOp tile) {
    SmallVector<int64_t> sizes = tile.getStaticLoopRanges();
    int64_t dynamic = llvm::count_if(sizes, ShapedType::isDynamic);
    if (dynamic != 1 || !ShapedType::isDynamic(sizes.back()) ||
        !isMaskable(tile, sizes.size() - 1))
      return {};
    sizes.back() = kMaskedLanes;
    return sizes;
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (convWidth < 1 || vectorChannels < 1 || reductionChannels < 1) {
      func.emitError("cnn-vectorize tile sizes must be at least 1");
      return signalPassFailure();
    }
    IRRewriter rewriter(&getContext());

    // 1. Register-sized tiles. This runs on buffers: on tensors, one-shot
    //    bufferization's subset analysis of the many nested tile loops takes
    //    minutes (ValueBounds / Presburger), where buffers need none.
    SmallVector<linalg::LinalgOp> found, ops;
    func.walk([&](linalg::LinalgOp op) {
      if (op.hasPureBufferSemantics())
        found.push_back(op);
    });
    for (linalg::LinalgOp op : found)
      splitFilters(rewriter, op, ops);
    // A few-filter convolution's bias and activation go into its register
    // tile (ConvEpilogue.cpp), not into tiles of their own.
    llvm::DenseMap<Operation *, cnnc::ConvEpilogue> epilogues;
    llvm::SmallPtrSet<Operation *, 8> inEpilogue;
    for (linalg::LinalgOp op : ops)
      if (auto conv = dyn_cast<linalg::Conv2DNhwcHwcfOp>(op.getOperation());
          conv && cnnc::fewFilterChannelGroups(conv))
        if (std::optional<cnnc::ConvEpilogue> epilogue =
                cnnc::findConvEpilogue(conv)) {
          epilogues[conv] = *epilogue;
          inEpilogue.insert(epilogue->bias);
          inEpilogue.insert(epilogue->activation);
        }
    // (Tiled alone, at the end, where the convolution's tiling fails.)
    for (size_t i = 0; i < ops.size(); ++i) {
      linalg::LinalgOp op = ops[i];
      if (inEpilogue.contains(op))
        continue;
      // A kernel gradient tap of 1 to 8 filters: vector code of its own,
      // lanes of filters x channels (FewFilterKernelGradient.cpp).
      if (auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
          generic && cnnc::fewFilterKernelGradientGroups(generic)) {
        cnnc::rewriteFewFilterKernelGradient(rewriter, generic);
        continue;
      }
      SmallVector<int64_t> sizes = tileSizes(op);
      if (llvm::all_of(sizes, [](int64_t s) { return s == 0; }))
        continue;
      linalg::LinalgTilingOptions options;
      options.setTileSizes(sizes);
      SmallVector<unsigned> order = reductionsOutside(op, sizes);
      if (!order.empty())
        options.setInterchange(order);
      rewriter.setInsertionPoint(op);
      std::optional<unsigned> channels = channelDim(op);
      FailureOr<linalg::TiledLinalgOp> tiled =
          linalg::tileLinalgOp(rewriter, op, options);
      auto epilogue = epilogues.find(op);
      if (failed(tiled) || (epilogue != epilogues.end() &&
                            !cnnc::moveEpilogueIntoTile(
                                rewriter, epilogue->second, tiled->op))) {
        if (epilogue != epilogues.end()) {
          for (linalg::LinalgOp part :
               {cast<linalg::LinalgOp>(epilogue->second.bias.getOperation()),
                cast<linalg::LinalgOp>(
                    epilogue->second.activation.getOperation())}) {
            inEpilogue.erase(part);
            ops.push_back(part);
          }
          epilogues.erase(epilogue);
        }
        if (failed(tiled))
          continue; // stays a loop nest
      }
      auto conv = dyn_cast<linalg::Conv2DNhwcHwcfOp>(op.getOperation());
      if (conv && cnnc::fewFilterChannelGroups(conv))
        tiled->op->setAttr(cnnc::kFewFilterTile, rewriter.getUnitAttr());
      rewriter.eraseOp(op);
      // Tiling makes a loop for each non-zero tile size, in order (or in
      // the interchange's).
      if (channels && sizes[*channels] != 0) {
        unsigned index =
            llvm::count_if(ArrayRef<int64_t>(sizes).take_front(*channels),
                           [](int64_t s) { return s != 0; });
        // Interchanged (every size non-zero): the loops go in `order`.
        if (!order.empty())
          index = llvm::find(order, *channels) - order.begin();
        if (index < tiled->loops.size())
          peelChannelLoop(rewriter, tiled->loops[index]);
      }
    }

    // 2. Fold the tile loops' bounds into the subviews, so that whole tiles
    //    have static shapes, then turn 2-D convolutions and poolings with
    //    unit rows into 1-D ones, which the vectorizer turns into outer
    //    products.
    {
      RewritePatternSet patterns(&getContext());
      scf::populateSCFForLoopCanonicalizationPatterns(patterns);
      memref::SubViewOp::getCanonicalizationPatterns(patterns, &getContext());
      affine::AffineMinOp::getCanonicalizationPatterns(patterns, &getContext());
      affine::AffineApplyOp::getCanonicalizationPatterns(patterns,
                                                         &getContext());
      scf::ForOp::getCanonicalizationPatterns(patterns, &getContext());
      cnnc::populateDecomposeWindowOpsOnBuffersPatterns(patterns);
      cnnc::populateFewFilterConvPatterns(patterns);
      if (failed(applyPatternsAndFoldGreedily(func, std::move(patterns))))
        return signalPassFailure();
      // An epilogue the tile did not take is vectorized on its own.
      func.walk(
          [](linalg::GenericOp op) { op->removeAttr(cnnc::kConvEpilogue); });
    }

    // 3. Vectorize every op whose tile is static, and masked tiles.
    SmallVector<linalg::LinalgOp> candidates;
    func.walk([&](linalg::LinalgOp op) {
      if (op.hasPureBufferSemantics())
        candidates.push_back(op);
    });
    for (linalg::LinalgOp op : candidates) {
      rewriter.setInsertionPoint(op);
      if (!op.hasDynamicShape()) {
        (void)linalg::vectorize(rewriter, op);
        continue;
      }
      SmallVector<int64_t> sizes = maskedVectorSizes(op);
      // The scalable flags spelled out: left empty, MLIR 19 builds the mask
      // type with none, the transfer's with one per dimension, and the two
      // vector<16xi1> types differ.
      SmallVector<bool> scalableDims(sizes.size(), false);
      if (!sizes.empty())
        (void)linalg::vectorize(rewriter, op, sizes, scalableDims);
    }

    // 4. Tidy what tiling and vectorization left: a matmul vectorizes to
    //    multiply + reduce, which becomes a contraction (and later outer
    //    products) again; unit loops and the like.
    RewritePatternSet patterns(&getContext());
    vector::populateVectorReductionToContractPatterns(patterns);
    // Work on inputs broadcast over a tile's output-only loops happens
    // before the broadcast, once.
    vector::populateSinkVectorBroadcastPatterns(patterns);
    vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
    scf::ForOp::getCanonicalizationPatterns(patterns, &getContext());
    if (failed(applyPatternsAndFoldGreedily(func, std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
