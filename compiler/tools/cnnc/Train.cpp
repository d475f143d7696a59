//===- Train.cpp - cnnc train / cnnc eval: the JIT route to the runtime ---===//
//
// Reads the model, applies the flags that change what is compiled
// (--optimizer, --lr, --loss: they become the module's `cnn.training`, as if
// compile() had said them), compiles the model with its training step in
// process, and hands the kernels to the runtime's training loop, the same
// one an AOT-built trainer runs.
//
//===----------------------------------------------------------------------===//

#include "compiler/tools/cnnc/Commands.h"
#include "compiler/tools/cnnc/Export.h"
#include "compiler/tools/cnnc/Memory.h"
#include "compiler/tools/cnnc/Weights.h"

#include "compiler/CompiledModel.h"
#include "compiler/Diagnostics.h"
#include "dialects/cnn/Training.h"
#include "compiler/ModelDescription.h"
#include "frontends/LoadModel.h"
#include "frontends/common/ModelToCnn.h"
#include "runtime/support/AtomicFile.h"
#include "runtime/train/TrainRun.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"


using namespace mlir;
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

static cl::opt<std::string> modelPath(cl::Positional, cl::desc("MODEL"), cl::Required,
                                      cl::sub(trainCommand), cl::sub(evalCommand));
static cl::opt<std::string> dataDir(
    "data",
    cl::desc("Directory holding the dataset's IDX files under their original "
             "names (train-images-idx3-ubyte, ...; .gz or not)"),
    cl::value_desc("DIR"), cl::sub(trainCommand), cl::sub(evalCommand));
static cl::opt<std::string> dataset("dataset",
                                    cl::desc("mnist (default) or fashion_mnist"),
                                    cl::sub(trainCommand), cl::sub(evalCommand));
static cl::opt<int64_t> epochs("epochs", cl::desc("Epochs (default: fit()'s, else 1)"),
                               cl::sub(trainCommand));
static cl::opt<int64_t> batchSize(
    "batch-size", cl::desc("Batch size (default: fit()'s, else 32)"),
    cl::sub(trainCommand), cl::sub(evalCommand));
static cl::opt<std::string> optimizer(
    "optimizer", cl::desc("adam, sgd or rmsprop (default: compile()'s, else rmsprop)"),
    cl::sub(cl::SubCommand::getAll()));
static cl::opt<double> learningRate(
    "lr", cl::desc("Learning rate (default: the optimizer's)"),
    cl::sub(cl::SubCommand::getAll()));
static cl::opt<std::string> loss(
    "loss",
    cl::desc("sparse_categorical_crossentropy, categorical_crossentropy or mse "
             "(default: compile()'s, else sparse_categorical_crossentropy)"),
    cl::sub(cl::SubCommand::getAll()));
static cl::opt<uint64_t> seed("seed",
                              cl::desc("Seed of the initializers, the shuffle and "
                                       "dropout (default 0)"),
                              cl::sub(trainCommand));
static cl::opt<double> validationSplit(
    "validation-split",
    cl::desc("Fraction of the training data (its end) held out for validation"),
    cl::sub(trainCommand));
static cl::opt<unsigned> threads("threads", cl::desc("Threads (default: all cores)"),
                                 cl::init(0), cl::sub(trainCommand),
                                 cl::sub(evalCommand));
static cl::opt<std::string> savePath("save",
                                     cl::desc("Write a checkpoint after each epoch"),
                                     cl::value_desc("FILE"), cl::sub(trainCommand));
static cl::opt<std::string> resumePath(
    "resume", cl::desc("Continue the training a checkpoint stopped"),
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
static cl::opt<std::string> metricsJson(
    "metrics-json", cl::desc("Write Keras's History, the test metrics and timings"),
    cl::value_desc("FILE"), cl::sub(trainCommand), cl::sub(evalCommand));
static cl::opt<std::string> exportTfjsDir(
    "export-tfjs", cl::desc("After training, write the model as a TF.js "
                            "layers model (DIR/model.json and its shard)"),
    cl::value_desc("DIR"), cl::sub(trainCommand));
static cl::opt<bool> verbose("verbose",
                             cl::desc("Show the progress bar even when stdout is "
                                      "not a terminal"),
                             cl::sub(trainCommand));

LogicalResult cnnc::applyTrainingFlags(ModuleOp module) {
  cnn::TrainingOverrides overrides;
  if (loss.getNumOccurrences())
    overrides.loss = loss;
  if (optimizer.getNumOccurrences())
    overrides.optimizer = optimizer;
  if (learningRate.getNumOccurrences())
    overrides.learningRate = learningRate;
  llvm::Expected<cnn::TrainingAttr> training =
      cnn::withOverrides(cnn::getTraining(module), overrides);
  if (!training) {
    reportError(llvm::toString(training.takeError()));
    return failure();
  }
  module->setAttr(cnn::CnnDialect::kTrainingAttrName, *training);
  return success();
}

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

int cnnc::trainMain(MLIRContext &context, bool evaluateOnly) {
  if (!resumePath.empty() && !weightsPath.empty()) {
    reportError("--resume and --weights cannot be combined: a resumed run "
                "takes its weights from the checkpoint");
    return 1;
  }
  // Exporting needs the model's Keras layers, so the model is read as the
  // frontends see it first; whether it can be exported is known before
  // anything is trained.
  std::optional<ModelSpec> spec;
  OwningOpRef<ModuleOp> module;
  // A run that fails leaves nothing behind, not even the directory it made
  // for the export (remove() keeps a directory that is not empty).
  bool createdExportDir = false, exported = false;
  auto removeUnusedExportDir = llvm::make_scope_exit([&] {
    if (createdExportDir && !exported)
      llvm::sys::fs::remove(exportTfjsDir);
  });
  if (!exportTfjsDir.empty()) {
    std::optional<ModelSpec> read =
        readExportableModel(modelPath, /*tfjs=*/true, context);
    if (!read)
      return 1;
    // Where the model goes is checked before anything long runs.
    llvm::SmallString<256> target(exportTfjsDir.getValue());
    llvm::sys::path::append(target, "model.json");
    std::string error;
    createdExportDir = !llvm::sys::fs::exists(exportTfjsDir);
    if (std::error_code ec = llvm::sys::fs::create_directories(exportTfjsDir)) {
      reportError("--export-tfjs: cannot create '" + exportTfjsDir +
                  "': " + ec.message());
      return 1;
    }
    if (!checkWritable(std::string(target), error)) {
      reportError("--export-tfjs: " + error);
      return 1;
    }
    spec = std::move(*read);
    module = buildCnnModule(*spec, context);
  } else {
    module = loadModel(modelPath, context);
  }
  if (!module || failed(applyTrainingFlags(*module)))
    return 1;
  ModelInfo info = describeModel(*module);
  RunOptions options = runOptionsFromFlags();
  // Weights in any format are read here; a resumed run takes its own.
  if (resumePath.empty()) {
    auto weights = loadModelWeights(info, modelPath, weightsPath);
    if (!weights) {
      reportModelError(weights.takeError(), context);
      return 1;
    }
    options.initialParams = std::move(*weights);
  }
  if (spec)
    options.afterTraining = [&spec, &exported, info](
                                const std::vector<float> &params,
                                std::string &error) {
      if (llvm::Error err = exportTfjs(*spec, info, params, exportTfjsDir)) {
        error = "--export-tfjs: " + llvm::toString(std::move(err));
        return false;
      }
      exported = true;
      return true;
    };
  PipelineOptions pipeline = pipelineOptionsFromFlags();
  pipeline.train = true;
  auto compiled = CompiledModel::compile(*module, pipeline);
  if (!compiled) {
    report(compiled.takeError());
    return 1;
  }
  // The IR and the compiler are no longer needed: give their memory back
  // before the data arrives, so that the process's peak is compilation or
  // training, not both (195 MB -> 103 MB while training the lesson).
  module = nullptr;
  releaseCompilerMemory();
  return evaluateOnly ? runEvaluation((*compiled)->kernels(), options)
                      : runTraining((*compiled)->kernels(), options);
}
