//===- TrainCommand.h - cnnc train / eval via the JIT -----------*- C++ -*-===//

#ifndef CNNC_COMPILER_COMMANDS_TRAINCOMMAND_H
#define CNNC_COMPILER_COMMANDS_TRAINCOMMAND_H

#include "compiler/backend/Pipeline.h"
#include "compiler/commands/TrainingOverrides.h"
#include "runtime/train/TrainRun.h"

#include "mlir/IR/MLIRContext.h"

#include <string>

namespace cnnc {

struct TrainRequest {
  std::string modelPath;
  bool evaluateOnly = false; // `cnnc eval`
  /// The runtime's options: data, epochs, checkpoints, weights, metrics.
  RunOptions run;
  /// A folder of class subfolders of images to train or evaluate on, in
  /// place of the IDX files.
  std::string imageDir;
  /// After training, write the model as a TF.js layers model here.
  std::string exportTfjsDir;
  PipelineOptions pipeline;
  TrainingOverrides training;
};

/// Runs `cnnc train` (or `cnnc eval`): reads the model, applies the flags
/// that change what is compiled, compiles the model with its training step
/// in process and hands the kernels to the runtime's training loop, the same
/// one an AOT-built trainer runs. Returns the exit code.
int runTrain(TrainRequest request, mlir::MLIRContext &context);

} // namespace cnnc

#endif // CNNC_COMPILER_COMMANDS_TRAINCOMMAND_H
