//===- MaterializeOutput.cpp - @forward writes into the caller's buffer ---===//
//
// This file implements --cnn-materialize-output: @forward gets a trailing
// output memref and ends with bufferization.materialize_in_destination of
// its result into it, returning nothing. With eliminate-empty-tensors,
// one-shot bufferization then computes the last op straight into the
// caller's buffer.
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
    auto resultType =
        cast<RankedTensorType>(forward.getFunctionType().getResult(0));
    // The output is a memref from the start: written through a memref, the
    // result can be computed in place even when the last op is a loop whose
    // iterations update it (as a tensor argument, the loop's init and the
    // final write would be two uses of one value, a conflict bufferization
    // resolves with a copy or not at all).
    auto outputType =
        MemRefType::get(resultType.getShape(), resultType.getElementType());
    unsigned index = forward.getNumArguments();
    OpBuilder b(&getContext());
    (void)forward.insertArgument(index, outputType, DictionaryAttr(),
                                 forward.getLoc());
    Value output = forward.getArgument(index);

    forward.walk([&](func::ReturnOp ret) {
      b.setInsertionPoint(ret);
      b.create<bufferization::MaterializeInDestinationOp>(
          ret.getLoc(), TypeRange{}, ret.getOperand(0), output,
          /*restrict=*/true, /*writable=*/true);
      b.create<func::ReturnOp>(ret.getLoc());
      ret.erase();
    });
    forward.setType(FunctionType::get(
        &getContext(), forward.getFunctionType().getInputs(), {}));
  }
};

} // namespace
