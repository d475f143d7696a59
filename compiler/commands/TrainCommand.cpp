//===- TrainCommand.cpp - cnnc train / eval: the JIT route to the runtime -===//

#include "compiler/commands/TrainCommand.h"
#include "compiler/backend/CompiledModel.h"
#include "compiler/backend/CompilerMemory.h"
#include "compiler/commands/Int8Weights.h"
#include "compiler/reports/ModelDescription.h"
#include "compiler/support/Diagnostics.h"
#include "frontends/LoadModel.h"
#include "frontends/common/ModelToCnn.h"
#include "frontends/export/ModelExport.h"
#include "frontends/weights/ModelWeights.h"
#include "runtime/images/ImageFolder.h"
#include "runtime/images/KerasImage.h"
#include "runtime/support/AtomicFile.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace cnnc;

/// Creates the export directory and checks that model.json can be written
/// there, before anything long runs; `created` says whether it was new.
static bool prepareExportDir(const std::string &dir, bool &created) {
  llvm::SmallString<256> target(dir);
  llvm::sys::path::append(target, "model.json");
  created = !llvm::sys::fs::exists(dir);
  if (std::error_code ec = llvm::sys::fs::create_directories(dir)) {
    reportError("--export-tfjs: cannot create '" + dir + "': " + ec.message());
    return false;
  }
  std::string error;
  if (!checkWritable(std::string(target), error)) {
    reportError("--export-tfjs: " + error);
    return false;
  }
  return true;
}

/// Reads `directory` as Keras's image_dataset_from_directory, for the
/// model's input (runtime/images/ImageFolder.h).
static auto imageFolderReader(const std::string &directory) {
  return [directory](const ModelInfo &info, const RunOptions &options,
                     bool train, Dataset &data, std::string &error) {
    const std::vector<int64_t> &shape = info.inputShapes.front();
    if (shape.size() != 3 || !isImageChannelCount(shape[2])) {
      error = "--image-dir needs a model whose input is (height, width, "
              "channels) with 1, 3 or 4 channels";
      return false;
    }
    ImageFolderRequest request;
    request.directory = directory;
    request.height = shape[0];
    request.width = shape[1];
    request.channels = shape[2];
    request.train = train;
    request.validationSplit = options.validationSplit.value_or(0.0);
    request.seed = options.seed.value_or(0);
    return readImageFolder(request, data, error);
  };
}

int cnnc::runTrain(TrainRequest request, MLIRContext &context) {
  RunOptions &options = request.run;
  if (!options.resumePath.empty() && !options.weightsPath.empty()) {
    reportError("--resume and --weights cannot be combined: a resumed run "
                "takes its weights from the checkpoint");
    return 1;
  }
  // No output may be an input; where they go is checked before anything
  // is read or compiled.
  options.inputs.push_back({"the model file", request.modelPath});
  std::string error;
  // Under mpirun every rank compiles the same step and trains its chunks
  // of each batch (docs/compiler.md, "Data-parallel training").
  options.group = joinProcessGroup("cnnc", error);
  if (!options.group) {
    reportError(error);
    return 1;
  }
  if (!checkRunOutputs(options, error)) {
    reportError(error);
    return 1;
  }
  if (!request.exportTfjsDir.empty()) {
    std::vector<NamedInput> inputs = options.inputs;
    inputs.push_back({"the --weights file", options.weightsPath});
    inputs.push_back({"the --resume checkpoint", options.resumePath});
    for (const std::string &file :
         exportedFiles(ExportFormat::Tfjs, request.exportTfjsDir))
      if (!checkNotAnInput("--export-tfjs", file, inputs, error)) {
        reportError(error);
        return 1;
      }
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
      llvm::sys::fs::remove(request.exportTfjsDir);
  });
  if (!request.exportTfjsDir.empty()) {
    llvm::Expected<ModelSpec> read =
        readExportableModel(request.modelPath, ExportFormat::Tfjs);
    if (!read) {
      reportModelError(read.takeError(), context);
      return 1;
    }
    if (!prepareExportDir(request.exportTfjsDir, createdExportDir))
      return 1;
    spec = std::move(*read);
    module = buildCnnModule(*spec, context);
  } else {
    module = loadModel(request.modelPath, context);
  }
  if (!module || failed(applyTrainingOverrides(*module, request.training)))
    return 1;
  ModelInfo info = describeModel(*module);
  if (!request.evaluateOnly &&
      !checkTrainingGroup(info, *options.group, error)) {
    if (options.group->isRoot())
      reportError(error);
    return 1;
  }
  if (!request.imageDir.empty())
    options.readData = imageFolderReader(request.imageDir);
  // A `cnnc quantize` file is for int8 inference (Int8Weights.h).
  if (llvm::Error error = checkQuantizedForTraining(
          options.weightsPath, request.evaluateOnly, request.pipeline)) {
    report(std::move(error));
    return 1;
  }
  // Weights in any format are read here; a resumed run takes its own.
  if (options.resumePath.empty()) {
    auto weights =
        loadModelWeights(info, request.modelPath, options.weightsPath);
    if (!weights) {
      reportModelError(weights.takeError(), context);
      return 1;
    }
    options.initialParams = std::move(*weights);
  }
  if (spec)
    options.afterTraining = [&](const std::vector<float> &params,
                                std::string &error) {
      if (llvm::Error err =
              exportTfjs(*spec, info, params, request.exportTfjsDir)) {
        error = "--export-tfjs: " + llvm::toString(std::move(err));
        return false;
      }
      exported = true;
      return true;
    };
  // The data, a resumed checkpoint and the settings are checked before
  // compiling, which can take far longer than reading them.
  if (!(request.evaluateOnly ? checkEvaluationInputs(info, options, error)
                             : checkTrainingInputs(info, options, error))) {
    reportError(error);
    return 1;
  }
  PipelineOptions pipeline = request.pipeline;
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
  int code = request.evaluateOnly
                 ? runEvaluation((*compiled)->kernels(), options)
                 : runTraining((*compiled)->kernels(), options);
  options.group->finish(code == 0);
  return code;
}
