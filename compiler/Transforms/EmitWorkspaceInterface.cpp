//===- EmitWorkspaceInterface.cpp - The allocation-free C entry point -----===//
//
// This file implements --cnn-emit-workspace-interface. After
// --cnn-emit-c-interface and --cnn-plan-memory, cnnc_forward allocates
// @forward's workspace around its call. The pass adds what model.h
// declares beside it (reports/WorkspaceHeader.cpp):
//
//   size_t cnnc_workspace_bytes(int64_t batch);
//   void cnnc_forward_ws(const float *input, int64_t batch,
//                        const float *const *params, float *output,
//                        void *workspace);
//   extern const int64_t cnnc_param_elements[CNNC_NUM_PARAMS];
//
// cnnc_forward_ws is cnnc_forward with the workspace taken from its last
// argument instead of allocated: a copy of cnnc_forward's body, so it
// follows whatever cnnc_forward passes @forward. cnnc_workspace_bytes is
// @forward_workspace_bytes for a C caller (a negative batch counts as 0).
// cnnc_param_elements holds the element count of each @forward argument
// that names a Keras weight (`cnn.param`), in argument order.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"
#include "compiler/Transforms/MemoryPlan.h"
#include "dialects/cnn/CnnDialect.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"

namespace cnnc {
#define GEN_PASS_DEF_EMITWORKSPACEINTERFACE
#include "compiler/Passes.h.inc"
} // namespace cnnc

using namespace mlir;
namespace plan = cnnc::memory_plan;

namespace {

/// The descriptor of a memref<?xi8> of `bytes` bytes at `pointer`.
Value byteBufferAt(OpBuilder &b, Location loc, MemRefType type, Value pointer,
                   Value bytes) {
  MLIRContext *context = b.getContext();
  Type i64 = b.getI64Type();
  auto array = LLVM::LLVMArrayType::get(i64, 1);
  auto structType = LLVM::LLVMStructType::getLiteral(
      context, {LLVM::LLVMPointerType::get(context),
                LLVM::LLVMPointerType::get(context), i64, array, array});
  auto constant = [&](int64_t v) -> Value {
    return b.create<LLVM::ConstantOp>(loc, i64, b.getI64IntegerAttr(v));
  };
  Value size = b.create<arith::IndexCastOp>(loc, i64, bytes);
  Value desc = b.create<LLVM::UndefOp>(loc, structType);
  desc = b.create<LLVM::InsertValueOp>(loc, desc, pointer, 0);
  desc = b.create<LLVM::InsertValueOp>(loc, desc, pointer, 1);
  desc = b.create<LLVM::InsertValueOp>(loc, desc, constant(0), 2);
  desc =
      b.create<LLVM::InsertValueOp>(loc, desc, size, ArrayRef<int64_t>{3, 0});
  desc = b.create<LLVM::InsertValueOp>(loc, desc, constant(1),
                                       ArrayRef<int64_t>{4, 0});
  return b
      .create<UnrealizedConversionCastOp>(loc, TypeRange{type},
                                          ValueRange{desc})
      .getResult(0);
}

struct EmitWorkspaceInterface
    : cnnc::impl::EmitWorkspaceInterfaceBase<EmitWorkspaceInterface> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto forward = module.lookupSymbol<func::FuncOp>("forward");
    auto entry = module.lookupSymbol<func::FuncOp>("cnnc_forward");
    auto bytes = module.lookupSymbol<func::FuncOp>(plan::kBytesFunction);
    if (!forward || !entry || entry.isExternal() || !bytes) {
      module.emitError("expected @forward, @cnnc_forward and @")
          << plan::kBytesFunction
          << " (run --cnn-emit-c-interface and --cnn-plan-memory first)";
      return signalPassFailure();
    }
    OpBuilder b(&getContext());
    b.setInsertionPointToEnd(module.getBody());
    addWorkspaceBytes(b, bytes);
    if (failed(addForwardWs(b, entry)))
      return signalPassFailure();
    addParamElements(b, forward);
  }

  /// size_t cnnc_workspace_bytes(int64_t batch)
  void addWorkspaceBytes(OpBuilder &b, func::FuncOp bytes) {
    Location loc = bytes.getLoc();
    Type i64 = b.getI64Type();
    auto function = b.create<func::FuncOp>(loc, "cnnc_workspace_bytes",
                                           b.getFunctionType({i64}, {i64}));
    OpBuilder::InsertionGuard guard(b);
    Block *body = function.addEntryBlock();
    b.setInsertionPointToStart(body);
    Value batch = b.create<arith::MaxSIOp>(
        loc, body->getArgument(0), b.create<arith::ConstantIntOp>(loc, 0, 64));
    Value n = b.create<arith::IndexCastOp>(loc, b.getIndexType(), batch);
    Value result = b.create<func::CallOp>(loc, bytes, n).getResult(0);
    b.create<func::ReturnOp>(
        loc, b.create<arith::IndexCastOp>(loc, i64, result).getResult());
  }

  /// cnnc_forward_ws: cnnc_forward's body, with the workspace argument in
  /// place of the allocation.
  LogicalResult addForwardWs(OpBuilder &b, func::FuncOp entry) {
    Type ptr = LLVM::LLVMPointerType::get(b.getContext());
    SmallVector<Type> params(entry.getArgumentTypes());
    params.push_back(ptr);
    auto function = b.create<func::FuncOp>(entry.getLoc(), "cnnc_forward_ws",
                                           b.getFunctionType(params, {}));
    OpBuilder::InsertionGuard guard(b);
    Block *body = function.addEntryBlock();
    IRMapping mapping;
    for (auto [from, to] :
         llvm::zip(entry.getArguments(), body->getArguments()))
      mapping.map(from, to);
    b.setInsertionPointToStart(body);
    for (Operation &op : entry.getBody().front())
      b.clone(op, mapping);

    SmallVector<Operation *> workspaces;
    function.walk([&](Operation *op) {
      if (op->hasAttr(plan::kWorkspaceAttr))
        workspaces.push_back(op);
    });
    if (workspaces.size() != 1 ||
        !isa<memref::AllocOp, memref::AllocaOp>(workspaces.front()))
      return entry.emitError("expected cnnc_forward to allocate one "
                             "workspace for @forward");
    Operation *allocation = workspaces.front();
    Value workspace = allocation->getResult(0);
    b.setInsertionPoint(allocation);
    Value buffer = byteBufferAt(
        b, allocation->getLoc(), cast<MemRefType>(workspace.getType()),
        body->getArguments().back(), allocation->getOperand(0));
    for (Operation *user : llvm::make_early_inc_range(workspace.getUsers()))
      if (isa<memref::DeallocOp>(user))
        user->erase();
    workspace.replaceAllUsesWith(buffer);
    allocation->erase();
    return success();
  }

  /// const int64_t cnnc_param_elements[]
  void addParamElements(OpBuilder &b, func::FuncOp forward) {
    SmallVector<int64_t> elements;
    for (unsigned i = 0; i < forward.getNumArguments(); ++i)
      if (forward.getArgAttr(i, cnn::CnnDialect::kParamAttrName))
        elements.push_back(
            cast<ShapedType>(forward.getArgumentTypes()[i]).getNumElements());
    auto type = LLVM::LLVMArrayType::get(b.getI64Type(), elements.size());
    auto value = DenseElementsAttr::get(
        RankedTensorType::get({static_cast<int64_t>(elements.size())},
                              b.getI64Type()),
        ArrayRef<int64_t>(elements));
    b.create<LLVM::GlobalOp>(forward.getLoc(), type, /*isConstant=*/true,
                             LLVM::Linkage::External, "cnnc_param_elements",
                             value);
  }
};

} // namespace
