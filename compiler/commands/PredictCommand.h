//===- PredictCommand.h - cnnc predict: a .npy or image files --*- C++ -*-===//

#ifndef CNNC_COMPILER_COMMANDS_PREDICTCOMMAND_H
#define CNNC_COMPILER_COMMANDS_PREDICTCOMMAND_H

#include "compiler/backend/Pipeline.h"

#include "mlir/IR/MLIRContext.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cnnc {

struct PredictRequest {
  std::string modelPath;
  /// One .npy (float32, images NHWC) per model input, in the model's
  /// input order.
  std::vector<std::string> inputPaths;
  /// Or image files, each printed as a line (or a JSON object) with its
  /// `top` classes.
  std::vector<std::string> imagePaths;
  unsigned top = 1;
  bool json = false;
  std::string outputPath; // .npy; optional with images
  /// Empty: the model file's own weights, else its initializers with `seed`.
  std::string weightsPath;
  uint64_t seed = 0;
  unsigned threads = 0; // 0: all cores
  PipelineOptions pipeline;
};

/// Runs `cnnc predict`; the exit code (errors are reported).
int runPredict(const PredictRequest &request, mlir::MLIRContext &context);

} // namespace cnnc

#endif // CNNC_COMPILER_COMMANDS_PREDICTCOMMAND_H
