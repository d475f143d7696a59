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
#include "compiler/commands/QuantizeCommand.h"
#include "compiler/commands/ShowCommand.h"
#include "compiler/commands/TrainCommand.h"

#include "llvm/Support/CommandLine.h"

#include <optional>

namespace cnnc {

/// cnnc's own options, listed apart from LLVM's and MLIR's in --help.
extern llvm::cl::OptionCategory cnncCategory;
extern llvm::cl::SubCommand predictCommand, trainCommand, evalCommand,
    exportCommand, showCommand, quantizeCommand;

/// Parses the command line; a bad one is one `cnnc: error:` line (llvm::cl's
/// complaint in cnnc's words) and false.
bool parseCommandLine(int argc, char **argv, llvm::StringRef overview);

std::optional<CompileRequest> compileRequestFromFlags();
std::optional<PredictRequest> predictRequestFromFlags();
std::optional<TrainRequest> trainRequestFromFlags(bool evaluateOnly);
std::optional<ExportRequest> exportRequestFromFlags();
std::optional<ShowRequest> showRequestFromFlags();
std::optional<QuantizeRequest> quantizeRequestFromFlags();

/// --entry: how the frontends read a model (LoadModel.h's setPythonEntry).
void applyFrontendFlags();

/// --no-fuse, --no-tile, --line-tables: how every command compiles.
PipelineOptions pipelineOptionsFromFlags();
/// --optimizer, --lr, --loss: what the training step compiles.
TrainingOverrides trainingOverridesFromFlags();

/// A bash completion script for cnnc's commands and options (`cnnc
/// --bash-completion`), made from the registered option tables.
void printBashCompletion(llvm::raw_ostream &os);

/// The most threads a command runs (as the AOT trainer's --threads).
constexpr unsigned kMaxThreads = 1024;

/// A number as a flag's value is echoed: %g (1.5, inf, nan).
std::string formatFlagNumber(double value);

/// False, after one error line, when a --threads value is above kMaxThreads.
bool checkThreadsFlag(unsigned threads);

} // namespace cnnc

#endif // CNNC_COMPILER_TOOLS_CNNC_FLAGS_H
