//===- TrainFlags.cpp - cnnc train's and cnnc eval's options --------------===//
//
//   cnnc train MODEL [--epochs N] [--batch-size B] [--optimizer X] ...
//   cnnc eval MODEL --weights W
//
//===----------------------------------------------------------------------===//

#include "compiler/support/Diagnostics.h"
#include "compiler/tools/cnnc/Flags.h"

using namespace cnnc;
namespace cl = llvm::cl;

cl::SubCommand cnnc::trainCommand(
    "train", "Train MODEL on MNIST (or --data / --dataset), then evaluate it "
             "on the test set. The model file's compile()/fit() give the "
             "defaults (Keras's where it says nothing: 1 epoch, batch 32, "
             "RMSprop, sparse_categorical_crossentropy, seed 0); flags "
             "override them. Example: cnnc train m.py --epochs 5 --save ck");
cl::SubCommand cnnc::evalCommand(
    "eval", "Test-set loss and accuracy of MODEL with the weights of a "
            "checkpoint (--weights). Example: cnnc eval m.py --weights ck");

// What the training step compiles: cnnc MODEL --train-step and train
// (eval computes its loss with --loss too). Defined here, after the
// subcommands they belong to, so that those exist when they register.
static cl::opt<std::string> optimizer(
    "optimizer",
    cl::desc("adam, sgd or rmsprop (default: compile()'s, else rmsprop)"),
    cl::cat(cnncCategory), cl::sub(cl::SubCommand::getTopLevel()),
    cl::sub(trainCommand));
static cl::opt<double>
    learningRate("lr", cl::desc("Learning rate (default: the optimizer's)"),
                 cl::cat(cnncCategory), cl::sub(cl::SubCommand::getTopLevel()),
                 cl::sub(trainCommand));
static cl::opt<std::string> loss(
    "loss",
    cl::desc("sparse_categorical_crossentropy, categorical_crossentropy or mse "
             "(default: compile()'s, else sparse_categorical_crossentropy)"),
    cl::cat(cnncCategory), cl::sub(cl::SubCommand::getTopLevel()),
    cl::sub(trainCommand), cl::sub(evalCommand));

static cl::opt<std::string> modelPath(cl::Positional, cl::desc("MODEL"),
                                      cl::Required, cl::cat(cnncCategory),
                                      cl::sub(trainCommand),
                                      cl::sub(evalCommand));
static cl::opt<std::string> imageDir(
    "image-dir",
    cl::desc("Train or evaluate on a folder of class subfolders of PNG/JPEG "
             "images, read as Keras's image_dataset_from_directory (seeded "
             "by --seed, split by --validation-split)"),
    cl::value_desc("DIR"), cl::cat(cnncCategory), cl::sub(trainCommand),
    cl::sub(evalCommand));
static cl::opt<std::string> dataDir(
    "data",
    cl::desc("Directory holding the dataset's IDX files under their original "
             "names (train-images-idx3-ubyte, ...; .gz or not)"),
    cl::value_desc("DIR"), cl::cat(cnncCategory), cl::sub(trainCommand),
    cl::sub(evalCommand));
static cl::opt<std::string>
    dataset("dataset", cl::desc("mnist (default) or fashion_mnist"),
            cl::cat(cnncCategory), cl::sub(trainCommand), cl::sub(evalCommand));
static cl::opt<int64_t> epochs("epochs",
                               cl::desc("Epochs (default: fit()'s, else 1)"),
                               cl::cat(cnncCategory), cl::sub(trainCommand));
static cl::opt<int64_t> batchSize(
    "batch-size",
    cl::desc("Batch size (train: fit()'s, else 32; eval: 256, which only "
             "changes how many images a call takes)"),
    cl::cat(cnncCategory), cl::sub(trainCommand), cl::sub(evalCommand));
static cl::opt<uint64_t>
    seed("seed",
         cl::desc("Seed of the initializers, the shuffle and "
                  "dropout (default 0)"),
         cl::cat(cnncCategory), cl::sub(trainCommand));
static cl::opt<double> validationSplit(
    "validation-split",
    cl::desc("Fraction of the training data (its end) held out for validation"),
    cl::cat(cnncCategory), cl::sub(trainCommand));
static cl::opt<unsigned> threads("threads",
                                 cl::desc("Threads (default: all cores)"),
                                 cl::init(0), cl::cat(cnncCategory),
                                 cl::sub(trainCommand), cl::sub(evalCommand));
static cl::opt<std::string>
    savePath("save", cl::desc("Write a checkpoint after each epoch"),
             cl::value_desc("FILE"), cl::cat(cnncCategory),
             cl::sub(trainCommand));
static cl::opt<std::string>
    resumePath("resume", cl::desc("Continue the training a checkpoint stopped"),
               cl::value_desc("FILE"), cl::cat(cnncCategory),
               cl::sub(trainCommand));
static cl::opt<std::string> weightsPath(
    "weights",
    cl::desc("Start from (train) or evaluate (eval) these weights: a cnnc "
             "checkpoint, a Keras .h5 or a TF.js model.json (default: "
             "MODEL's own, if it has any)"),
    cl::value_desc("FILE"), cl::cat(cnncCategory), cl::sub(trainCommand),
    cl::sub(evalCommand));
static cl::opt<bool> noShuffle("no-shuffle",
                               cl::desc("Keep the training data in order"),
                               cl::cat(cnncCategory), cl::sub(trainCommand));
static cl::opt<bool> overlapFlag(
    "overlap",
    cl::desc("Under mpirun, start summing the last layers' gradients while "
             "the first layers' are computed (the same weights; measured "
             "slower here, docs/compiler.md §10)"),
    cl::cat(cnncCategory), cl::sub(trainCommand));
static cl::opt<std::string>
    metricsJson("metrics-json",
                cl::desc("Write Keras's History, the test metrics and timings"),
                cl::value_desc("FILE"), cl::cat(cnncCategory),
                cl::sub(trainCommand), cl::sub(evalCommand));
static cl::opt<std::string>
    exportTfjsDir("export-tfjs",
                  cl::desc("After training, write the model as a TF.js "
                           "layers model (DIR/model.json and its shard)"),
                  cl::value_desc("DIR"), cl::cat(cnncCategory),
                  cl::sub(trainCommand));
static cl::opt<bool>
    verbose("verbose",
            cl::desc("Show the progress bar even when stdout is "
                     "not a terminal"),
            cl::cat(cnncCategory), cl::sub(trainCommand));

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
  options.overlap = overlapFlag;
  return options;
}

/// Values no run can use, refused before anything is read or compiled.
static bool checkNumbers() {
  std::string error;
  if (epochs.getNumOccurrences() && epochs < 0)
    error = "--epochs must be at least 0, not " + std::to_string(epochs);
  else if (batchSize.getNumOccurrences() && batchSize < 1)
    error = "--batch-size must be at least 1, not " + std::to_string(batchSize);
  // Written so that NaN fails too.
  else if (validationSplit.getNumOccurrences() &&
           !(validationSplit >= 0 && validationSplit < 1))
    error = "--validation-split must be in [0, 1), not " +
            formatFlagNumber(validationSplit);
  else if (!imageDir.empty() &&
           (!dataDir.empty() || dataset.getNumOccurrences()))
    error = "--image-dir cannot be combined with --data or --dataset";
  if (error.empty())
    return checkThreadsFlag(threads);
  reportError(error);
  return false;
}

std::optional<TrainRequest> cnnc::trainRequestFromFlags(bool evaluateOnly) {
  if (!checkNumbers())
    return std::nullopt;
  TrainRequest request;
  request.modelPath = modelPath;
  request.evaluateOnly = evaluateOnly;
  request.run = runOptionsFromFlags();
  request.imageDir = imageDir;
  request.exportTfjsDir = exportTfjsDir;
  request.pipeline = pipelineOptionsFromFlags();
  request.training = trainingOverridesFromFlags();
  return request;
}

TrainingOverrides cnnc::trainingOverridesFromFlags() {
  TrainingOverrides overrides;
  if (optimizer.getNumOccurrences())
    overrides.optimizer = optimizer;
  // Checked where it is applied (applyTrainingOverrides).
  if (learningRate.getNumOccurrences())
    overrides.learningRate = learningRate;
  if (loss.getNumOccurrences())
    overrides.loss = loss;
  return overrides;
}
