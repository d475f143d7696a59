//===- CompileCommand.h - cnnc MODEL: a summary, IR or code -----*- C++ -*-===//

#ifndef CNNC_COMPILER_COMMANDS_COMPILECOMMAND_H
#define CNNC_COMPILER_COMMANDS_COMPILECOMMAND_H

#include "compiler/backend/Codegen.h"
#include "compiler/backend/Pipeline.h"
#include "compiler/commands/TrainingOverrides.h"

#include "mlir/IR/MLIRContext.h"

#include <string>

namespace cnnc {

/// What `cnnc MODEL` writes: a stage of the pipeline (`--emit`), or by
/// default an object for any `-o FILE` and the `cnn` IR on stdout.
enum class EmitStage {
  Default,
  Cnn,
  Fused,
  Tiled,
  Loops,
  LLVM,
  LLVMIR,
  Asm,
  Obj
};

struct CompileRequest {
  std::string modelPath;
  std::string outputPath = "-"; // "-": stdout
  bool summary = false;         // Keras's model.summary() table instead
  /// With `summary`: weights that must bind to the model (as Keras's
  /// load_weights() before summary()); the table is the same.
  std::string summaryWeightsPath;
  /// The forward pass's memory plan (weights, workspace buffers) instead.
  bool memory = false;
  EmitStage emit = EmitStage::Default;
  TargetOptions target;
  /// pipeline.train adds the training step; `training` changes it.
  PipelineOptions pipeline;
  TrainingOverrides training;
};

/// Runs `cnnc MODEL ...`; the exit code (errors are reported).
int runCompile(const CompileRequest &request, mlir::MLIRContext &context);

} // namespace cnnc

#endif // CNNC_COMPILER_COMMANDS_COMPILECOMMAND_H
