//===- PredictCommand.cpp - cnnc predict: a .npy or image files -----------===//

#include "compiler/commands/PredictCommand.h"
#include "compiler/backend/CompiledModel.h"
#include "compiler/commands/Int8Weights.h"
#include "compiler/commands/ModelOutputs.h"
#include "compiler/reports/ModelDescription.h"
#include "compiler/support/Diagnostics.h"
#include "dialects/cnn/CnnDialect.h"
#include "frontends/LoadModel.h"
#include "frontends/weights/ModelWeights.h"
#include "runtime/images/KerasImage.h"
#include "runtime/infer/ForwardRunner.h"
#include "runtime/npy/Npy.h"
#include "runtime/support/AtomicFile.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

using namespace mlir;
using namespace cnnc;

/// `shape` without the batch, as the model's input `index` expects it:
/// "(batch, 28, 28, 1)".
static std::string expectedShape(const ModelInfo &info, size_t index) {
  std::string wanted = "(batch";
  for (int64_t d : info.inputShapes[index])
    wanted += ", " + std::to_string(d);
  return wanted + ")";
}

/// How an error names model input `index`: "the model" for a model of one
/// input, else "input 2 ('aux')" (counted from 1, as the --input flags).
static std::string inputTitle(const std::vector<std::string> &names,
                              size_t index) {
  if (names.size() == 1)
    return "the model";
  return "input " + std::to_string(index + 1) + " ('" + names[index] + "')";
}

/// Reads one .npy per model input and checks them against the model: one
/// per input, each (batch, *inputShape), all with the same batch.
static bool readInputs(const PredictRequest &request, const ModelInfo &info,
                       const std::vector<std::string> &names,
                       std::vector<NpyArray> &inputs) {
  size_t expected = info.inputShapes.size();
  if (request.inputPaths.size() != expected) {
    std::string list;
    for (size_t i = 0; i < names.size(); ++i)
      list += (i ? ", " : "") + names[i];
    reportError("the model has " + std::to_string(expected) + " input" +
                (expected == 1 ? "" : "s") + " (" + list + "), given " +
                std::to_string(request.inputPaths.size()) +
                " --input: give --input once per model input, in the "
                "model's input order");
    return false;
  }
  inputs.resize(expected);
  std::string error;
  for (size_t i = 0; i < expected; ++i) {
    const std::string &path = request.inputPaths[i];
    NpyArray &input = inputs[i];
    if (!readNpy(path, input, error)) {
      reportError(error);
      return false;
    }
    const std::vector<int64_t> &shape = info.inputShapes[i];
    bool matches =
        input.shape.size() == shape.size() + 1 &&
        std::equal(shape.begin(), shape.end(), input.shape.begin() + 1);
    if (!matches) {
      reportError("'" + path + "' has shape " + formatNpyShape(input.shape) +
                  "; " + inputTitle(names, i) + " expects " +
                  expectedShape(info, i) + ", float32" +
                  (shape.size() == 3 || names.size() == 1 ? " NHWC" : ""));
      return false;
    }
    if (input.shape[0] != inputs[0].shape[0]) {
      reportError("'" + path + "' holds " + std::to_string(input.shape[0]) +
                  " samples for " + inputTitle(names, i) + ", '" +
                  request.inputPaths[0] + "' " +
                  std::to_string(inputs[0].shape[0]) + " for " +
                  inputTitle(names, 0) +
                  ": every input needs the same number of samples");
      return false;
    }
  }
  return true;
}

/// The image files as one batch for the model: each read as Keras's
/// load_img(color_mode for the input's channels, target_size, nearest) and
/// img_to_array, then scaled by 1/255 as `cnnc train` scales its data.
static bool readImages(const PredictRequest &request, const ModelInfo &info,
                       NpyArray &batch) {
  if (info.inputShapes.size() != 1) {
    reportError("--image needs a model of one input; this one has " +
                std::to_string(info.inputShapes.size()) +
                ": give --input X.npy once per input");
    return false;
  }
  const std::vector<int64_t> &shape = info.inputShapes.front();
  if (shape.size() != 3 || !isImageChannelCount(shape[2])) {
    reportError("--image needs a model whose input is (height, width, "
                "channels) with 1, 3 or 4 channels; this one's is " +
                formatNpyShape(shape));
    return false;
  }
  batch.shape = {int64_t(request.imagePaths.size()), shape[0], shape[1],
                 shape[2]};
  batch.data.reserve(request.imagePaths.size() * size_t(info.inputElements()));
  for (const std::string &path : request.imagePaths) {
    DecodedImage image;
    std::string error;
    if (!readImageFile(path, image, error)) {
      reportError(error);
      return false;
    }
    std::vector<float> values =
        imageAsInput(image, shape[0], shape[1], shape[2]);
    batch.data.insert(batch.data.end(), values.begin(), values.end());
  }
  return true;
}

/// One line per image: "a.png: 7 (0.9981), 2 (0.0012)", or with --json
/// {"file": "a.png", "top": [{"class": 7, "probability": 0.998...}]}.
static void printTopClasses(const PredictRequest &request,
                            const ModelInfo &info, const float *outputs) {
  int64_t classes = info.outputElements();
  for (size_t i = 0; i < request.imagePaths.size(); ++i) {
    const float *p = outputs + int64_t(i) * classes;
    std::vector<int64_t> order(static_cast<size_t>(classes));
    std::iota(order.begin(), order.end(), 0);
    // Highest first, among equals the lower class, and NaN before any
    // number: the order np.argmax picks in.
    std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
      bool nanA = std::isnan(p[a]), nanB = std::isnan(p[b]);
      if (nanA || nanB)
        return nanA != nanB ? nanA : a < b;
      return p[a] > p[b] || (p[a] == p[b] && a < b);
    });
    order.resize(std::min<size_t>(order.size(), request.top));
    std::string line;
    if (request.json) {
      llvm::json::Array top;
      for (int64_t c : order)
        top.push_back(
            llvm::json::Object{{"class", c}, {"probability", double(p[c])}});
      line = llvm::formatv("{0}", llvm::json::Value(llvm::json::Object{
                                      {"file", request.imagePaths[i]},
                                      {"top", std::move(top)}}));
    } else {
      line = request.imagePaths[i] + ":";
      for (size_t k = 0; k < order.size(); ++k)
        line += (k ? ", " : " ") + std::to_string(order[k]) + " (" +
                llvm::formatv("{0:f4}", p[order[k]]).str() + ")";
    }
    std::printf("%s\n", line.c_str());
  }
  std::fflush(stdout);
}

int cnnc::runPredict(const PredictRequest &request, MLIRContext &context) {
  // The output may not be what is read; then the model (loadModel checks
  // its contract), the input and the weights against it, before compiling
  // anything.
  std::string error;
  std::vector<NamedInput> inputs = {
      {"the model file", request.modelPath},
      {"the --weights file", request.weightsPath}};
  for (const std::string &input : request.inputPaths)
    inputs.push_back({"the --input file", input});
  for (const std::string &image : request.imagePaths)
    inputs.push_back({"the --image file", image});
  if (!request.outputPath.empty() &&
      !checkNotAnInput("-o", request.outputPath, inputs, error)) {
    reportError(error);
    return 1;
  }
  OwningOpRef<ModuleOp> module = loadModel(request.modelPath, context);
  if (!module)
    return 1;
  ModelInfo info = describeModel(*module);
  // A `cnnc quantize` file runs int8 (Int8Weights.h).
  PipelineOptions pipeline = request.pipeline;
  if (llvm::Error error =
          prepareInt8(*module, info, request.weightsPath, pipeline)) {
    report(std::move(error));
    return 1;
  }
  auto forward = module->lookupSymbol<func::FuncOp>("forward");
  // The inputs' Keras names, for errors ("input" for a Sequential model).
  std::vector<std::string> inputNames;
  for (size_t i = 0; i < info.inputShapes.size(); ++i) {
    auto name = forward.getArgAttrOfType<StringAttr>(
        i, cnn::CnnDialect::kInputAttrName);
    inputNames.push_back(name ? name.str() : "input");
  }
  std::vector<NpyArray> inputArrays(1);
  if (!request.imagePaths.empty()) {
    if (!readImages(request, info, inputArrays[0]))
      return 1;
  } else if (!readInputs(request, info, inputNames, inputArrays)) {
    return 1;
  }
  std::vector<const float *> inputData;
  for (const NpyArray &array : inputArrays)
    inputData.push_back(array.data.data());
  auto params = weightsOrInitializers(info, request.modelPath,
                                      request.weightsPath, request.seed);
  if (!params) {
    reportModelError(params.takeError(), context);
    return 1;
  }

  // A model with several outputs writes DIR/<output layer name>.npy each,
  // from a module per output (ModelOutputs.h).
  bool severalOutputs = forward.getFunctionType().getNumResults() > 1;
  std::vector<ModelOutput> outputs;
  if (severalOutputs) {
    if (!request.imagePaths.empty() && request.outputPath.empty()) {
      reportError("--image on a model with several outputs needs -o DIR");
      return 1;
    }
    if (request.outputPath.empty() || request.outputPath == "-") {
      reportError("the model has several outputs: -o names a directory, "
                  "which gets one <output layer name>.npy per output");
      return 1;
    }
    outputs = splitModelOutputs(*module);
    // `-o y.npy` asks for one array: a script written for one output would
    // otherwise find a directory where it expects a file.
    if (llvm::StringRef(request.outputPath).ends_with_insensitive(".npy") &&
        !llvm::sys::fs::is_directory(request.outputPath)) {
      std::string names;
      for (const ModelOutput &output : outputs)
        names += (names.empty() ? "" : ", ") + output.name;
      reportError("this Functional model has " +
                  std::to_string(outputs.size()) + " outputs (" + names +
                  "): -o names a directory, which gets one <output layer "
                  "name>.npy per output, not the file '" +
                  request.outputPath + "'");
      return 1;
    }
    if (std::error_code ec =
            llvm::sys::fs::create_directories(request.outputPath)) {
      reportError("cannot create the directory '" + request.outputPath +
                  "': " + ec.message());
      return 1;
    }
  } else {
    outputs.push_back({"", std::move(module)});
  }

  WorkerPool pool(request.threads);
  int64_t batch = inputArrays[0].shape[0];
  for (ModelOutput &modelOutput : outputs) {
    ModelInfo outputInfo = describeModel(*modelOutput.module);
    auto compiled = CompiledModel::compile(*modelOutput.module, pipeline);
    if (!compiled) {
      report(compiled.takeError());
      return 1;
    }
    NpyArray output;
    output.shape.push_back(batch);
    output.shape.insert(output.shape.end(), outputInfo.outputShape.begin(),
                        outputInfo.outputShape.end());
    output.data.assign(size_t(batch * outputInfo.outputElements()), 0.0f);
    runForward((*compiled)->kernels(), pool, inputData, batch,
               paramPointers(info, params->data()).data(), output.data.data());
    std::string path = request.outputPath;
    if (severalOutputs) {
      llvm::SmallString<256> file(request.outputPath);
      llvm::sys::path::append(file, modelOutput.name + ".npy");
      path = file.str().str();
    }
    if (!path.empty() && !writeNpy(path, output, error)) {
      reportError(error);
      return 1;
    }
    if (!severalOutputs && !request.imagePaths.empty())
      printTopClasses(request, info, output.data.data());
  }
  return 0;
}
