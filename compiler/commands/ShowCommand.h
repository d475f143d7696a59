//===- ShowCommand.h - cnnc show: the lesson's pictures ---------*- C++ -*-===//
//
//   cnnc show pooling (--image FILE | --mnist-index K) [--pool P --stride S] -o
//   F.png cnnc show features MODEL [--weights W] (--image FILE | --mnist-index
//   K) -o F.png cnnc show history METRICS.json -o F.png cnnc show confusion
//   MODEL --weights W [--data DIR | --image-dir DIR] -o F.png
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_COMPILER_COMMANDS_SHOWCOMMAND_H
#define CNNC_COMPILER_COMMANDS_SHOWCOMMAND_H

#include "compiler/backend/Pipeline.h"

#include "mlir/IR/MLIRContext.h"

#include <cstdint>
#include <optional>
#include <string>

namespace cnnc {

struct ShowRequest {
  std::string what;  // pooling | features | history | confusion
  std::string input; // MODEL, or the --metrics-json file for history
  std::string imagePath;
  std::optional<int64_t> mnistIndex; // a training digit of MNIST
  int64_t pool = 2;
  std::optional<int64_t> stride; // default: the pool size
  std::string weightsPath;
  std::string dataDir, imageDir;
  uint64_t seed = 0;
  unsigned threads = 0;
  std::string outputPath;
  PipelineOptions pipeline;
};

/// Runs `cnnc show`; the exit code (errors are reported).
int runShow(const ShowRequest &request, mlir::MLIRContext &context);

} // namespace cnnc

#endif // CNNC_COMPILER_COMMANDS_SHOWCOMMAND_H
