//===- FuzzKerasModel.cpp - libFuzzer targets: the Keras frontends --------===//
//
// Any bytes as a model file: the Python frontend (parser, interpreter) or,
// built with CNNC_FUZZ_JSON, the Keras / TF.js JSON frontend; then, for what
// they accept, the IR builder and its shape checks. Errors are fine;
// crashes, hangs, leaks and sanitizer reports are not.
//
//===----------------------------------------------------------------------===//

#include "frontends/LoadModel.h"
#include "frontends/common/ModelToCnn.h"
#include "frontends/keras-json/KerasJson.h"
#include "frontends/keras-python/KerasPython.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string source(reinterpret_cast<const char *>(data), size);
#ifdef CNNC_FUZZ_JSON
  llvm::Expected<cnnc::ModelSpec> model =
      cnnc::parseKerasJson(source, "fuzz.json");
#else
  llvm::Expected<cnnc::ModelSpec> model =
      cnnc::parseKerasPython(source, "fuzz.py");
#endif
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
  mlir::ScopedDiagnosticHandler quiet(
      &context, [](mlir::Diagnostic &) { return mlir::success(); });
  (void)cnnc::buildCnnModule(*model, context);
  return 0;
}
