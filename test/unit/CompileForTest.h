//===- CompileForTest.h - A Keras Python model, JIT-compiled ----*- C++ -*-===//
//
// For the unit tests that run a model's compiled training step: the model is
// written to a temporary .py and read through loadModel, as `cnnc train`
// reads it, then compiled in process.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_TEST_UNIT_COMPILEFORTEST_H
#define CNNC_TEST_UNIT_COMPILEFORTEST_H

#include "compiler/backend/CompiledModel.h"
#include "compiler/backend/Pipeline.h"
#include "frontends/LoadModel.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/Error.h"

#include <fstream>
#include <memory>
#include <string>
#include <unistd.h>

namespace cnnc {

/// Compiles `source` (Keras Python) with `options`; null with the reasons
/// appended to `diagnostics` when it fails.
inline std::unique_ptr<CompiledModel>
compilePythonModel(const std::string &source, const PipelineOptions &options,
                   std::string &diagnostics) {
  char path[] = "/tmp/cnnc-test-model-XXXXXX.py";
  int fd = mkstemps(path, 3);
  if (fd < 0)
    return nullptr;
  close(fd);
  std::ofstream(path) << source;
  static mlir::DialectRegistry registry = [] {
    mlir::DialectRegistry r;
    registerModelDialects(r);
    registerPipelineDialects(r);
    return r;
  }();
  mlir::MLIRContext context(registry);
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    diagnostics += d.str() + "\n";
    return mlir::success();
  });
  auto module = loadModel(path, context);
  unlink(path);
  if (!module)
    return nullptr;
  auto compiled = CompiledModel::compile(*module, options);
  if (!compiled) {
    diagnostics += llvm::toString(compiled.takeError());
    return nullptr;
  }
  return std::move(*compiled);
}

} // namespace cnnc

#endif // CNNC_TEST_UNIT_COMPILEFORTEST_H
