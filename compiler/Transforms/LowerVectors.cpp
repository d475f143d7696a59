//===- LowerVectors.cpp - Vector ops to FMA-ready form --------------------===//
//
// This file implements --cnn-lower-vectors, after bufferization:
//   1. subviews are folded into vector transfers: hoisting in MLIR 19 gives
//      up on transfers whose base is a subview (codegen-notes §4.2);
//   2. loop-invariant transfer pairs are hoisted, so a convolution's
//      accumulators live in registers across its reduction loops;
//   3. contractions become outer products (one broadcast FMA per input
//      element), transfers plain loads and stores, reductions shuffles.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Hoisting.h"
#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace cnnc {
#define GEN_PASS_DEF_LOWERVECTORS
#include "compiler/Passes.h.inc"
} // namespace cnnc

using namespace mlir;

namespace {

struct LowerVectors : cnnc::impl::LowerVectorsBase<LowerVectors> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *context = &getContext();

    {
      // Masked tiles: the mask moves onto the transfers it guards.
      RewritePatternSet patterns(context);
      vector::populateVectorMaskLoweringPatternsForSideEffectingOps(patterns);
      if (failed(applyPatternsAndFoldGreedily(func, std::move(patterns))))
        return signalPassFailure();
    }
    {
      RewritePatternSet patterns(context);
      memref::populateFoldMemRefAliasOpPatterns(patterns);
      vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
      vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
      if (failed(applyPatternsAndFoldGreedily(func, std::move(patterns))))
        return signalPassFailure();
    }

    linalg::hoistRedundantVectorTransfers(func);

    RewritePatternSet patterns(context);
    auto options = vector::VectorTransformsOptions().setVectorTransformsOptions(
        vector::VectorContractLowering::OuterProduct);
    // 16 x 16 transposes (--cnn-vectorize's transpose blocks) as 64 shuffles
    // of whole vectors; other shapes element by element.
    options.setVectorTransposeLowering(
        vector::VectorTransposeLowering::Shuffle16x16);
    vector::populateVectorContractLoweringPatterns(patterns, options);
    vector::populateVectorOuterProductLoweringPatterns(patterns);
    vector::populateVectorMultiReductionLoweringPatterns(
        patterns, vector::VectorMultiReductionLowering::InnerParallel);
    vector::populateVectorBroadcastLoweringPatterns(patterns);
    vector::populateVectorTransposeLoweringPatterns(patterns, options);
    vector::populateVectorShapeCastLoweringPatterns(patterns);
    vector::populateVectorTransferLoweringPatterns(patterns,
                                                   /*maxTransferRank=*/1);
    vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
    vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
    if (failed(applyPatternsAndFoldGreedily(func, std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
