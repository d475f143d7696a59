//===- EmitCInterface.cpp - The plain C entry point cnnc_forward ----------===//
//
// This file implements --cnn-emit-c-interface. After bufferization @forward
// takes memrefs, whose LLVM calling convention (descriptors expanded into
// pointers, offsets, sizes and strides) is not something a C caller should
// see. The pass adds
//
//   void cnnc_forward(const float *input, int64_t batch,
//                     const float *const *params, float *output)
//
// which builds each descriptor from a plain pointer (contiguous, row-major,
// the batch as the only dynamic size) and calls @forward, now private. The
// descriptors become memrefs through unrealized casts that the LLVM
// conversion folds away.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMTypes.h"

namespace cnnc {
#define GEN_PASS_DEF_EMITCINTERFACE
#include "compiler/Passes.h.inc"
} // namespace cnnc

using namespace mlir;

namespace {

/// Builds the descriptor of a contiguous row-major `type` at `pointer`.
static Value buildDescriptor(OpBuilder &b, Location loc, MemRefType type,
                             Value pointer, Value batch) {
  MLIRContext *context = b.getContext();
  Type i64 = b.getI64Type();
  Type ptr = LLVM::LLVMPointerType::get(context);
  int64_t rank = type.getRank();
  auto array = LLVM::LLVMArrayType::get(i64, rank);
  auto structType =
      LLVM::LLVMStructType::getLiteral(context, {ptr, ptr, i64, array, array});
  auto constant = [&](int64_t v) -> Value {
    return b.create<LLVM::ConstantOp>(loc, i64, b.getI64IntegerAttr(v));
  };
  Value desc = b.create<LLVM::UndefOp>(loc, structType);
  desc = b.create<LLVM::InsertValueOp>(loc, desc, pointer, 0);
  desc = b.create<LLVM::InsertValueOp>(loc, desc, pointer, 1);
  desc = b.create<LLVM::InsertValueOp>(loc, desc, constant(0), 2);
  // Sizes, and strides from the innermost dimension out; only the batch (the
  // outermost dimension) is dynamic, so every stride is a constant.
  int64_t stride = 1;
  for (int64_t d = rank - 1; d >= 0; --d) {
    int64_t size = type.getDimSize(d);
    Value sizeValue = ShapedType::isDynamic(size) ? batch : constant(size);
    desc = b.create<LLVM::InsertValueOp>(
        loc, desc, sizeValue, ArrayRef<int64_t>{3, d});
    desc = b.create<LLVM::InsertValueOp>(loc, desc, constant(stride),
                                         ArrayRef<int64_t>{4, d});
    if (d > 0)
      stride *= size;
  }
  return b.create<UnrealizedConversionCastOp>(loc, TypeRange{type},
                                              ValueRange{desc})
      .getResult(0);
}

struct EmitCInterface : cnnc::impl::EmitCInterfaceBase<EmitCInterface> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto forward = module.lookupSymbol<func::FuncOp>("forward");
    if (!forward || forward.getNumResults() != 0 ||
        forward.getNumArguments() < 2 ||
        !llvm::all_of(forward.getArgumentTypes(), [](Type t) {
          auto memref = dyn_cast<MemRefType>(t);
          return memref && memref.getLayout().isIdentity();
        })) {
      module.emitError("expected a bufferized 'func.func @forward' taking "
                       "identity-layout memrefs and returning nothing");
      return signalPassFailure();
    }

    MLIRContext *context = &getContext();
    Location loc = forward.getLoc();
    OpBuilder b(context);
    b.setInsertionPointToEnd(module.getBody());
    Type ptr = LLVM::LLVMPointerType::get(context);
    Type i64 = b.getI64Type();
    auto entry = b.create<func::FuncOp>(
        loc, "cnnc_forward", b.getFunctionType({ptr, i64, ptr, ptr}, {}));
    Block *body = entry.addEntryBlock();
    b.setInsertionPointToStart(body);
    Value input = body->getArgument(0), batch = body->getArgument(1),
          params = body->getArgument(2), output = body->getArgument(3);

    SmallVector<Value> operands;
    unsigned numArgs = forward.getNumArguments();
    for (unsigned i = 0; i < numArgs; ++i) {
      Value pointer;
      if (i == 0) {
        pointer = input;
      } else if (i + 1 == numArgs) {
        pointer = output;
      } else {
        // params[i - 1]
        Value slot = b.create<LLVM::GEPOp>(
            loc, ptr, ptr, params,
            ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(i - 1)});
        pointer = b.create<LLVM::LoadOp>(loc, ptr, slot);
      }
      operands.push_back(buildDescriptor(
          b, loc, cast<MemRefType>(forward.getArgumentTypes()[i]), pointer,
          batch));
    }
    b.create<func::CallOp>(loc, forward, operands);
    b.create<func::ReturnOp>(loc);
    // Internal: the object exports cnnc_forward alone, so a program may have
    // its own `forward`.
    forward.setPrivate();
    forward->setAttr("llvm.linkage",
                     LLVM::LinkageAttr::get(context, LLVM::Linkage::Internal));
  }
};

} // namespace
