//===- PredictFlags.cpp - cnnc predict's options --------------------------===//
//
//   cnnc predict MODEL --input X.npy -o Y.npy [--weights W] [--threads N]
//   cnnc predict MODEL --input A.npy --input B.npy ... (one per model input)
//   cnnc predict MODEL --image A.png [--image B.jpg ...] [--top K] [--json]
//
//===----------------------------------------------------------------------===//

#include "compiler/support/Diagnostics.h"
#include "compiler/tools/cnnc/Flags.h"

using namespace cnnc;
namespace cl = llvm::cl;

cl::SubCommand cnnc::predictCommand(
    "predict",
    "Run the forward pass on a .npy input or on image files. Example: cnnc "
    "predict m.py --weights ck --input x.npy -o y.npy (or --image digit.png "
    "--top 3)");

static cl::opt<std::string> modelPath(cl::Positional, cl::desc("MODEL"),
                                      cl::Required, cl::cat(cnncCategory),
                                      cl::sub(predictCommand));
static cl::list<std::string>
    inputPaths("input",
               cl::desc("Input images (.npy, float32 NHWC); once per model "
                        "input, in the model's input order"),
               cl::value_desc("X.npy"), cl::cat(cnncCategory),
               cl::sub(predictCommand));
static cl::list<std::string> imagePaths(
    "image",
    cl::desc("An image file (PNG or JPEG), read as Keras's load_img + "
             "img_to_array and scaled by 1/255; repeatable"),
    cl::value_desc("FILE"), cl::cat(cnncCategory), cl::sub(predictCommand));
static cl::opt<unsigned>
    top("top", cl::desc("With --image: the classes shown per image"),
        cl::value_desc("K"), cl::init(1), cl::cat(cnncCategory),
        cl::sub(predictCommand));
static cl::opt<bool>
    json("json",
         cl::desc("With --image: one JSON object per image, not a line"),
         cl::cat(cnncCategory), cl::sub(predictCommand));
static cl::opt<std::string>
    outputPath("o",
               cl::desc("Output (.npy); required with --input, optional "
                        "with --image"),
               cl::value_desc("Y.npy"), cl::cat(cnncCategory),
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
  if (inputPaths.empty() && imagePaths.empty()) {
    reportError("cnnc predict needs --input or --image (see 'cnnc predict "
                "--help')");
    return std::nullopt;
  }
  if (!inputPaths.empty() && !imagePaths.empty()) {
    reportError("--input and --image cannot be combined: cnnc predict reads "
                "either a .npy or image files");
    return std::nullopt;
  }
  if (!inputPaths.empty() && outputPath.empty()) {
    reportError("cnnc predict --input needs -o Y.npy");
    return std::nullopt;
  }
  if (top < 1) {
    reportError("--top must be at least 1");
    return std::nullopt;
  }
  PredictRequest request;
  request.modelPath = modelPath;
  request.inputPaths.assign(inputPaths.begin(), inputPaths.end());
  request.imagePaths.assign(imagePaths.begin(), imagePaths.end());
  request.top = top;
  request.json = json;
  request.outputPath = outputPath;
  request.weightsPath = weightsPath;
  request.seed = seed;
  request.threads = threads;
  request.pipeline = pipelineOptionsFromFlags();
  return request;
}
