//===- CnnToLinalg.cpp - The convert-cnn-to-linalg pass -------------------===//
//
// Patterns for each op family live in Conv.cpp, Pool.cpp, Dense.cpp,
// Elementwise.cpp, Activations.cpp, PRelu.cpp and ShapeLayers.cpp (with
// their gradients), their
// gradients' in ConvBackward.cpp, DenseBackward.cpp, PoolBackward.cpp and
// ElementwiseBackward.cpp, and the training step's in Loss.cpp and
// Optimizer.cpp; this file is just the pass.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/CnnToLinalg/Lowering.h"
#include "compiler/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace cnnc {
#define GEN_PASS_DEF_CONVERTCNNTOLINALG
#include "compiler/Passes.h.inc"
} // namespace cnnc

using namespace mlir;
using namespace cnnc;

namespace {

struct ConvertCnnToLinalg
    : cnnc::impl::ConvertCnnToLinalgBase<ConvertCnnToLinalg> {
  void runOnOperation() override {
    // @forward stops being a cnn-level model: its contract (cnn ops only)
    // no longer holds.
    getOperation()->removeAttr(cnn::CnnDialect::kModelAttrName);
    RewritePatternSet patterns(&getContext());
    lowering::populateConvPatterns(patterns);
    lowering::populatePoolPatterns(patterns);
    lowering::populateDensePatterns(patterns);
    lowering::populateElementwisePatterns(patterns);
    lowering::populateActivationPatterns(patterns);
    lowering::populatePReluPatterns(patterns);
    lowering::populateShapeLayerPatterns(patterns);
    lowering::populateConvVariantPatterns(patterns);
    lowering::populateConvVariantBackwardPatterns(patterns);
    lowering::populateConvBackwardPatterns(patterns);
    lowering::populateDenseBackwardPatterns(patterns);
    lowering::populatePoolBackwardPatterns(patterns);
    lowering::populateElementwiseBackwardPatterns(patterns);
    lowering::populateLossPatterns(patterns);
    lowering::populateOptimizerPatterns(patterns);
    lowering::populateBatchNormPatterns(patterns);
    lowering::populateLayerNormPatterns(patterns);
    lowering::populateAlphaDropoutPatterns(patterns);
    lowering::populateMergePatterns(patterns);
    lowering::populateMergeBackwardPatterns(patterns);
    lowering::populateQuantizePatterns(patterns);
    GreedyRewriteConfig config;
    config.strictMode = GreedyRewriteStrictness::ExistingOps;
    (void)applyPatternsAndFoldGreedily(getOperation(), std::move(patterns),
                                       config);
    lowering::approximateTaggedMath(getOperation());

    // Whatever is left is an op this lowering does not know.
    WalkResult result = getOperation().walk([](Operation *op) {
      // The sums across chunks stay until bufferization, by design.
      if (!isa<cnn::CnnDialect>(op->getDialect()) ||
          isa<cnn::SumAcrossChunksOp>(op))
        return WalkResult::advance();
      op->emitError() << "'" << op->getName()
                      << "' is not supported by the lowering to linalg";
      return WalkResult::interrupt();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
