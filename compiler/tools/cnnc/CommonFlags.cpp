//===- CommonFlags.cpp - Options every cnnc subcommand takes --------------===//

#include "compiler/tools/cnnc/Flags.h"

using namespace cnnc;
namespace cl = llvm::cl;

cl::OptionCategory cnnc::cnncCategory("cnnc options");

static cl::opt<bool> noFuse("no-fuse", cl::desc("Do not fuse conv+relu+pool"),
                            cl::cat(cnncCategory),
                            cl::sub(cl::SubCommand::getAll()));
static cl::opt<bool> noTile("no-tile", cl::desc("Do not tile loop nests"),
                            cl::cat(cnncCategory),
                            cl::sub(cl::SubCommand::getAll()));
static cl::opt<std::string> lineTables(
    "line-tables",
    cl::desc("For profiling: write the tiled IR to FILE and give the code "
             "line tables into it (perf report --sort srcline)"),
    cl::value_desc("FILE"), cl::Hidden, cl::cat(cnncCategory),
    cl::sub(cl::SubCommand::getAll()));

static cl::opt<std::string> optimizer(
    "optimizer",
    cl::desc("adam, sgd or rmsprop (default: compile()'s, else rmsprop)"),
    cl::cat(cnncCategory), cl::sub(cl::SubCommand::getAll()));
static cl::opt<double>
    learningRate("lr", cl::desc("Learning rate (default: the optimizer's)"),
                 cl::cat(cnncCategory), cl::sub(cl::SubCommand::getAll()));
static cl::opt<std::string> loss(
    "loss",
    cl::desc("sparse_categorical_crossentropy, categorical_crossentropy or mse "
             "(default: compile()'s, else sparse_categorical_crossentropy)"),
    cl::cat(cnncCategory), cl::sub(cl::SubCommand::getAll()));

PipelineOptions cnnc::pipelineOptionsFromFlags() {
  PipelineOptions options;
  options.fuse = !noFuse;
  options.tile = !noTile;
  options.lineTablesFile = lineTables;
  return options;
}

TrainingOverrides cnnc::trainingOverridesFromFlags() {
  TrainingOverrides overrides;
  if (optimizer.getNumOccurrences())
    overrides.optimizer = optimizer;
  if (learningRate.getNumOccurrences())
    overrides.learningRate = learningRate;
  if (loss.getNumOccurrences())
    overrides.loss = loss;
  return overrides;
}
