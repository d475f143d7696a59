//===- QuantizeCommand.h - cnnc quantize: int8 post-training quantization -===//

#ifndef CNNC_COMPILER_COMMANDS_QUANTIZECOMMAND_H
#define CNNC_COMPILER_COMMANDS_QUANTIZECOMMAND_H

#include "compiler/backend/Pipeline.h"

#include "mlir/IR/MLIRContext.h"

#include <cstdint>
#include <optional>
#include <string>

namespace cnnc {

struct QuantizeRequest {
  std::string modelPath;
  /// The trained f32 weights (any file --weights takes but a quantized
  /// one); empty: the model file's own.
  std::string weightsPath;
  std::string outputPath;
  /// Calibration: the first `calibrate` training images.
  int64_t calibrate = 1000;
  std::optional<std::string> dataset; // mnist (default) | fashion_mnist
  std::string dataDir;                // --data DIR
  unsigned threads = 0;
  PipelineOptions pipeline;
};

/// Runs `cnnc quantize`; the exit code (errors are reported).
int runQuantize(const QuantizeRequest &request, mlir::MLIRContext &context);

} // namespace cnnc

#endif // CNNC_COMPILER_COMMANDS_QUANTIZECOMMAND_H
