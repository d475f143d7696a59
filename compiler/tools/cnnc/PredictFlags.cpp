//===- PredictFlags.cpp - cnnc predict's options --------------------------===//
//
//   cnnc predict MODEL --input X.npy -o Y.npy [--weights W] [--threads N]
//
//===----------------------------------------------------------------------===//

#include "compiler/tools/cnnc/Flags.h"

using namespace cnnc;
namespace cl = llvm::cl;

cl::SubCommand cnnc::predictCommand(
    "predict", "Run the forward pass on a .npy input. Example: cnnc predict "
               "m.py --weights ck --input x.npy -o y.npy");

static cl::opt<std::string> modelPath(cl::Positional, cl::desc("MODEL"),
                                      cl::Required, cl::cat(cnncCategory),
                                      cl::sub(predictCommand));
static cl::opt<std::string>
    inputPath("input", cl::desc("Input images (.npy, float32 NHWC)"),
              cl::value_desc("X.npy"), cl::Required, cl::cat(cnncCategory),
              cl::sub(predictCommand));
static cl::opt<std::string> outputPath("o", cl::desc("Output (.npy)"),
                                       cl::value_desc("Y.npy"), cl::Required,
                                       cl::cat(cnncCategory),
                                       cl::sub(predictCommand));
static cl::opt<std::string> weightsPath(
    "weights",
    cl::desc("Weights: a cnnc checkpoint, a Keras .h5 or a TF.js model.json "
             "(default: MODEL's own, else its initializers)"),
    cl::value_desc("FILE"), cl::cat(cnncCategory), cl::sub(predictCommand));
static cl::opt<uint64_t> seed("seed", cl::desc("Seed of the initializers"),
                              cl::init(0), cl::cat(cnncCategory),
                              cl::sub(predictCommand));
static cl::opt<unsigned> threads("threads",
                                 cl::desc("Threads (default: all cores)"),
                                 cl::init(0), cl::cat(cnncCategory),
                                 cl::sub(predictCommand));

std::optional<PredictRequest> cnnc::predictRequestFromFlags() {
  if (!checkThreadsFlag(threads))
    return std::nullopt;
  PredictRequest request;
  request.modelPath = modelPath;
  request.inputPath = inputPath;
  request.outputPath = outputPath;
  request.weightsPath = weightsPath;
  request.seed = seed;
  request.threads = threads;
  request.pipeline = pipelineOptionsFromFlags();
  return request;
}
