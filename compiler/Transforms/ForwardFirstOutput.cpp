//===- ForwardFirstOutput.cpp - One forward output in a training module ---===//
//
// This file implements --cnn-forward-first-output. The training step of a
// model with several outputs reads them all (--cnn-build-train-step), but
// the code that lowers @forward for the runtime (the model description,
// the C entry point, the memory plan) has one output. A training run uses
// @forward only to time the forward pass, so @forward keeps its first
// output and drops the ops nothing else reads; predictions come from
// `cnnc predict`, which compiles every output.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"

namespace cnnc {
#define GEN_PASS_DEF_FORWARDFIRSTOUTPUT
#include "compiler/Passes.h.inc"
} // namespace cnnc

using namespace mlir;

namespace {

struct ForwardFirstOutput
    : cnnc::impl::ForwardFirstOutputBase<ForwardFirstOutput> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto forward = module.lookupSymbol<func::FuncOp>("forward");
    // Only a training module: elsewhere the outputs are the model's result.
    if (!forward || !module.lookupSymbol("train_gradients") ||
        forward.getFunctionType().getNumResults() < 2)
      return;
    Operation *ret = forward.getBody().front().getTerminator();
    Value first = ret->getOperand(0);
    ret->setOperands(first);
    forward.setType(FunctionType::get(&getContext(), forward.getArgumentTypes(),
                                      {first.getType()}));
    // Last first, so that each op's users are gone before it; the cnn ops
    // are pure. Parameters stay: the runtime passes them all.
    SmallVector<Operation *> ops;
    for (Operation &op : forward.getBody().front().without_terminator())
      ops.push_back(&op);
    for (Operation *op : llvm::reverse(ops))
      if (op->use_empty())
        op->erase();
  }
};

} // namespace
