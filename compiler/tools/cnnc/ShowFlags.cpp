//===- ShowFlags.cpp - cnnc show's options --------------------------------===//
//
//   cnnc show pooling|features|history|confusion [MODEL|METRICS.json] -o F.png
//
//===----------------------------------------------------------------------===//

#include "compiler/support/Diagnostics.h"
#include "compiler/tools/cnnc/Flags.h"

using namespace cnnc;
namespace cl = llvm::cl;

cl::SubCommand cnnc::showCommand(
    "show",
    "Draw the lesson's pictures as PNG: pooling (a digit through max, min, "
    "average and global pooling), features (every convolution's and "
    "pooling's maps), history (loss and accuracy per epoch from "
    "--metrics-json), confusion (the test set's confusion matrix). Example: "
    "cnnc show pooling --mnist-index 0 -o pooling.png");

static cl::opt<std::string> what(cl::Positional,
                                 cl::desc("pooling|features|history|confusion"),
                                 cl::Required, cl::cat(cnncCategory),
                                 cl::sub(showCommand));
static cl::opt<std::string>
    input(cl::Positional,
          cl::desc("MODEL (features, confusion) or METRICS.json (history)"),
          cl::cat(cnncCategory), cl::sub(showCommand));
static cl::opt<std::string> outputPath("o", cl::desc("The picture (.png)"),
                                       cl::value_desc("F.png"), cl::Required,
                                       cl::cat(cnncCategory),
                                       cl::sub(showCommand));
static cl::opt<std::string>
    imagePath("image", cl::desc("pooling, features: the image (PNG or JPEG)"),
              cl::value_desc("FILE"), cl::cat(cnncCategory),
              cl::sub(showCommand));
static cl::opt<int64_t> mnistIndex(
    "mnist-index",
    cl::desc("pooling, features: MNIST's training digit K (0-based)"),
    cl::value_desc("K"), cl::cat(cnncCategory), cl::sub(showCommand));
static cl::opt<int64_t> pool("pool", cl::desc("pooling: the window's side"),
                             cl::init(2), cl::value_desc("P"),
                             cl::cat(cnncCategory), cl::sub(showCommand));
static cl::opt<int64_t>
    stride("stride", cl::desc("pooling: the stride (default: the window)"),
           cl::value_desc("S"), cl::cat(cnncCategory), cl::sub(showCommand));
static cl::opt<std::string> weightsPath(
    "weights", cl::desc("features, confusion: the weights (any format)"),
    cl::value_desc("FILE"), cl::cat(cnncCategory), cl::sub(showCommand));
static cl::opt<std::string>
    dataDir("data",
            cl::desc("The MNIST IDX files' directory (default: the cache)"),
            cl::value_desc("DIR"), cl::cat(cnncCategory), cl::sub(showCommand));
static cl::opt<std::string> imageDir(
    "image-dir",
    cl::desc("confusion: a folder of class subfolders as the test set"),
    cl::value_desc("DIR"), cl::cat(cnncCategory), cl::sub(showCommand));
static cl::opt<uint64_t>
    seed("seed", cl::desc("Seed of the initializers without --weights"),
         cl::init(0), cl::cat(cnncCategory), cl::sub(showCommand));
static cl::opt<unsigned> threads("threads",
                                 cl::desc("Threads (default: all cores)"),
                                 cl::init(0), cl::cat(cnncCategory),
                                 cl::sub(showCommand));

std::optional<ShowRequest> cnnc::showRequestFromFlags() {
  if (!checkThreadsFlag(threads))
    return std::nullopt;
  ShowRequest request;
  request.what = what;
  request.input = input;
  request.imagePath = imagePath;
  if (mnistIndex.getNumOccurrences())
    request.mnistIndex = mnistIndex;
  request.pool = pool;
  if (stride.getNumOccurrences())
    request.stride = stride;
  request.weightsPath = weightsPath;
  request.dataDir = dataDir;
  request.imageDir = imageDir;
  request.seed = seed;
  request.threads = threads;
  request.outputPath = outputPath;
  request.pipeline = pipelineOptionsFromFlags();
  return request;
}
