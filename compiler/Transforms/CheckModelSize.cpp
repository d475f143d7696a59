//===- CheckModelSize.cpp - Refuse models deeper than cnnc compiles -------===//
//
// This file implements --cnn-check-model-size, the pipeline's first pass:
// a model of more than cnn::kMaxModelLayers layers is one located error at
// the first layer past the limit, before any work that grows with depth.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"
#include "dialects/cnn/CnnOps.h"
#include "dialects/cnn/ShapeRules.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace cnnc {
#define GEN_PASS_DEF_CHECKMODELSIZE
#include "compiler/Passes.h.inc"
} // namespace cnnc

using namespace mlir;

namespace {

struct CheckModelSize : cnnc::impl::CheckModelSizeBase<CheckModelSize> {
  void runOnOperation() override {
    auto forward = getOperation().lookupSymbol<func::FuncOp>("forward");
    if (!forward || forward.isExternal())
      return;
    int64_t layers = 0;
    Attribute previous;
    for (Operation &op : forward.getBody().front()) {
      if (!isa<cnn::CnnDialect>(op.getDialect()))
        continue;
      Attribute layer = op.getAttr(cnn::CnnDialect::kLayerAttrName);
      // Ops of one layer (a convolution and its relu) come in a run.
      if (layer && layer == previous)
        continue;
      previous = layer;
      if (++layers <= cnn::kMaxModelLayers)
        continue;
      InFlightDiagnostic error = op.emitError();
      if (auto named = dyn_cast_or_null<cnn::LayerAttr>(layer))
        error << "layer '" << named.getName() << "'";
      else
        error << "'" << op.getName() << "'";
      error << " takes the model past " << cnn::kMaxModelLayers
            << " layers, the most cnnc compiles";
      return signalPassFailure();
    }
  }
};

} // namespace
