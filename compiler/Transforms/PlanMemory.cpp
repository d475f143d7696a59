//===- PlanMemory.cpp - Each function's buffers in one workspace ----------===//
//
// This file implements --cnn-plan-memory. After bufferization and buffer
// hoisting, a function of the model (@forward, the training step's) is one
// block: allocations, hoisted to its start, then one step per layer (a
// loop nest, a linalg op, or after outlining a call of a nest) that reads
// and writes buffers. Each allocation becomes a view into one workspace,
// so that buffers whose lives do not overlap share its bytes and a call
// allocates once instead of once per buffer.
//
// Liveness: a buffer is live from the first step that uses it, directly or
// through a view of it, to the last; its allocation and deallocation do not
// count (buffer hoisting moved the allocations to the top). Two buffers
// conflict when their live steps intersect: a step that reads one and
// writes the other needs both.
//
// Sizes: every buffer is a * n + b bytes, n the batch: one dynamic
// dimension of one argument (the model contract makes the batch the only
// dynamic size; the optimizer's functions have other dynamic sizes, so a
// function's n is the first one its allocations use, and a buffer sized by
// another stays a heap allocation). A buffer with a = 0 goes into the
// fixed region, at the workspace's start; one with b = 0 into the
// per-sample region after it, at offset C + p * n. Both regions are packed
// by the same greedy-by-size first fit (TFLite's arena planner): largest
// buffer first, each at the lowest offset where it overlaps no buffer
// already placed whose life intersects its own. Packing the per-sample
// region by the coefficients a makes its plan valid for every n at once: p
// and a scale together. Sizes are rounded up to 64 bytes (per sample in the
// per-sample region), so every buffer starts on a cache line for every n.
//
// @forward takes its workspace as a new last argument, so that callers of
// cnnc_forward_ws can give it; the pass adds @forward_workspace_bytes(n) =
// C + S * n for them and for --cnn-emit-workspace-interface, makes each
// caller of @forward allocate it around the call, and records the plan on
// @forward (MemoryPlan.h) for `cnnc MODEL --memory`. Every other function
// allocates its workspace itself at its start.
//
// Why before buffer deallocation (in cnnc's pipeline): the ownership-based
// deallocation frees a block's buffers with one bufferization.dealloc of
// all of them, and its simplification compares them pairwise: quadratic in
// the layers (2.9 of 10 s of a 400-layer training step's MLIR passes).
// After planning a function owns one allocation.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"
#include "compiler/Transforms/MemoryPlan.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace cnnc {
#define GEN_PASS_DEF_PLANMEMORY
#include "compiler/Passes.h.inc"
} // namespace cnnc

using namespace mlir;
namespace plan = cnnc::memory_plan;

namespace {

/// a * n + b.
struct Affine {
  int64_t a = 0, b = 0;
};

/// One buffer of @forward.
struct Buffer {
  Operation *alloc = nullptr;
  unsigned index = 0; // in program order, for a deterministic order
  Affine bytes;
  unsigned first = 0, last = 0; // live steps
  SmallVector<Operation *> deallocs;
  int64_t offset = 0; // in its region: per sample, or fixed
};

int64_t alignUp(int64_t v) {
  return (v + plan::kAlignment - 1) / plan::kAlignment * plan::kAlignment;
}

/// The batch n of a function: a dynamic dimension of one of its arguments.
struct BatchSource {
  unsigned argument = 0;
  int64_t dimension = 0;
  bool operator==(const BatchSource &other) const {
    return argument == other.argument && dimension == other.dimension;
  }
};

/// `value` as a * n + b, where n is the function's batch, or nothing. The
/// first dynamic dimension of an argument met becomes the batch.
std::optional<Affine> affineOfBatch(Value value, func::FuncOp function,
                                    std::optional<BatchSource> &batch) {
  APInt constant;
  if (matchPattern(value, m_ConstantInt(&constant)))
    return Affine{0, constant.getSExtValue()};
  Operation *def = value.getDefiningOp();
  if (auto dim = dyn_cast_or_null<memref::DimOp>(def)) {
    std::optional<int64_t> index = dim.getConstantIndex();
    auto type = dyn_cast<MemRefType>(dim.getSource().getType());
    if (!index || !type || !type.isDynamicDim(*index))
      return std::nullopt;
    if (auto arg = dyn_cast<BlockArgument>(dim.getSource())) {
      if (arg.getOwner()->getParentOp() != function.getOperation())
        return std::nullopt;
      BatchSource source{arg.getArgNumber(), *index};
      if (!batch)
        batch = source;
      return *batch == source ? std::optional<Affine>(Affine{1, 0})
                              : std::nullopt;
    }
    if (auto alloc = dim.getSource().getDefiningOp<memref::AllocOp>())
      return affineOfBatch(
          alloc.getDynamicSizes()[type.getDynamicDimIndex(*index)], function,
          batch);
    return std::nullopt;
  }
  if (!def || def->getNumOperands() != 2)
    return std::nullopt;
  std::optional<Affine> x = affineOfBatch(def->getOperand(0), function, batch);
  std::optional<Affine> y = affineOfBatch(def->getOperand(1), function, batch);
  if (!x || !y)
    return std::nullopt;
  if (isa<arith::AddIOp>(def))
    return Affine{x->a + y->a, x->b + y->b};
  if (isa<arith::MulIOp>(def) && (x->a == 0 || y->a == 0))
    return Affine{x->a * y->b + y->a * x->b, x->b * y->b};
  return std::nullopt;
}

/// The bytes of `type` with the dynamic sizes `sizes`, or nothing when it
/// is not affine in the batch.
std::optional<Affine> bytesOf(MemRefType type, ValueRange sizes,
                              func::FuncOp function,
                              std::optional<BatchSource> &batch) {
  Type element = type.getElementType();
  int64_t elementBytes = element.isIndex() ? 8
                         : element.isIntOrFloat()
                             ? (element.getIntOrFloatBitWidth() + 7) / 8
                             : 0;
  if (elementBytes == 0 || !type.getLayout().isIdentity())
    return std::nullopt;
  Affine bytes{0, elementBytes};
  unsigned next = 0;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    Affine factor{0, type.getDimSize(d)};
    if (type.isDynamicDim(d)) {
      // A size of another source leaves `batch` as it was.
      std::optional<BatchSource> tried = batch;
      std::optional<Affine> size =
          affineOfBatch(sizes[next++], function, tried);
      if (!size)
        return std::nullopt;
      batch = tried;
      factor = *size;
    }
    if (bytes.a != 0 && factor.a != 0)
      return std::nullopt; // quadratic in the batch
    bytes = {bytes.a * factor.b + factor.a * bytes.b, bytes.b * factor.b};
  }
  return bytes;
}

/// A step computes: a call, a loop, a linalg op. Allocations, views,
/// index arithmetic and the like are not steps.
bool isStep(Operation *op) {
  if (isa<memref::AllocOp, memref::AllocaOp, memref::DeallocOp, func::ReturnOp,
          ViewLikeOpInterface>(op))
    return false;
  return op->getNumRegions() != 0 || !isMemoryEffectFree(op);
}

/// Greedy by size, first fit: the largest first, each at the lowest offset
/// (a multiple of 64) where it overlaps none of the placed buffers live at
/// the same time. `sizeOf` gives a buffer's size in this region. Returns the
/// region's size.
int64_t pack(MutableArrayRef<Buffer *> buffers,
             function_ref<int64_t(const Buffer &)> sizeOf) {
  SmallVector<Buffer *> order(buffers.begin(), buffers.end());
  llvm::sort(order, [&](Buffer *x, Buffer *y) {
    if (sizeOf(*x) != sizeOf(*y))
      return sizeOf(*x) > sizeOf(*y);
    return std::make_pair(x->first, x->index) <
           std::make_pair(y->first, y->index);
  });
  SmallVector<Buffer *> placed;
  int64_t end = 0;
  for (Buffer *buffer : order) {
    int64_t size = alignUp(sizeOf(*buffer));
    SmallVector<Buffer *> live;
    for (Buffer *other : placed)
      if (other->first <= buffer->last && buffer->first <= other->last)
        live.push_back(other);
    llvm::sort(live,
               [](Buffer *x, Buffer *y) { return x->offset < y->offset; });
    int64_t offset = 0;
    for (Buffer *other : live) {
      if (offset + size <= other->offset)
        break;
      offset = std::max(offset, other->offset + alignUp(sizeOf(*other)));
    }
    buffer->offset = offset;
    placed.push_back(buffer);
    end = std::max(end, offset + size);
  }
  return end;
}

/// One function's plan.
struct FunctionPlan {
  std::vector<Buffer> buffers;
  SmallVector<Attribute> stepLocs;
  std::optional<BatchSource> batch;
  Value batchValue; // n as the rewritten function reads it
  int64_t fixedBytes = 0, perSampleBytes = 0;
};

struct PlanMemory : cnnc::impl::PlanMemoryBase<PlanMemory> {
  using PlanMemoryBase::PlanMemoryBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> functions;
    for (auto function : module.getOps<func::FuncOp>())
      if (!function.isExternal() &&
          function.getName() != plan::kBytesFunction &&
          !function->hasAttr(plan::kAttrName))
        functions.push_back(function);
    for (func::FuncOp function : functions)
      if (failed(function.getName() == "forward" ? planForward(module, function)
                                                 : planLocal(function)))
        return signalPassFailure();
  }

  LogicalResult planForward(ModuleOp module, func::FuncOp forward) {
    if (!forward.getBody().hasOneBlock() || forward.getNumArguments() == 0)
      return forward.emitError(
          "expected @forward as one block after bufferization");
    FunctionPlan layout;
    if (failed(makePlan(forward, layout, /*strict=*/true)))
      return failure();
    Value workspace = addWorkspaceArgument(forward);
    rewrite(forward, layout, workspace);
    addBytesFunction(module, forward, layout.fixedBytes, layout.perSampleBytes);
    if (failed(updateCallers(module, forward,
                             layout.fixedBytes == 0 &&
                                 layout.perSampleBytes == 0)))
      return failure();
    recordPlan(forward, layout);
    return success();
  }

  /// A function other than @forward allocates its workspace at its start
  /// (and frees it before it returns, when the buffers were freed).
  LogicalResult planLocal(func::FuncOp function) {
    if (!function.getBody().hasOneBlock())
      return success();
    FunctionPlan layout;
    if (failed(makePlan(function, layout, /*strict=*/false)))
      return failure();
    if (layout.buffers.empty())
      return success();
    Block &body = function.getBody().front();
    Location loc = function.getLoc();
    OpBuilder b = OpBuilder::atBlockBegin(&body);
    Value bytes = b.create<arith::ConstantIndexOp>(loc, layout.fixedBytes);
    if (layout.perSampleBytes != 0) {
      Value scaled = b.create<arith::MulIOp>(
          loc, batchOf(b, function, layout),
          b.create<arith::ConstantIndexOp>(loc, layout.perSampleBytes));
      bytes = b.create<arith::AddIOp>(loc, scaled, bytes);
    }
    auto type = MemRefType::get({ShapedType::kDynamic},
                                IntegerType::get(b.getContext(), 8));
    auto workspace = b.create<memref::AllocOp>(
        loc, type, ValueRange{bytes}, b.getI64IntegerAttr(plan::kAlignment));
    workspace->setAttr(plan::kWorkspaceAttr, b.getUnitAttr());
    rewrite(function, layout, workspace);
    if (freeWorkspaces) {
      b.setInsertionPoint(body.getTerminator());
      b.create<memref::DeallocOp>(loc, workspace);
    }
    return success();
  }

  /// The buffers of `function`, their lives and their offsets. With
  /// `strict`, a buffer that cannot be placed is an error; otherwise it
  /// stays a heap allocation.
  LogicalResult makePlan(func::FuncOp function, FunctionPlan &layout,
                         bool strict) {
    Block &body = function.getBody().front();

    // Number the steps.
    DenseMap<Operation *, unsigned> stepOf;
    for (Operation &op : body)
      if (isStep(&op)) {
        stepOf[&op] = layout.stepLocs.size();
        layout.stepLocs.push_back(LocationAttr(op.getLoc()));
      }

    // Each allocation, its size, its life.
    for (Operation &op : body) {
      if (!isa<memref::AllocOp, memref::AllocaOp>(op) ||
          op.hasAttr(plan::kWorkspaceAttr))
        continue;
      Buffer buffer;
      buffer.alloc = &op;
      buffer.index = layout.buffers.size();
      auto type = cast<MemRefType>(op.getResult(0).getType());
      std::optional<Affine> bytes =
          bytesOf(type, op.getOperands(), function, layout.batch);
      // A size the plan cannot express as a·n or b (a dynamic size that is
      // not the batch's multiple, e.g. a dilated depthwise convolution's
      // padded input) stays a heap allocation of its own: the model still
      // compiles and runs, only cnnc_forward_ws then allocates it.
      if (!bytes || (bytes->a != 0 && bytes->b != 0))
        continue;
      buffer.bytes = *bytes;
      if (failed(findLife(buffer, body, stepOf, strict))) {
        if (strict)
          return failure();
        continue;
      }
      layout.buffers.push_back(std::move(buffer));
    }

    SmallVector<Buffer *> fixed, perSample;
    for (Buffer &buffer : layout.buffers)
      (buffer.bytes.a ? perSample : fixed).push_back(&buffer);
    layout.fixedBytes =
        pack(fixed, [](const Buffer &buffer) { return buffer.bytes.b; });
    layout.perSampleBytes =
        pack(perSample, [](const Buffer &buffer) { return buffer.bytes.a; });
    return success();
  }

  /// The steps that use `buffer` or a view of it. A use that is no step
  /// (the buffer leaves the function) fails, with an error if `report`.
  LogicalResult findLife(Buffer &buffer, Block &body,
                         const DenseMap<Operation *, unsigned> &stepOf,
                         bool report) {
    std::optional<unsigned> first, last;
    SmallVector<Value> values{buffer.alloc->getResult(0)};
    DenseSet<Value> seen{buffer.alloc->getResult(0)};
    while (!values.empty()) {
      Value value = values.pop_back_val();
      for (OpOperand &use : value.getUses()) {
        Operation *user = use.getOwner();
        if (auto view = dyn_cast<ViewLikeOpInterface>(user);
            view && view.getViewSource() == value) {
          for (Value result : user->getResults())
            if (seen.insert(result).second)
              values.push_back(result);
          continue;
        }
        if (isa<memref::DeallocOp>(user) && user->getBlock() == &body) {
          buffer.deallocs.push_back(user);
          continue;
        }
        // memref.dim and the like read the descriptor, not the bytes.
        if (isMemoryEffectFree(user) && user->getNumRegions() == 0 &&
            !user->hasTrait<OpTrait::IsTerminator>())
          continue;
        Operation *top = body.findAncestorOpInBlock(*user);
        auto step = top ? stepOf.find(top) : stepOf.end();
        if (step == stepOf.end() || isa<func::ReturnOp>(top)) {
          if (report)
            user->emitError("cnnc cannot place a buffer that this op "
                            "uses in the workspace");
          return failure();
        }
        first = std::min(first.value_or(step->second), step->second);
        last = std::max(last.value_or(step->second), step->second);
        // Before canonicalization a loop passes a buffer through its
        // iter_args: a step's memref results may be a buffer it takes as an
        // operand, or one that a region yields.
        if (user == top || isa<RegionBranchTerminatorOpInterface>(user))
          for (Value result : top->getResults())
            if (isa<BaseMemRefType>(result.getType()) &&
                seen.insert(result).second)
              values.push_back(result);
      }
    }
    // An unused buffer lives nowhere; give it the first step's place.
    buffer.first = first.value_or(0);
    buffer.last = last.value_or(0);
    return success();
  }

  /// n, read once at the function's start.
  Value batchOf(OpBuilder &b, func::FuncOp function, FunctionPlan &layout) {
    if (layout.batchValue)
      return layout.batchValue;
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&function.getBody().front());
    layout.batchValue = b.create<memref::DimOp>(
        function.getLoc(), function.getArgument(layout.batch->argument),
        layout.batch->dimension);
    return layout.batchValue;
  }

  /// @forward's new last argument.
  Value addWorkspaceArgument(func::FuncOp forward) {
    MLIRContext *context = forward.getContext();
    auto workspaceType =
        MemRefType::get({ShapedType::kDynamic}, IntegerType::get(context, 8));
    unsigned index = forward.getNumArguments();
    forward.insertArgument(
        index, workspaceType,
        DictionaryAttr::get(
            context,
            {NamedAttribute(StringAttr::get(context, plan::kWorkspaceAttr),
                            UnitAttr::get(context))}),
        forward.getLoc());
    return forward.getBody().front().getArgument(index);
  }

  /// Replaces the allocations by views of `workspace`, and drops their
  /// deallocations.
  void rewrite(func::FuncOp function, FunctionPlan &layout, Value workspace) {
    OpBuilder b(function.getContext());
    Value batch;
    if (layout.perSampleBytes != 0)
      batch = batchOf(b, function, layout);
    int64_t fixedBytes = layout.fixedBytes;
    for (Buffer &buffer : layout.buffers) {
      b.setInsertionPoint(buffer.alloc);
      Location at = buffer.alloc->getLoc();
      Value offset;
      if (buffer.bytes.a == 0) {
        offset = b.create<arith::ConstantIndexOp>(at, buffer.offset);
      } else if (buffer.offset == 0) {
        offset = b.create<arith::ConstantIndexOp>(at, fixedBytes);
      } else {
        // C + p * n
        Value scaled = b.create<arith::MulIOp>(
            at, batch, b.create<arith::ConstantIndexOp>(at, buffer.offset));
        offset = b.create<arith::AddIOp>(
            at, scaled, b.create<arith::ConstantIndexOp>(at, fixedBytes));
      }
      auto type = cast<MemRefType>(buffer.alloc->getResult(0).getType());
      Value view = b.create<memref::ViewOp>(at, type, workspace, offset,
                                            buffer.alloc->getOperands());
      buffer.alloc->getResult(0).replaceAllUsesWith(view);
      for (Operation *dealloc : buffer.deallocs)
        dealloc->erase();
      buffer.alloc->erase();
      buffer.alloc = view.getDefiningOp();
    }
  }

  /// @forward_workspace_bytes(n) = C + S * n.
  void addBytesFunction(ModuleOp module, func::FuncOp forward,
                        int64_t fixedBytes, int64_t perSampleBytes) {
    OpBuilder b(forward);
    b.setInsertionPointAfter(forward);
    Location loc = forward.getLoc();
    Type index = b.getIndexType();
    auto function = b.create<func::FuncOp>(loc, plan::kBytesFunction,
                                           b.getFunctionType({index}, {index}));
    // Internal, as @forward: an object exports only cnnc_ symbols.
    function.setPrivate();
    function->setAttr(
        "llvm.linkage",
        LLVM::LinkageAttr::get(b.getContext(), LLVM::Linkage::Internal));
    Block *entry = function.addEntryBlock();
    b.setInsertionPointToStart(entry);
    Value scaled = b.create<arith::MulIOp>(
        loc, entry->getArgument(0),
        b.create<arith::ConstantIndexOp>(loc, perSampleBytes));
    Value total = b.create<arith::AddIOp>(
        loc, scaled, b.create<arith::ConstantIndexOp>(loc, fixedBytes));
    b.create<func::ReturnOp>(loc, total);
    SymbolTable(module).insert(function);
  }

  /// Each call of @forward gets a workspace of its own, allocated around
  /// the call (cnnc_forward: one allocation per call instead of one per
  /// buffer).
  LogicalResult updateCallers(ModuleOp module, func::FuncOp forward,
                              bool empty) {
    SmallVector<func::CallOp> calls;
    module.walk([&](func::CallOp call) {
      if (call.getCallee() == forward.getName())
        calls.push_back(call);
    });
    for (func::CallOp call : calls) {
      OpBuilder b(call);
      Location loc = call.getLoc();
      Value batch = b.create<memref::DimOp>(loc, call.getOperand(0), 0);
      Value bytes = b.create<func::CallOp>(loc, plan::kBytesFunction,
                                           b.getIndexType(), batch)
                        .getResult(0);
      auto type = cast<MemRefType>(forward.getArgumentTypes().back());
      // A model without intermediate buffers (one dense layer) needs no
      // workspace: an empty one on the stack, rather than a malloc.
      Operation *workspace =
          empty ? b.create<memref::AllocaOp>(loc, type, ValueRange{bytes})
                : b.create<memref::AllocOp>(
                      loc, type, ValueRange{bytes},
                      b.getI64IntegerAttr(plan::kAlignment));
      workspace->setAttr(plan::kWorkspaceAttr, b.getUnitAttr());
      call->insertOperands(call.getNumOperands(), workspace->getResult(0));
      b.setInsertionPointAfter(call);
      if (!empty && freeWorkspaces)
        b.create<memref::DeallocOp>(loc, workspace->getResult(0));
    }
    // Any other use of the symbol would now be wrong.
    if (auto uses = SymbolTable::getSymbolUses(forward, module))
      for (const SymbolTable::SymbolUse &use : *uses)
        if (!isa<func::CallOp>(use.getUser()))
          return use.getUser()->emitError(
              "cnnc cannot give @forward's workspace to this use");
    return success();
  }

  void recordPlan(func::FuncOp forward, const FunctionPlan &layout) {
    Builder b(forward.getContext());
    auto pair = [&](int64_t x, int64_t y) { return b.getI64ArrayAttr({x, y}); };
    int64_t fixedBytes = layout.fixedBytes;
    SmallVector<Attribute> entries;
    for (const Buffer &buffer : layout.buffers) {
      bool perSample = buffer.bytes.a != 0;
      entries.push_back(b.getDictionaryAttr({
          b.getNamedAttr(plan::kLoc, LocationAttr(buffer.alloc->getLoc())),
          b.getNamedAttr(plan::kBytes, pair(buffer.bytes.a, buffer.bytes.b)),
          b.getNamedAttr(plan::kOffset, perSample
                                            ? pair(buffer.offset, fixedBytes)
                                            : pair(0, buffer.offset)),
          b.getNamedAttr(plan::kLive, pair(buffer.first, buffer.last)),
      }));
    }
    forward->setAttr(
        plan::kAttrName,
        b.getDictionaryAttr({
            b.getNamedAttr(plan::kFixedBytes, b.getI64IntegerAttr(fixedBytes)),
            b.getNamedAttr(plan::kPerSampleBytes,
                           b.getI64IntegerAttr(layout.perSampleBytes)),
            b.getNamedAttr(plan::kSteps, b.getArrayAttr(layout.stepLocs)),
            b.getNamedAttr(plan::kBuffers, b.getArrayAttr(entries)),
        }));
  }
};

} // namespace
