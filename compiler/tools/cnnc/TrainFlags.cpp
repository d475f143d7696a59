//===- TrainFlags.cpp - cnnc train's and cnnc eval's options --------------===//
//
//   cnnc train MODEL [--epochs N] [--batch-size B] [--optimizer X] ...
//   cnnc eval MODEL --weights W
//
//===----------------------------------------------------------------------===//

#include "compiler/tools/cnnc/Flags.h"

using namespace cnnc;
namespace cl = llvm::cl;

cl::SubCommand cnnc::trainCommand(
    "train", "Train MODEL on MNIST (or --data / --dataset), then evaluate it "
             "on the test set. The model file's compile()/fit() give the "
             "defaults (Keras's where it says nothing: 1 epoch, batch 32, "
             "RMSprop, sparse_categorical_crossentropy, seed 0); flags "
             "override them");
cl::SubCommand cnnc::evalCommand(
    "eval", "Test-set loss and accuracy of MODEL with the weights of a "
            "checkpoint (--weights)");

static cl::opt<std::string> modelPath(cl::Positional, cl::desc("MODEL"),
                                      cl::Required, cl::sub(trainCommand),
                                      cl::sub(evalCommand));
static cl::opt<std::string> dataDir(
    "data",
    cl::desc("Directory holding the dataset's IDX files under their original "
             "names (train-images-idx3-ubyte, ...; .gz or not)"),
    cl::value_desc("DIR"), cl::sub(trainCommand), cl::sub(evalCommand));
static cl::opt<std::string>
    dataset("dataset", cl::desc("mnist (default) or fashion_mnist"),
            cl::sub(trainCommand), cl::sub(evalCommand));
static cl::opt<int64_t> epochs("epochs",
                               cl::desc("Epochs (default: fit()'s, else 1)"),
                               cl::sub(trainCommand));
static cl::opt<int64_t> batchSize(
    "batch-size",
    cl::desc("Batch size (train: fit()'s, else 32; eval: 256, which only "
             "changes how many images a call takes)"),
    cl::sub(trainCommand), cl::sub(evalCommand));
static cl::opt<uint64_t>
    seed("seed",
         cl::desc("Seed of the initializers, the shuffle and "
                  "dropout (default 0)"),
         cl::sub(trainCommand));
static cl::opt<double> validationSplit(
    "validation-split",
    cl::desc("Fraction of the training data (its end) held out for validation"),
    cl::sub(trainCommand));
static cl::opt<unsigned> threads("threads",
                                 cl::desc("Threads (default: all cores)"),
                                 cl::init(0), cl::sub(trainCommand),
                                 cl::sub(evalCommand));
static cl::opt<std::string>
    savePath("save", cl::desc("Write a checkpoint after each epoch"),
             cl::value_desc("FILE"), cl::sub(trainCommand));
static cl::opt<std::string>
    resumePath("resume", cl::desc("Continue the training a checkpoint stopped"),
               cl::value_desc("FILE"), cl::sub(trainCommand));
static cl::opt<std::string> weightsPath(
    "weights",
    cl::desc("Start from (train) or evaluate (eval) these weights: a cnnc "
             "checkpoint, a Keras .h5 or a TF.js model.json (default: "
             "MODEL's own, if it has any)"),
    cl::value_desc("FILE"), cl::sub(trainCommand), cl::sub(evalCommand));
static cl::opt<bool> noShuffle("no-shuffle",
                               cl::desc("Keep the training data in order"),
                               cl::sub(trainCommand));
static cl::opt<std::string>
    metricsJson("metrics-json",
                cl::desc("Write Keras's History, the test metrics and timings"),
                cl::value_desc("FILE"), cl::sub(trainCommand),
                cl::sub(evalCommand));
static cl::opt<std::string>
    exportTfjsDir("export-tfjs",
                  cl::desc("After training, write the model as a TF.js "
                           "layers model (DIR/model.json and its shard)"),
                  cl::value_desc("DIR"), cl::sub(trainCommand));
static cl::opt<bool>
    verbose("verbose",
            cl::desc("Show the progress bar even when stdout is "
                     "not a terminal"),
            cl::sub(trainCommand));

static RunOptions runOptionsFromFlags() {
  RunOptions options;
  options.dataDir = dataDir;
  if (dataset.getNumOccurrences())
    options.dataset = dataset;
  if (epochs.getNumOccurrences())
    options.epochs = epochs;
  if (batchSize.getNumOccurrences())
    options.batchSize = batchSize;
  if (seed.getNumOccurrences())
    options.seed = seed;
  if (validationSplit.getNumOccurrences())
    options.validationSplit = validationSplit;
  if (noShuffle)
    options.shuffle = false;
  options.threads = threads;
  options.savePath = savePath;
  options.resumePath = resumePath;
  options.weightsPath = weightsPath;
  options.metricsJsonPath = metricsJson;
  options.verbose = verbose;
  return options;
}

std::optional<TrainRequest> cnnc::trainRequestFromFlags(bool evaluateOnly) {
  TrainRequest request;
  request.modelPath = modelPath;
  request.evaluateOnly = evaluateOnly;
  request.run = runOptionsFromFlags();
  request.exportTfjsDir = exportTfjsDir;
  request.pipeline = pipelineOptionsFromFlags();
  request.training = trainingOverridesFromFlags();
  return request;
}
