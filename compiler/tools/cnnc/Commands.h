//===- Commands.h - cnnc's subcommands --------------------------*- C++ -*-===//

#ifndef CNNC_COMPILER_TOOLS_CNNC_COMMANDS_H
#define CNNC_COMPILER_TOOLS_CNNC_COMMANDS_H

#include "compiler/Pipeline.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"

namespace cnnc {

extern llvm::cl::OptionCategory cnncCategory;
extern llvm::cl::SubCommand predictCommand;
extern llvm::cl::SubCommand trainCommand;
extern llvm::cl::SubCommand evalCommand;
extern llvm::cl::SubCommand exportCommand;

/// `cnnc predict MODEL --input X.npy -o Y.npy`.
int predictMain(mlir::MLIRContext &context);

/// `cnnc train MODEL [options]`, or `cnnc eval MODEL --weights W` when
/// `evaluateOnly`.
int trainMain(mlir::MLIRContext &context, bool evaluateOnly);

/// `cnnc export MODEL [--weights W] --format tfjs|h5 -o PATH`.
int exportMain(mlir::MLIRContext &context);

/// Rewrites the module's `cnn.training` with --optimizer, --lr and --loss,
/// the flags that change the compiled training step.
mlir::LogicalResult applyTrainingFlags(mlir::ModuleOp module);

/// The pipeline as --no-fuse / --no-tile ask.
PipelineOptions pipelineOptionsFromFlags();

/// Writes `text` to stdout ("-") or atomically to `path`; reports failure.
bool writeOutput(const std::string &path, const std::string &text);

} // namespace cnnc

#endif // CNNC_COMPILER_TOOLS_CNNC_COMMANDS_H
