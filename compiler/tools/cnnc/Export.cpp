//===- Export.cpp - cnnc export: a model TF.js or Keras loads -------------===//
//
//   cnnc export MODEL [--weights W] --format tfjs|h5 -o PATH
//
// The topology comes from the model file as the frontends read it (the
// Keras vocabulary, not the IR), the weights from W, the model file itself,
// or the seeded initializers. `cnnc train --export-tfjs DIR` uses the same
// writer with the trained weights.
//
//===----------------------------------------------------------------------===//

#include "compiler/tools/cnnc/Commands.h"
#include "compiler/tools/cnnc/Export.h"
#include "compiler/tools/cnnc/Weights.h"

#include "compiler/Diagnostics.h"
#include "compiler/ModelDescription.h"
#include "frontends/LoadModel.h"
#include "frontends/common/ModelToCnn.h"
#include "frontends/keras-h5/KerasH5.h"
#include "frontends/keras-json/KerasJson.h"
#include "runtime/support/AtomicFile.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"

#include <cstring>

using namespace mlir;
using namespace cnnc;
namespace cl = llvm::cl;

cl::SubCommand cnnc::exportCommand(
    "export", "Write MODEL with its weights as a TF.js layers model or a "
              "Keras .h5");

namespace {
enum class ExportFormat { Tfjs, H5 };
} // namespace

static cl::opt<std::string> modelPath(cl::Positional, cl::desc("MODEL"),
                                      cl::Required, cl::sub(exportCommand));
static cl::opt<std::string> weightsPath(
    "weights",
    cl::desc("Weights: a cnnc checkpoint, a Keras .h5 or a TF.js model.json "
             "(default: MODEL's own, else its initializers)"),
    cl::value_desc("FILE"), cl::sub(exportCommand));
static cl::opt<ExportFormat> format(
    "format", cl::desc("What to write"), cl::Required,
    cl::values(clEnumValN(ExportFormat::Tfjs, "tfjs",
                          "a TF.js layers model: DIR/model.json and its shard"),
               clEnumValN(ExportFormat::H5, "h5",
                          "a Keras model.save() file (legacy HDF5)")),
    cl::sub(exportCommand));
static cl::opt<std::string> outputPath("o", cl::desc("Output: a directory "
                                                     "(tfjs) or a file (h5)"),
                                       cl::value_desc("PATH"), cl::Required,
                                       cl::sub(exportCommand));
static cl::opt<uint64_t> seed("seed", cl::desc("Seed of the initializers"),
                              cl::init(0), cl::sub(exportCommand));

static llvm::Error failure(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

static std::vector<std::string> layerNames(const ModelSpec &model) {
  std::vector<std::string> names;
  for (const Layer &layer : model.layers)
    names.push_back(layer.name);
  return names;
}

/// The shard's bytes: little-endian float32, in manifest order.
static std::string shardBytes(const std::vector<LayerWeights> &layers) {
  std::string bytes;
  for (const LayerWeights &layer : layers)
    for (const WeightArray &array : layer.weights)
      for (float value : array.data) {
        uint32_t bits;
        std::memcpy(&bits, &value, 4);
        for (int i = 0; i < 4; ++i)
          bytes.push_back(char(bits >> (8 * i)));
      }
  return bytes;
}

static constexpr const char *kShardName = "group1-shard1of1.bin";

llvm::Error cnnc::exportTfjs(const ModelSpec &model, const ModelInfo &info,
                             const std::vector<float> &params,
                             llvm::StringRef directory) {
  llvm::Expected<std::string> topology =
      writeKerasModelConfig(model, KerasTarget::Tfjs);
  if (!topology)
    return topology.takeError();
  llvm::Expected<llvm::json::Value> topologyValue = llvm::json::parse(*topology);
  if (!topologyValue)
    return topologyValue.takeError();
  std::vector<LayerWeights> layers =
      layerWeights(info, params, layerNames(model), /*kerasSuffix=*/false);
  llvm::json::Array manifestWeights;
  for (const LayerWeights &layer : layers)
    for (const WeightArray &array : layer.weights) {
      llvm::json::Array shape;
      for (int64_t d : array.shape)
        shape.push_back(d);
      manifestWeights.push_back(llvm::json::Object{
          {"name", array.name}, {"shape", std::move(shape)}, {"dtype", "float32"}});
    }
  llvm::json::Object modelJson{
      {"format", "layers-model"},
      {"generatedBy", "cnnc"},
      {"convertedBy", nullptr},
      {"modelTopology", std::move(*topologyValue)},
      {"weightsManifest",
       llvm::json::Array{llvm::json::Object{
           {"paths", llvm::json::Array{kShardName}},
           {"weights", std::move(manifestWeights)}}}}};
  // compile()'s settings, as TF.js's model.save writes them.
  if (std::optional<std::string> training =
          writeKerasTrainingConfig(model.training, KerasTarget::Tfjs)) {
    llvm::Expected<llvm::json::Value> value = llvm::json::parse(*training);
    if (!value)
      return value.takeError();
    modelJson["trainingConfig"] = std::move(*value);
  }
  std::string text;
  llvm::raw_string_ostream(text)
      << llvm::formatv("{0:2}", llvm::json::Value(std::move(modelJson))) << "\n";

  if (llvm::sys::fs::exists(directory) && !llvm::sys::fs::is_directory(directory))
    return failure("'" + directory +
                   "' is a file; --format tfjs writes a directory");
  if (std::error_code ec = llvm::sys::fs::create_directories(directory))
    return failure("cannot create '" + directory + "': " + ec.message());
  llvm::SmallString<256> jsonPath(directory), shardPath(directory);
  llvm::sys::path::append(jsonPath, "model.json");
  llvm::sys::path::append(shardPath, kShardName);
  std::string error;
  if (!writeFilesAtomically({{std::string(shardPath), shardBytes(layers)},
                             {std::string(jsonPath), std::move(text)}},
                            error))
    return failure(error);
  return llvm::Error::success();
}

static llvm::Error writeH5(const ModelSpec &model, const ModelInfo &info,
                           const std::vector<float> &params,
                           llvm::StringRef path) {
  llvm::Expected<std::string> config =
      writeKerasModelConfig(model, KerasTarget::Keras);
  if (!config)
    return config.takeError();
  llvm::Expected<std::string> image = writeKerasH5Image(
      *config, writeKerasTrainingConfig(model.training, KerasTarget::Keras),
      layerWeights(info, params, layerNames(model), /*kerasSuffix=*/true));
  if (!image)
    return image.takeError();
  std::string error;
  if (!writeFileAtomically(path.str(), *image, error))
    return failure(error);
  return llvm::Error::success();
}

std::optional<ModelSpec> cnnc::readExportableModel(llvm::StringRef path,
                                                   bool tfjs,
                                                   MLIRContext &context) {
  if (llvm::sys::path::extension(path) == ".mlir") {
    reportError("'" + path.str() +
                "': an .mlir model has no Keras layers to export; give the "
                "model's .py, .json or .h5");
    return std::nullopt;
  }
  llvm::Expected<ModelSpec> model = readModelSpec(path);
  if (!model) {
    reportModelError(model.takeError(), context);
    return std::nullopt;
  }
  llvm::Expected<std::string> config = writeKerasModelConfig(
      *model, tfjs ? KerasTarget::Tfjs : KerasTarget::Keras);
  if (!config) {
    reportModelError(config.takeError(), context);
    return std::nullopt;
  }
  return std::move(*model);
}

int cnnc::exportMain(MLIRContext &context) {
  std::optional<ModelSpec> model =
      readExportableModel(modelPath, format == ExportFormat::Tfjs, context);
  if (!model)
    return 1;
  OwningOpRef<ModuleOp> module = buildCnnModule(*model, context);
  if (!module)
    return 1;
  ModelInfo info = describeModel(*module);

  auto params = weightsOrInitializers(info, modelPath, weightsPath, seed);
  if (!params) {
    reportModelError(params.takeError(), context);
    return 1;
  }
  llvm::Error written = format == ExportFormat::Tfjs
                            ? exportTfjs(*model, info, *params, outputPath)
                            : writeH5(*model, info, *params, outputPath);
  if (written) {
    reportModelError(std::move(written), context);
    return 1;
  }
  return 0;
}
