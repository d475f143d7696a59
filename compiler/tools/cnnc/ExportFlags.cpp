//===- ExportFlags.cpp - cnnc export's options ----------------------------===//
//
//   cnnc export MODEL [--weights W] --format tfjs|h5|keras -o PATH
//
//===----------------------------------------------------------------------===//

#include "compiler/support/Diagnostics.h"
#include "compiler/tools/cnnc/Flags.h"

#include "llvm/Support/Path.h"

using namespace cnnc;
namespace cl = llvm::cl;

cl::SubCommand cnnc::exportCommand(
    "export", "Write MODEL with its weights as a TF.js layers model, a "
              "Keras .h5 or a Keras 3 .keras. Example: cnnc export m.py "
              "--weights ck -o m.h5");

static cl::opt<std::string> modelPath(cl::Positional, cl::desc("MODEL"),
                                      cl::Required, cl::cat(cnncCategory),
                                      cl::sub(exportCommand));
static cl::opt<std::string> weightsPath(
    "weights",
    cl::desc("Weights: a cnnc checkpoint, a Keras .h5, .weights.h5 or "
             ".keras, or a TF.js model.json "
             "(default: MODEL's own, else its initializers)"),
    cl::value_desc("FILE"), cl::cat(cnncCategory), cl::sub(exportCommand));
static cl::opt<ExportFormat> format(
    "format",
    cl::desc("What to write (default: h5 for an -o ending in .h5 or .hdf5, "
             "keras for .keras)"),
    cl::values(clEnumValN(ExportFormat::Tfjs, "tfjs",
                          "a TF.js layers model: DIR/model.json and its shard"),
               clEnumValN(ExportFormat::H5, "h5",
                          "a Keras model.save() file (legacy HDF5)"),
               clEnumValN(ExportFormat::Keras, "keras",
                          "a Keras 3 model.save() archive (.keras)")),
    cl::cat(cnncCategory), cl::sub(exportCommand));
static cl::opt<std::string>
    outputPath("o", cl::desc("Output: a directory (tfjs) or a file (h5)"),
               cl::value_desc("PATH"), cl::Required, cl::cat(cnncCategory),
               cl::sub(exportCommand));
static cl::opt<uint64_t> seed("seed", cl::desc("Seed of the initializers"),
                              cl::init(0), cl::cat(cnncCategory),
                              cl::sub(exportCommand));

std::optional<ExportRequest> cnnc::exportRequestFromFlags() {
  ExportRequest request;
  request.modelPath = modelPath;
  request.weightsPath = weightsPath;
  request.format = format;
  // The extension tells when it is unambiguous: a .h5 is a Keras file, a
  // .keras a Keras 3 archive; a TF.js model is a directory, which no
  // extension names.
  if (!format.getNumOccurrences()) {
    llvm::StringRef extension = llvm::sys::path::extension(outputPath);
    if (extension == ".keras") {
      request.format = ExportFormat::Keras;
    } else if (extension == ".h5" || extension == ".hdf5") {
      request.format = ExportFormat::H5;
    } else {
      reportError("cnnc export needs --format tfjs|h5|keras: '" + outputPath +
                  "' does not end in .h5, .hdf5 or .keras (see 'cnnc export "
                  "--help')");
      return std::nullopt;
    }
  }
  request.outputPath = outputPath;
  request.seed = seed;
  return request;
}
