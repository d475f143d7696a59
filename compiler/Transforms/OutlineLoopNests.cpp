//===- OutlineLoopNests.cpp - A function per top-level loop nest ----------===//
//
// This file implements --cnn-outline-loop-nests. After bufferization, a
// model function (@forward, @train_gradients, ...) is one block holding a
// loop nest or linalg op per layer step, with the allocations, deallocations
// and views between them. Every such loop nest is moved into a private
// function of its own and called in its place, so that no later analysis,
// MLIR's or LLVM's, sees more than one nest at a time: their cost per
// function grows faster than its size, and the whole training step as one
// function made compile time grow with the square of the depth. Separate
// functions also let MLIR's pass manager work on several at once.
//
// What a nest uses from its function is passed in, except:
//  - constants, which are cloned, so the nest keeps its static bounds;
//  - views (subviews, reshapes, casts), which are cloned together with what
//    they are views of, down to the buffer they alias: the nest receives
//    buffers, not views, so two views of one buffer are still seen to alias
//    (vector transfer hoisting tells buffers apart by their root value) and
//    LowerVectors can still fold each subview into the transfers. A
//    memref.view is the exception: it is a buffer the memory plan placed in
//    a workspace (--cnn-plan-memory), apart from every other buffer live at
//    the same step, so it is passed as the buffer it stands for; cloned,
//    every buffer of a nest would be a view of one workspace, seen to alias.
//
// Nests that compute the same (the same ops on the same types) share one
// function: @evaluate's forward pass and most of @train_gradients' are
// @forward's nests again, and networks repeat layers of one shape. Compiled
// once, they cost their compile time once.
//
// The outlined functions are internal (not exported from an object) and
// marked noinline: LLVM would otherwise inline each into its callers and
// rebuild the single huge function.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Transforms/RegionUtils.h"

namespace cnnc {
#define GEN_PASS_DEF_OUTLINELOOPNESTS
#include "compiler/Passes.h.inc"
} // namespace cnnc

using namespace mlir;

namespace {

/// A top-level op that becomes loops: a loop, or a linalg op on buffers.
/// Results would have to be returned; after bufferization nests have none.
bool isLoopNest(Operation *op) {
  if (op->getNumResults() != 0)
    return false;
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op))
    return linalgOp.hasPureBufferSemantics();
  return isa<LoopLikeOpInterface>(op);
}

/// A view that the outlined function rebuilds from the buffer it aliases
/// rather than receiving it: it has no effect on memory and no regions.
bool isClonedView(Operation *op) {
  return op && isa<ViewLikeOpInterface>(op) && !isa<memref::ViewOp>(op) &&
         op->getNumRegions() == 0 && op->getNumResults() == 1 &&
         isMemoryEffectFree(op);
}

/// Builds the body of an outlined nest: what it uses from its parent
/// becomes arguments, constants and views are rebuilt.
class NestBody {
public:
  NestBody(Block *body, OpBuilder &builder) : body(body), builder(builder) {}

  /// `value` of the parent function, as seen in the outlined body.
  Value map(Value value) {
    if (Value mapped = mapping.lookupOrNull(value))
      return mapped;
    Operation *def = value.getDefiningOp();
    if (def && (matchPattern(value, m_Constant()) || isClonedView(def))) {
      for (Value operand : def->getOperands())
        (void)map(operand);
      builder.clone(*def, mapping);
      return mapping.lookup(value);
    }
    Value argument = body->addArgument(value.getType(), value.getLoc());
    mapping.map(value, argument);
    callOperands.push_back(value);
    return argument;
  }

  IRMapping mapping;
  /// The parent's values the call passes, one per argument.
  SmallVector<Value> callOperands;

private:
  Block *body;
  OpBuilder &builder;
};

/// An outlined nest and the one call to it.
struct Outlined {
  func::FuncOp function;
  func::CallOp call;
};

/// Moves `nest` into a new private function named `name`, inserted into the
/// module after `previous`, and calls it in its place.
Outlined outline(Operation *nest, Operation *previous, StringRef name,
                 SymbolTable &symbols) {
  MLIRContext *context = nest->getContext();
  Location loc = nest->getLoc();
  OpBuilder b(context);
  auto callee = func::FuncOp::create(loc, name, b.getFunctionType({}, {}));
  callee.setPrivate();
  callee->setAttr("llvm.linkage",
                  LLVM::LinkageAttr::get(context, LLVM::Linkage::Internal));
  // func-to-llvm carries it to llvm.func's `no_inline`.
  callee->setAttr("no_inline", UnitAttr::get(context));
  symbols.insert(callee, std::next(Block::iterator(previous)));

  Block *body = callee.addEntryBlock();
  b.setInsertionPointToStart(body);
  NestBody mapped(body, b);
  for (Value operand : nest->getOperands())
    (void)mapped.map(operand);
  llvm::SetVector<Value> usedAbove;
  getUsedValuesDefinedAbove(nest->getRegions(), usedAbove);
  for (Value value : usedAbove)
    (void)mapped.map(value);
  b.clone(*nest, mapped.mapping);
  b.create<func::ReturnOp>(loc);
  callee.setType(b.getFunctionType(body->getArgumentTypes(), {}));

  b.setInsertionPoint(nest);
  auto call = b.create<func::CallOp>(loc, callee, mapped.callOperands);
  nest->erase();
  return {callee, call};
}

/// A hash of what `function` computes: its type and its ops, whatever their
/// names, locations and the values they use.
llvm::hash_code hashBody(func::FuncOp function) {
  llvm::hash_code hash = hash_value(function.getFunctionType());
  function.getBody().walk([&](Operation *op) {
    hash =
        llvm::hash_combine(hash, OperationEquivalence::computeHash(
                                     op, OperationEquivalence::ignoreHashValue,
                                     OperationEquivalence::ignoreHashValue,
                                     OperationEquivalence::IgnoreLocations));
  });
  return hash;
}

/// Whether `a` and `b` compute the same: same type, equivalent bodies.
bool sameBody(func::FuncOp a, func::FuncOp b) {
  return a.getFunctionType() == b.getFunctionType() &&
         OperationEquivalence::isRegionEquivalentTo(
             &a.getBody(), &b.getBody(), OperationEquivalence::IgnoreLocations);
}

/// Calls one function for all the nests that are the same, and erases the
/// others: @evaluate's forward pass, and most of @train_gradients', are
/// @forward's nests again, and a network repeats layers of one shape.
void shareIdenticalNests(MutableArrayRef<Outlined> nests) {
  DenseMap<llvm::hash_code, SmallVector<func::FuncOp, 1>> kept;
  for (Outlined &nest : nests) {
    SmallVector<func::FuncOp, 1> &candidates = kept[hashBody(nest.function)];
    auto same = llvm::find_if(candidates, [&](func::FuncOp candidate) {
      return sameBody(candidate, nest.function);
    });
    if (same == candidates.end()) {
      candidates.push_back(nest.function);
      continue;
    }
    nest.call.setCallee(same->getName());
    nest.function.erase();
  }
}

struct OutlineLoopNests : cnnc::impl::OutlineLoopNestsBase<OutlineLoopNests> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    // The functions there are now; the outlined ones are not looked into.
    SmallVector<func::FuncOp> functions(module.getOps<func::FuncOp>());
    SmallVector<Outlined> outlined;
    for (func::FuncOp function : functions) {
      if (function.isExternal())
        continue;
      SmallVector<Operation *> nests;
      for (Block &block : function.getBody())
        for (Operation &op : block)
          if (isLoopNest(&op))
            nests.push_back(&op);
      // In the module, each function's nests follow it in their order.
      Operation *previous = function;
      for (auto [index, nest] : llvm::enumerate(nests)) {
        outlined.push_back(outline(
            nest, previous, (function.getName() + "_nest" + Twine(index)).str(),
            symbols));
        previous = outlined.back().function;
      }
    }
    shareIdenticalNests(outlined);
  }
};

} // namespace
