//===- RuntimeHook.cpp - Calls from compiled code into the runtime --------===//

#include "compiler/Transforms/RuntimeHook.h"

using namespace mlir;

FailureOr<LLVM::LLVMFuncOp> cnnc::declareRuntimeHook(ModuleOp module,
                                                     StringRef globalName,
                                                     StringRef trampolineName,
                                                     ArrayRef<Type> arguments) {
  if (module.lookupSymbol(globalName) || module.lookupSymbol(trampolineName))
    return module.emitError("the module already defines '")
           << globalName << "' or '" << trampolineName << "'";
  MLIRContext *context = module.getContext();
  OpBuilder b(context);
  Location loc = module.getLoc();
  auto ptr = LLVM::LLVMPointerType::get(context);
  b.setInsertionPointToEnd(module.getBody());
  auto global =
      b.create<LLVM::GlobalOp>(loc, ptr, /*isConstant=*/false,
                               LLVM::Linkage::Weak, globalName, Attribute());
  Block *init = b.createBlock(&global.getInitializerRegion());
  b.setInsertionPointToStart(init);
  b.create<LLVM::ReturnOp>(loc, b.create<LLVM::ZeroOp>(loc, ptr).getResult());

  b.setInsertionPointToEnd(module.getBody());
  auto type =
      LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(context), arguments);
  auto trampoline = b.create<LLVM::LLVMFuncOp>(loc, trampolineName, type,
                                               LLVM::Linkage::Internal);
  Block *entry = trampoline.addEntryBlock(b);
  Block *call = b.createBlock(&trampoline.getBody());
  Block *done = b.createBlock(&trampoline.getBody());
  b.setInsertionPointToStart(entry);
  Value address = b.create<LLVM::AddressOfOp>(loc, global);
  Value hook = b.create<LLVM::LoadOp>(loc, ptr, address);
  Value null = b.create<LLVM::ZeroOp>(loc, ptr);
  Value set = b.create<LLVM::ICmpOp>(loc, LLVM::ICmpPredicate::ne, hook, null);
  b.create<LLVM::CondBrOp>(loc, set, call, done);
  b.setInsertionPointToStart(call);
  SmallVector<Value> operands{hook};
  llvm::append_range(operands, entry->getArguments());
  b.create<LLVM::CallOp>(loc, type, operands);
  b.create<LLVM::BrOp>(loc, done);
  b.setInsertionPointToStart(done);
  b.create<LLVM::ReturnOp>(loc, ValueRange{});
  return trampoline;
}
