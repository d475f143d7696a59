//===- TileAndFuse.cpp - Tile linalg nests, fuse producers into tiles -----===//
//
// This file implements --cnn-tile. Each op marked as a fusion root (the end
// of a lowered fused_conv2d) is tiled by image and by `rows-per-tile`
// output rows, and its producers (the pooling's padding, the relu, the
// convolution and its bias) are fused into the tile loop: each tile computes
// just the convolution rows its pooled rows need, while they are in cache.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/CnnToLinalg/Lowering.h"
#include "compiler/Passes.h"

#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace cnnc {
#define GEN_PASS_DEF_TILEANDFUSE
#include "compiler/Passes.h.inc"
} // namespace cnnc

using namespace mlir;

namespace {

struct TileAndFuse : cnnc::impl::TileAndFuseBase<TileAndFuse> {
  using TileAndFuseBase::TileAndFuseBase;

  void runOnOperation() override {
    if (rowsPerTile < 1) {
      getOperation().emitError("rows-per-tile must be at least 1");
      return signalPassFailure();
    }
    SmallVector<TilingInterface> roots;
    getOperation().walk([&](TilingInterface op) {
      if (op->hasAttr(cnnc::lowering::kFusionRootAttr))
        roots.push_back(op);
    });

    IRRewriter rewriter(&getContext());
    for (TilingInterface root : roots) {
      // Loops of a root: (n, rows, columns, channels[, window...]). Tile the
      // image and the rows; the rest stays whole inside the tile.
      size_t numLoops = root.getLoopIteratorTypes().size();
      SmallVector<OpFoldResult> tileSizes(numLoops, rewriter.getIndexAttr(0));
      tileSizes[0] = rewriter.getIndexAttr(1);
      tileSizes[1] = rewriter.getIndexAttr(rowsPerTile);

      scf::SCFTileAndFuseOptions options;
      options.tilingOptions.setTileSizes(tileSizes);
      // A producer whose whole result is needed elsewhere too (in training,
      // the backward pass reads the first pooling's output) is computed
      // once, whole, not again inside every tile: a window op's tiles
      // overlap, so the tiles would recompute it several times over.
      // Besides the tile's slice (and size queries), the producer's one
      // other user is the untiled consumer it is being fused for.
      // Destinations (fills, bias broadcasts) are always fused: the tile
      // loop's own iteration argument uses them too.
      options.setFusionControlFn([](tensor::ExtractSliceOp slice,
                                    OpResult producer, bool isDestination) {
        if (isDestination)
          return std::make_tuple(true, false);
        // A static tensor does not depend on the batch (a kernel with a
        // batch normalization folded in): every tile would compute the
        // same values again, so it is computed once, before the loop.
        if (cast<ShapedType>(producer.getType()).hasStaticShape())
          return std::make_tuple(false, false);
        int64_t others =
            llvm::count_if(producer.getUsers(), [&](Operation *user) {
              return user != slice.getOperation() && !isa<tensor::DimOp>(user);
            });
        return std::make_tuple(others <= 1, false);
      });
      rewriter.setInsertionPoint(root);
      FailureOr<scf::SCFTileAndFuseResult> tiled =
          scf::tileConsumerAndFuseProducersUsingSCF(rewriter, root, options);
      if (failed(tiled)) {
        root->emitError("failed to tile and fuse");
        return signalPassFailure();
      }
      for (OpResult result : root->getResults())
        rewriter.replaceAllUsesWith(result, tiled->replacements.lookup(result));
      rewriter.eraseOp(root);
    }
    // A fused producer writes into a slice of its full-size tensor.empty;
    // folding that slice into a tile-sized empty keeps bufferization from
    // allocating the full-size tensor the fusion exists to avoid.
    RewritePatternSet patterns(&getContext());
    tensor::populateFoldTensorEmptyPatterns(patterns);
    // Each layer's tile loop runs to the batch size, read as `tensor.dim` of
    // the layer's input: the previous layer's loop result. Left so, the
    // sizes form a chain back through every earlier layer, which
    // bufferization's subset analysis (ValueBounds) walks for each slice it
    // compares: compile time grew faster than the square of the depth (21
    // layers: 87 s in bufferization). Resolved through the loops, pads and
    // empties, every size reads the function's own argument, one value.
    memref::populateResolveRankedShapedTypeResultDimsPatterns(patterns);
    scf::populateSCFForLoopCanonicalizationPatterns(patterns);
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();

    // The tiled clones carry the mark too; it has served its purpose.
    getOperation().walk(
        [](Operation *op) { op->removeAttr(cnnc::lowering::kFusionRootAttr); });
  }
};

} // namespace
