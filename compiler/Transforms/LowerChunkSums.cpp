//===- LowerChunkSums.cpp - The runtime adds the chunks' partial sums -----===//
//
// This file implements --cnn-lower-chunk-sums. Each
// cnn.sum_across_chunks_in_place becomes a call
//
//   cnnc_sum_across_chunks(pointer to the buffer's doubles, length)
//
// through the weak global `cnnc_sum_across_chunks_hook` (RuntimeHook.h).
// The runtime runs a batch's chunks in lockstep (runtime/train/
// LockstepChunks.h): each chunk's call stops in the hook until every chunk
// has reached it, the partial sums are added in chunk order and every
// buffer gets the total. Unset, the hook leaves the buffer as it is: a call
// that computes the whole batch by itself holds the batch's sums already.
//
// Late in the pipeline (after the loops, before LLVM), so that everything
// before it sees an op that declares which buffer it reads and writes.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"
#include "compiler/Transforms/RuntimeHook.h"
#include "dialects/cnn/CnnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace cnnc {
#define GEN_PASS_DEF_LOWERCHUNKSUMS
#include "compiler/Passes.h.inc"
} // namespace cnnc

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kHookGlobal = "cnnc_sum_across_chunks_hook";
constexpr llvm::StringLiteral kTrampoline = "cnnc_sum_across_chunks";

struct LowerChunkSums : cnnc::impl::LowerChunkSumsBase<LowerChunkSums> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<cnn::SumAcrossChunksInPlaceOp> sums;
    module.walk([&](cnn::SumAcrossChunksInPlaceOp op) { sums.push_back(op); });
    if (sums.empty())
      return;
    MLIRContext *context = module.getContext();
    Type i64 = IntegerType::get(context, 64);
    auto ptr = LLVM::LLVMPointerType::get(context);
    FailureOr<LLVM::LLVMFuncOp> trampoline =
        cnnc::declareRuntimeHook(module, kHookGlobal, kTrampoline, {ptr, i64});
    if (failed(trampoline))
      return signalPassFailure();
    for (cnn::SumAcrossChunksInPlaceOp sum : sums) {
      OpBuilder b(sum);
      Location loc = sum.getLoc();
      // The runtime gets a copy on the stack: the buffer is by now a view
      // of the step's workspace, and expand-strided-metadata takes a
      // view's aligned pointer for its source's, without the view's shift.
      // A stack array is its own pointer (and a few dozen doubles).
      Value buffer = sum.getBuffer();
      Value copy = b.create<memref::AllocaOp>(loc, sum.getBuffer().getType());
      b.create<memref::CopyOp>(loc, buffer, copy);
      Value address =
          b.create<memref::ExtractAlignedPointerAsIndexOp>(loc, copy);
      Value pointer = b.create<LLVM::IntToPtrOp>(
          loc, ptr, b.create<arith::IndexCastOp>(loc, i64, address));
      Value length = b.create<arith::ConstantOp>(
          loc, b.getI64IntegerAttr(sum.getBuffer().getType().getNumElements()));
      b.create<LLVM::CallOp>(loc, *trampoline, ValueRange{pointer, length});
      b.create<memref::CopyOp>(loc, copy, buffer);
      sum.erase();
    }
  }
};

} // namespace
