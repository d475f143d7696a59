//===- GradientReadyHook.cpp - Tell the runtime when gradients are final --===//
//
// This file implements --cnn-gradient-ready-hook. Across MPI ranks the
// gradient's sum can only start once a chunk's gradients are final, and
// the backward pass finishes the last layers' first: the lesson's Dense
// layers (91 % of its bytes) are done right after the forward pass, the
// convolutions' gradients only at the step's end. So that the runtime can
// start summing the first while the second are computed (docs/compiler.md
// §10, "Overlap"), the pass finds, in the bufferized @train_gradients, the
// largest run of trailing parameters [s, P) that the call is done with
// (their gradient buffers written for the last time, the parameters
// themselves read for the last time) before any gradient buffer of the
// parameters [0, s) is first written, and calls
//
//   cnnc_gradient_ready(s)
//
// right after the run's last access. From there on the call neither writes
// those gradients nor reads those parameters, so the runtime may sum the
// first, and update the second, while the call goes on. The call goes
// through a weak global function pointer, `cnnc_gradient_ready_hook`, null
// unless the runtime sets it: an object stays free of undefined symbols,
// and a caller that never sets it pays one load and a branch per call.
//
// The point comes from the buffers' accesses after bufferization, not from
// layer kinds, so whatever earlier passes fused or moved, the call is
// right. No call is added when no such run exists (a model whose
// gradients are all written at its end, or one parameter).
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"
#include "compiler/Transforms/RuntimeHook.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

#include <limits>

namespace cnnc {
#define GEN_PASS_DEF_GRADIENTREADYHOOK
#include "compiler/Passes.h.inc"
} // namespace cnnc

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kHookGlobal = "cnnc_gradient_ready_hook";
constexpr llvm::StringLiteral kTrampoline = "cnnc_gradient_ready";

/// The buffer `value` is a view of (through subviews, casts, reshapes), or
/// `value` itself.
Value rootOf(Value value) {
  while (auto view = value.getDefiningOp<ViewLikeOpInterface>())
    value = view.getViewSource();
  return value;
}

/// Adds to `written` and `read` the roots of the buffers `op` (and what it
/// holds) writes and reads. Returns false when some access's target is
/// unknown (an op without declared effects, or one touching memory it does
/// not name), which then counts as a write and a read of every buffer.
bool collectAccesses(Operation *op, llvm::SmallDenseSet<Value> &written,
                     llvm::SmallDenseSet<Value> &read) {
  bool known = true;
  op->walk([&](Operation *nested) {
    if (nested->hasTrait<OpTrait::HasRecursiveMemoryEffects>())
      return;
    auto effects = dyn_cast<MemoryEffectOpInterface>(nested);
    if (!effects) {
      known = false;
      return;
    }
    SmallVector<MemoryEffects::EffectInstance> list;
    effects.getEffects(list);
    for (const auto &effect : list) {
      bool writes = isa<MemoryEffects::Write>(effect.getEffect());
      if (!writes && !isa<MemoryEffects::Read>(effect.getEffect()))
        continue;
      if (Value target = effect.getValue())
        (writes ? written : read).insert(rootOf(target));
      else if (!isa<SideEffects::AutomaticAllocationScopeResource>(
                   effect.getResource()))
        known = false;
    }
  });
  return known;
}

struct GradientReadyHook
    : cnnc::impl::GradientReadyHookBase<GradientReadyHook> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto step = module.lookupSymbol<func::FuncOp>("train_gradients");
    if (!step || step.isExternal())
      return;
    if (module.lookupSymbol(kHookGlobal) || module.lookupSymbol(kTrampoline)) {
      module.emitError("the module already has a gradient-ready hook");
      return signalPassFailure();
    }
    // After bufferization: (x, labels, params[P], scale, seed, step,
    // first_sample, loss_sum, correct, gradients[P]).
    unsigned args = step.getNumArguments();
    if (!step.getBody().hasOneBlock() || args < 8 || (args - 8) % 2 != 0 ||
        step.getNumResults() != 0) {
      step.emitError("--cnn-gradient-ready-hook expects the bufferized "
                     "@train_gradients, its results written through output "
                     "arguments");
      return signalPassFailure();
    }
    unsigned params = (args - 8) / 2;
    if (params < 2)
      return;
    Block &body = step.getBody().front();
    DenseMap<Value, unsigned> gradientOf;
    for (unsigned i = 0; i < params; ++i)
      gradientOf[body.getArgument(args - params + i)] = i;

    // Per parameter, the first op writing its gradient buffer, and the last
    // op writing that buffer or reading the parameter, by position.
    constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
    SmallVector<int64_t> first(params, kNever), last(params, -1);
    SmallVector<Operation *> ops;
    for (Operation &op : body.without_terminator()) {
      int64_t at = static_cast<int64_t>(ops.size());
      ops.push_back(&op);
      llvm::SmallDenseSet<Value> written, read;
      bool known = collectAccesses(&op, written, read);
      for (unsigned i = 0; i < params; ++i) {
        Value gradient = body.getArgument(args - params + i);
        Value param = body.getArgument(2 + i);
        bool writes = !known || written.contains(gradient);
        bool touches = writes || read.contains(gradient) ||
                       written.contains(param) || read.contains(param);
        if (writes)
          first[i] = std::min(first[i], at);
        if (touches)
          last[i] = std::max(last[i], at);
      }
    }

    // The smallest s such that [s, P)'s last accesses all come before the
    // first gradient write of any of [0, s): the most bytes the sum (and
    // the update) can start on.
    int64_t split = -1, point = -1;
    for (unsigned s = 1; s < params; ++s) {
      int64_t lastOfRun = -1, firstOfRest = kNever;
      for (unsigned i = s; i < params; ++i)
        lastOfRun = std::max(lastOfRun, last[i]);
      for (unsigned i = 0; i < s; ++i)
        firstOfRest = std::min(firstOfRest, first[i]);
      if (lastOfRun >= 0 && lastOfRun < firstOfRest) {
        split = s;
        point = lastOfRun;
        break;
      }
    }
    if (split < 0)
      return;

    OpBuilder b(ops[point]->getContext());
    FailureOr<LLVM::LLVMFuncOp> trampoline = cnnc::declareRuntimeHook(
        module, kHookGlobal, kTrampoline, {b.getI64Type()});
    if (failed(trampoline))
      return signalPassFailure();
    b.setInsertionPointAfter(ops[point]);
    Location loc = step.getLoc();
    Value index = b.create<arith::ConstantOp>(loc, b.getI64IntegerAttr(split));
    b.create<LLVM::CallOp>(loc, *trampoline, ValueRange{index});
  }
};

} // namespace
