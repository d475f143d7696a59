//===- ExportCommand.h - cnnc export: TF.js or Keras files ------*- C++ -*-===//

#ifndef CNNC_COMPILER_COMMANDS_EXPORTCOMMAND_H
#define CNNC_COMPILER_COMMANDS_EXPORTCOMMAND_H

#include "frontends/export/ModelExport.h"

#include "mlir/IR/MLIRContext.h"

#include <cstdint>
#include <string>

namespace cnnc {

struct ExportRequest {
  std::string modelPath;
  /// Empty: the model file's own weights, else its initializers with `seed`.
  std::string weightsPath;
  ExportFormat format = ExportFormat::Tfjs;
  std::string outputPath;
  uint64_t seed = 0;
};

/// Runs `cnnc export`; the exit code (errors are reported).
int runExport(const ExportRequest &request, mlir::MLIRContext &context);

} // namespace cnnc

#endif // CNNC_COMPILER_COMMANDS_EXPORTCOMMAND_H
