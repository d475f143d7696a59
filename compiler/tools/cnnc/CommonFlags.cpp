//===- CommonFlags.cpp - Options every cnnc subcommand takes --------------===//

#include "compiler/support/Diagnostics.h"
#include "compiler/tools/cnnc/Flags.h"
#include "frontends/LoadModel.h"

#include <cstdio>

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

static cl::opt<Precision> precision(
    "precision",
    cl::desc("What the Dense layers multiply in: fp32, bf16 (operands "
             "rounded to bfloat16, sums and weights in fp32; needs "
             "AVX512-BF16) or int8 (inference with quantized weights)"),
    cl::init(Precision::FP32),
    cl::values(clEnumValN(Precision::FP32, "fp32", "single precision"),
               clEnumValN(Precision::BF16, "bf16",
                          "bfloat16 products, fp32 sums (vdpbf16ps)"),
               clEnumValN(Precision::Int8, "int8",
                          "uint8 x int8 products, int32 sums (needs a "
                          "cnnc quantize file as --weights)")),
    cl::cat(cnncCategory), cl::sub(cl::SubCommand::getAll()));

std::string cnnc::formatFlagNumber(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

static cl::opt<bool>
    perfMap("perf-map",
            cl::desc("For profiling the JIT: write a jitdump for perf (in "
                     "$JITDUMPDIR or ~/.debug/jit; perf inject --jit)"),
            cl::Hidden, cl::cat(cnncCategory),
            cl::sub(cl::SubCommand::getAll()));

static cl::opt<std::string> entry(
    "entry",
    cl::desc("For a .py script that only defines the function building its "
             "model: call NAME with its defaults and take the model it "
             "returns"),
    cl::value_desc("NAME"), cl::cat(cnncCategory),
    cl::sub(cl::SubCommand::getAll()));

void cnnc::applyFrontendFlags() { setPythonEntry(entry); }

bool cnnc::checkThreadsFlag(unsigned threads) {
  if (threads <= kMaxThreads)
    return true;
  reportError("--threads must be at most " + std::to_string(kMaxThreads) +
              " (0: all cores), not " + std::to_string(threads));
  return false;
}

PipelineOptions cnnc::pipelineOptionsFromFlags() {
  PipelineOptions options;
  options.fuse = !noFuse;
  options.tile = !noTile;
  options.lineTablesFile = lineTables;
  options.perfMap = perfMap;
  options.precision = precision;
  options.precisionGiven = precision.getNumOccurrences() > 0;
  return options;
}
