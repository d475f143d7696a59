//===- MaterializeOutput.cpp - @forward writes into the caller's buffer ---===//
//
// This file implements --cnn-materialize-output: @forward (and the training
// step's @train_gradients) get a trailing output memref per result and end
// with bufferization.materialize_in_destination of each result into its
// memref, returning nothing. With eliminate-empty-tensors,
// one-shot bufferization then computes the last op straight into the
// caller's buffer; each result's chain of initial values is made its own
// first, so that no two results can be given one buffer.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace cnnc {
#define GEN_PASS_DEF_MATERIALIZEOUTPUT
#include "compiler/Passes.h.inc"
} // namespace cnnc

using namespace mlir;

namespace {

/// Appends an output memref per result of `function` and writes each result
/// into its memref.
void materializeResults(func::FuncOp function) {
  MLIRContext *context = function.getContext();
  OpBuilder b(context);
  unsigned first = function.getNumArguments();
  for (Type result : function.getFunctionType().getResults()) {
    // The output is a memref from the start: written through a memref, the
    // result can be computed in place even when the last op is a loop whose
    // iterations update it (as a tensor argument, the loop's init and the
    // final write would be two uses of one value, a conflict bufferization
    // resolves with a copy or not at all).
    auto tensor = cast<RankedTensorType>(result);
    auto memref = MemRefType::get(tensor.getShape(), tensor.getElementType());
    (void)function.insertArgument(function.getNumArguments(), memref,
                                  DictionaryAttr(), function.getLoc());
  }
  function.walk([&](func::ReturnOp ret) {
    b.setInsertionPoint(ret);
    for (auto [i, value] : llvm::enumerate(ret.getOperands()))
      b.create<bufferization::MaterializeInDestinationOp>(
          ret.getLoc(), TypeRange{}, value, function.getArgument(first + i),
          /*restrict=*/true, /*writable=*/true);
    b.create<func::ReturnOp>(ret.getLoc());
    ret.erase();
  });
  function.setType(
      FunctionType::get(context, function.getFunctionType().getInputs(), {}));
}

/// Whether `use` is the initial value of what an op computes: a linalg
/// op's destination, or a loop's iteration argument (a tile loop's result).
bool isInit(OpOperand &use) {
  Operation *user = use.getOwner();
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(user))
    return linalgOp.isDpsInit(&use);
  if (auto loop = dyn_cast<scf::ForOp>(user))
    return use.getOperandNumber() >= loop.getNumControlOperands();
  return false;
}

/// Gives every use of an `OpTy` result as the initial value (destination)
/// of another linalg op or of a loop its own copy of the op. Other uses, such
/// as a slice taken out and inserted back, keep the original: a copy there
/// would split an in-place update in two.
template <typename OpTy> void cloneForEachInitUse(func::FuncOp function) {
  OpBuilder b(function.getContext());
  SmallVector<OpTy> shared;
  function.walk([&](OpTy op) {
    if (!op->getResult(0).hasOneUse())
      shared.push_back(op);
  });
  for (OpTy op : shared) {
    SmallVector<OpOperand *> inits;
    for (OpOperand &use : op->getResult(0).getUses())
      if (isInit(use))
        inits.push_back(&use);
    // The first keeps the original unless other uses do.
    bool othersToo =
        inits.size() != llvm::range_size(op->getResult(0).getUses());
    for (OpOperand *use : llvm::drop_begin(inits, othersToo ? 0 : 1)) {
      b.setInsertionPoint(op);
      use->set(b.clone(*op)->getResult(0));
    }
  }
}

/// Gives every linalg op that starts from a tensor.empty, or from a
/// linalg.fill of one, its own copy. CSE merges identical zero-filled
/// accumulators (a loss sum and an accuracy count); eliminate-empty-tensors,
/// which puts each result's tensor.empty in its output buffer, would then
/// have two results write one buffer. With one chain per accumulator, each
/// result has its own. Likewise each tile loop: CSE gives every layer of
/// one output shape one tensor.empty, and one-shot bufferization's analysis
/// of that many uses of one value grew with the cube of the depth (1,000
/// convolutions: 34 s in it, and 34 s more in eliminate-empty-tensors').
void unshareInits(func::FuncOp function) {
  // Fills first: their copies share the fill's empty, which is split next.
  cloneForEachInitUse<linalg::FillOp>(function);
  cloneForEachInitUse<tensor::EmptyOp>(function);
}

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
    // The functions with a C entry point that returns results through the
    // caller's buffers; any other function is left alone.
    for (auto function : getOperation().getOps<func::FuncOp>()) {
      if (function.isExternal() || function.getNumResults() == 0 ||
          !llvm::is_contained({"forward", "train_gradients", "evaluate"},
                              function.getName()))
        continue;
      if (!llvm::all_of(function.getResultTypes(),
                        llvm::IsaPred<RankedTensorType>)) {
        function.emitError("expected ranked tensor results only");
        return signalPassFailure();
      }
      materializeResults(function);
      unshareInits(function);
    }
  }
};

} // namespace
