//===- FuzzKerasJson.cpp - libFuzzer target: the Keras / TF.js JSON frontend===//
//
// Any bytes as a model .json: llvm::json, the locator and the readers, then (for what they
// accept) the IR builder and its shape checks. Errors are fine; crashes,
// hangs, leaks and sanitizer reports are not.
//
//===----------------------------------------------------------------------===//

#include "frontends/common/ModelToCnn.h"
#include "frontends/keras-json/KerasJson.h"
#include "frontends/LoadModel.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string source(reinterpret_cast<const char *>(data), size);
  llvm::Expected<cnnc::ModelSpec> model = cnnc::parseKerasJson(source, "fuzz.json");
  if (!model) {
    llvm::consumeError(model.takeError());
    return 0;
  }
  static mlir::DialectRegistry registry = [] {
    mlir::DialectRegistry r;
    cnnc::registerModelDialects(r);
    return r;
  }();
  mlir::MLIRContext context(registry);
  mlir::ScopedDiagnosticHandler quiet(&context, [](mlir::Diagnostic &) {
    return mlir::success();
  });
  (void)cnnc::buildCnnModule(*model, context);
  return 0;
}
