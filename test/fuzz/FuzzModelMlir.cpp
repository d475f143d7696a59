//===- FuzzModelMlir.cpp - libFuzzer target: a .mlir model to LLVM --------===//
//
// Any bytes as a .mlir model: the parser and the cnn dialect's verifiers;
// then, for a module that verifies as a model (its cnn.model contract), the
// whole pipeline to the LLVM dialect. A model that verifies must compile or
// fail with a diagnostic: never assert, crash or hang.
//
//===----------------------------------------------------------------------===//

#include "compiler/backend/Pipeline.h"
#include "frontends/LoadModel.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/SourceMgr.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static mlir::DialectRegistry registry = [] {
    mlir::DialectRegistry r;
    cnnc::registerModelDialects(r);
    cnnc::registerPipelineDialects(r);
    return r;
  }();
  mlir::MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  mlir::ScopedDiagnosticHandler quiet(
      &context, [](mlir::Diagnostic &) { return mlir::success(); });
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(
          llvm::StringRef(reinterpret_cast<const char *>(data), size),
          "fuzz.mlir"),
      llvm::SMLoc());
  // As cnnc reads a .mlir model: marked as a model and verified.
  auto module = cnnc::parseModelMlir(sourceMgr, context);
  if (!module)
    return 0;
  cnnc::PipelineOptions options;
  options.train = size % 2 == 1; // half the inputs with the training step
  (void)cnnc::lowerToStage(*module, cnnc::Stage::LLVM, options);
  return 0;
}
