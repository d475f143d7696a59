//===- ExportFlags.cpp - cnnc export's options ----------------------------===//
//
//   cnnc export MODEL [--weights W] --format tfjs|h5 -o PATH
//
//===----------------------------------------------------------------------===//

#include "compiler/tools/cnnc/Flags.h"

using namespace cnnc;
namespace cl = llvm::cl;

cl::SubCommand cnnc::exportCommand(
    "export", "Write MODEL with its weights as a TF.js layers model or a "
              "Keras .h5");

static cl::opt<std::string> modelPath(cl::Positional, cl::desc("MODEL"),
                                      cl::Required, cl::sub(exportCommand));
static cl::opt<std::string> weightsPath(
    "weights",
    cl::desc("Weights: a cnnc checkpoint, a Keras .h5 or a TF.js model.json "
             "(default: MODEL's own, else its initializers)"),
    cl::value_desc("FILE"), cl::sub(exportCommand));
static cl::opt<ExportFormat> format(
    "format", cl::desc("What to write"), cl::Required,
    cl::values(clEnumValN(ExportFormat::Tfjs, "tfjs",
                          "a TF.js layers model: DIR/model.json and its shard"),
               clEnumValN(ExportFormat::H5, "h5",
                          "a Keras model.save() file (legacy HDF5)")),
    cl::sub(exportCommand));
static cl::opt<std::string>
    outputPath("o", cl::desc("Output: a directory (tfjs) or a file (h5)"),
               cl::value_desc("PATH"), cl::Required, cl::sub(exportCommand));
static cl::opt<uint64_t> seed("seed", cl::desc("Seed of the initializers"),
                              cl::init(0), cl::sub(exportCommand));

std::optional<ExportRequest> cnnc::exportRequestFromFlags() {
  ExportRequest request;
  request.modelPath = modelPath;
  request.weightsPath = weightsPath;
  request.format = format;
  request.outputPath = outputPath;
  request.seed = seed;
  return request;
}
