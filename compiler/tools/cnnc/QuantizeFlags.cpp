//===- QuantizeFlags.cpp - cnnc quantize's options ------------------------===//
//
//   cnnc quantize MODEL --weights W [--calibrate N] [--data DIR |
//                 --dataset NAME] -o Q
//
//===----------------------------------------------------------------------===//

#include "compiler/support/Diagnostics.h"
#include "compiler/tools/cnnc/Flags.h"

using namespace cnnc;
namespace cl = llvm::cl;

cl::SubCommand cnnc::quantizeCommand(
    "quantize",
    "int8 post-training quantization: calibrate on N training images and "
    "write weights that predict and -o run in int8. Example: cnnc quantize "
    "m.py --weights ck --calibrate 1000 -o m.q");

static cl::opt<std::string> modelPath(cl::Positional, cl::desc("MODEL"),
                                      cl::Required, cl::cat(cnncCategory),
                                      cl::sub(quantizeCommand));
static cl::opt<std::string> weightsPath(
    "weights",
    cl::desc("The trained f32 weights: a cnnc checkpoint, a Keras .h5 or a "
             "TF.js model.json (default: MODEL's own)"),
    cl::value_desc("FILE"), cl::cat(cnncCategory), cl::sub(quantizeCommand));
static cl::opt<int64_t> calibrate(
    "calibrate",
    cl::desc("Calibrate the activations' ranges on the first N training "
             "images (default 1000)"),
    cl::value_desc("N"), cl::init(1000), cl::cat(cnncCategory),
    cl::sub(quantizeCommand));
static cl::opt<std::string> dataDir(
    "data",
    cl::desc("Directory holding the dataset's IDX files (as cnnc train)"),
    cl::value_desc("DIR"), cl::cat(cnncCategory), cl::sub(quantizeCommand));
static cl::opt<std::string>
    dataset("dataset", cl::desc("mnist (default) or fashion_mnist"),
            cl::cat(cnncCategory), cl::sub(quantizeCommand));
static cl::opt<std::string>
    outputPath("o", cl::desc("The quantized weights to write"),
               cl::value_desc("Q"), cl::cat(cnncCategory),
               cl::sub(quantizeCommand));
static cl::opt<unsigned> threads("threads",
                                 cl::desc("Threads (default: all cores)"),
                                 cl::init(0), cl::cat(cnncCategory),
                                 cl::sub(quantizeCommand));

std::optional<QuantizeRequest> cnnc::quantizeRequestFromFlags() {
  if (!checkThreadsFlag(threads))
    return std::nullopt;
  if (outputPath.empty()) {
    reportError("cnnc quantize needs -o Q, the quantized weights to write");
    return std::nullopt;
  }
  if (calibrate < 1) {
    reportError("--calibrate must be at least 1 image, not " +
                std::to_string(calibrate));
    return std::nullopt;
  }
  if (dataset.getNumOccurrences() && dataset != "mnist" &&
      dataset != "fashion_mnist") {
    reportError("--dataset must be mnist or fashion_mnist, not '" + dataset +
                "'");
    return std::nullopt;
  }
  QuantizeRequest request;
  request.modelPath = modelPath;
  request.weightsPath = weightsPath;
  request.outputPath = outputPath;
  request.calibrate = calibrate;
  if (dataset.getNumOccurrences())
    request.dataset = dataset;
  request.dataDir = dataDir;
  request.threads = threads;
  request.pipeline = pipelineOptionsFromFlags();
  return request;
}
