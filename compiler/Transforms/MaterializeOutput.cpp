//===- MaterializeOutput.cpp - @forward writes into the caller's buffer ---===//
//
// This file implements --cnn-materialize-output: @forward gets a trailing
// output argument (writable once bufferized) and ends with
// bufferization.materialize_in_destination of its result into it. One-shot
// bufferization then computes the last op straight into the caller's buffer,
// and drop-equivalent-buffer-results removes the returned memref.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"

namespace cnnc {
#define GEN_PASS_DEF_MATERIALIZEOUTPUT
#include "compiler/Passes.h.inc"
} // namespace cnnc

using namespace mlir;

namespace {

struct MaterializeOutput
    : cnnc::impl::MaterializeOutputBase<MaterializeOutput> {
  void runOnOperation() override {
    auto forward = getOperation().lookupSymbol<func::FuncOp>("forward");
    if (!forward || forward.isExternal() ||
        forward.getFunctionType().getNumResults() != 1) {
      getOperation().emitError(
          "expected 'func.func @forward' with a body and one result");
      return signalPassFailure();
    }
    Type resultType = forward.getFunctionType().getResult(0);
    unsigned index = forward.getNumArguments();
    OpBuilder b(&getContext());
    (void)forward.insertArgument(
        index, resultType,
        b.getDictionaryAttr(b.getNamedAttr(
            bufferization::BufferizationDialect::kWritableAttrName,
            b.getBoolAttr(true))),
        forward.getLoc());
    Value output = forward.getArgument(index);

    forward.walk([&](func::ReturnOp ret) {
      b.setInsertionPoint(ret);
      auto materialized = b.create<bufferization::MaterializeInDestinationOp>(
          ret.getLoc(), resultType, ret.getOperand(0), output);
      ret->setOperand(0, materialized.getResult());
    });
  }
};

} // namespace
