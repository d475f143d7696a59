//===- MathApproximation.cpp - Polynomial forms of the activations' math --===//
//
// LLVM has no vector form of exp, tanh or erf without a vector math library:
// each becomes a libm call per element. MLIR's polynomial approximations
// (accurate to a few ulp in float32, far inside the 1e-5 cnnc is held to
// against TF.js; test/Driver/activation-accuracy.test pins the bounds) are
// plain arithmetic and vectorize. They apply only to the ops the activations
// tag: softmax and the losses keep libm's exp and log, which run once per
// class rather than once per activation.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/CnnToLinalg/Lowering.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;
using namespace cnnc;

void lowering::approximateTaggedMath(Operation *root) {
  SmallVector<Operation *> tagged;
  root->walk([&](Operation *op) {
    if (op->hasAttr(kApproximateAttr))
      tagged.push_back(op);
  });
  if (tagged.empty())
    return;
  RewritePatternSet patterns(root->getContext());
  populateMathPolynomialApproximationPatterns(patterns);
  GreedyRewriteConfig config;
  config.strictMode = GreedyRewriteStrictness::ExistingAndNewOps;
  (void)applyOpPatternsAndFold(tagged, std::move(patterns), config);
}
