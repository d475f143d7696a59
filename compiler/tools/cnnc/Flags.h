//===- Flags.h - cnnc's command line, as requests ---------------*- C++ -*-===//
//
// Each subcommand's llvm::cl options live in its own file (CompileFlags.cpp,
// PredictFlags.cpp, TrainFlags.cpp, ExportFlags.cpp; the options every
// subcommand shares in CommonFlags.cpp). Once the command line is parsed,
// they become the request that the subcommand's library function
// (compiler/commands/) runs; a value no request can hold is one error line
// and no request.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_COMPILER_TOOLS_CNNC_FLAGS_H
#define CNNC_COMPILER_TOOLS_CNNC_FLAGS_H

#include "compiler/commands/CompileCommand.h"
#include "compiler/commands/ExportCommand.h"
#include "compiler/commands/PredictCommand.h"
#include "compiler/commands/TrainCommand.h"

#include "llvm/Support/CommandLine.h"

#include <optional>

namespace cnnc {

/// cnnc's own options, listed apart from LLVM's and MLIR's in --help.
extern llvm::cl::OptionCategory cnncCategory;
extern llvm::cl::SubCommand predictCommand, trainCommand, evalCommand,
    exportCommand;

std::optional<CompileRequest> compileRequestFromFlags();
std::optional<PredictRequest> predictRequestFromFlags();
std::optional<TrainRequest> trainRequestFromFlags(bool evaluateOnly);
std::optional<ExportRequest> exportRequestFromFlags();

/// --no-fuse, --no-tile, --line-tables: how every command compiles.
PipelineOptions pipelineOptionsFromFlags();
/// --optimizer, --lr, --loss: what the training step compiles.
TrainingOverrides trainingOverridesFromFlags();

} // namespace cnnc

#endif // CNNC_COMPILER_TOOLS_CNNC_FLAGS_H
