//===- ModelExport.cpp - A model as TF.js or Keras load it ----------------===//
//
// The topology comes from the model file as the frontends read it (the
// Keras vocabulary, not the IR); the weights are whatever the caller has
// (a weight file, the model file's own, trained ones). `cnnc export` and
// `cnnc train --export-tfjs` both write through here.
//
//===----------------------------------------------------------------------===//

#include "frontends/export/ModelExport.h"

#include "frontends/LoadModel.h"
#include "frontends/common/LocatedError.h"
#include "frontends/keras-h5/KerasH5.h"
#include "frontends/keras-json/KerasJson.h"
#include "frontends/keras3/KerasArchive.h"
#include "frontends/weights/ModelWeights.h"
#include "runtime/support/AtomicFile.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"

#include <cstring>

using namespace cnnc;

static llvm::Error failure(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

static std::vector<std::string> layerNames(const ModelSpec &model) {
  std::vector<std::string> names;
  for (const Layer &layer : model.layers)
    if (layer.call == 0) // a shared layer's weights are its first call's
      names.push_back(layer.name);
  return names;
}

/// A layer's name without the nested models around it ("dense" for
/// "block/dense").
static llvm::StringRef leafName(llvm::StringRef name) {
  return name.substr(name.rfind('/') + 1);
}

/// `model` as it is written: a model that nests others (which the frontend
/// inlined) as the flat Functional graph it is, each inlined layer under
/// its own name, which Keras made unique across the models of a script.
/// Two layers of one name (possible in a file, whose nested models name
/// their layers apart) are one located error, at the nested one.
static llvm::Expected<ModelSpec> flatModel(const ModelSpec &model) {
  if (llvm::none_of(model.layers,
                    [](const Layer &layer) { return !layer.scopes.empty(); }))
    return model;
  ModelSpec flat = model;
  llvm::StringMap<const Layer *> owners;
  for (const ModelInput &input : model.inputs)
    owners[input.name] = nullptr;
  for (const Layer &layer : model.layers) {
    if (layer.call != 0)
      continue;
    auto [it, added] = owners.try_emplace(leafName(layer.name), &layer);
    if (added)
      continue;
    // At the nested model's layer (an input is never nested).
    const Layer *first = it->second;
    const Layer &at = !layer.scopes.empty() || !first ? layer : *first;
    return makeError(at.loc, "cannot export model '", model.name,
                     "': export writes its nested models' layers into it, "
                     "and '",
                     first ? first->name : leafName(layer.name).str(),
                     "' and '", layer.name, "' would both be named '",
                     leafName(layer.name), "'");
  }
  auto rename = [](TensorRef &ref) { ref.layer = leafName(ref.layer).str(); };
  for (Layer &layer : flat.layers) {
    layer.name = leafName(layer.name).str();
    layer.scopes.clear();
    llvm::for_each(layer.inbound, rename);
  }
  llvm::for_each(flat.outputs, rename);
  // An outer Sequential holding a nested model is a graph already; its
  // nested Functional's branches need the Functional form.
  flat.sequentialView = false;
  return flat;
}

/// The weights of `model`'s layers (named by path) as the flat model names
/// them.
static std::vector<LayerWeights> flatWeights(const ModelSpec &model,
                                             const ModelInfo &info,
                                             const std::vector<float> &params,
                                             bool kerasSuffix) {
  std::vector<LayerWeights> layers =
      layerWeights(info, params, layerNames(model), kerasSuffix);
  for (LayerWeights &layer : layers) {
    llvm::StringRef path = layer.layer;
    std::string leaf = leafName(path).str();
    for (WeightArray &array : layer.weights)
      if (llvm::StringRef(array.name).starts_with(path))
        array.name = leaf + array.name.substr(path.size());
    layer.layer = leaf;
  }
  return layers;
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
  llvm::Expected<ModelSpec> flat = flatModel(model);
  if (!flat)
    return flat.takeError();
  llvm::Expected<std::string> topology =
      writeKerasModelConfig(*flat, KerasTarget::Tfjs);
  if (!topology)
    return topology.takeError();
  llvm::Expected<llvm::json::Value> topologyValue =
      llvm::json::parse(*topology);
  if (!topologyValue)
    return topologyValue.takeError();
  std::vector<LayerWeights> layers =
      flatWeights(model, info, params, /*kerasSuffix=*/false);
  llvm::json::Array manifestWeights;
  for (const LayerWeights &layer : layers)
    for (const WeightArray &array : layer.weights) {
      llvm::json::Array shape;
      for (int64_t d : array.shape)
        shape.push_back(d);
      manifestWeights.push_back(llvm::json::Object{{"name", array.name},
                                                   {"shape", std::move(shape)},
                                                   {"dtype", "float32"}});
    }
  llvm::json::Object modelJson{
      {"format", "layers-model"},
      {"generatedBy", "cnnc"},
      {"convertedBy", nullptr},
      {"modelTopology", std::move(*topologyValue)},
      {"weightsManifest", llvm::json::Array{llvm::json::Object{
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
      << llvm::formatv("{0:2}", llvm::json::Value(std::move(modelJson)))
      << "\n";

  if (llvm::sys::fs::exists(directory) &&
      !llvm::sys::fs::is_directory(directory))
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

std::vector<std::string> cnnc::exportedFiles(ExportFormat format,
                                             llvm::StringRef path) {
  if (format == ExportFormat::H5 || format == ExportFormat::Keras)
    return {path.str()};
  llvm::SmallString<256> jsonPath(path), shardPath(path);
  llvm::sys::path::append(jsonPath, "model.json");
  llvm::sys::path::append(shardPath, kShardName);
  return {std::string(jsonPath), std::string(shardPath)};
}

llvm::Error cnnc::exportKerasH5(const ModelSpec &model, const ModelInfo &info,
                                const std::vector<float> &params,
                                llvm::StringRef path) {
  llvm::Expected<ModelSpec> flat = flatModel(model);
  if (!flat)
    return flat.takeError();
  llvm::Expected<std::string> config =
      writeKerasModelConfig(*flat, KerasTarget::Keras);
  if (!config)
    return config.takeError();
  llvm::Expected<std::string> image = writeKerasH5Image(
      *config, writeKerasTrainingConfig(model.training, KerasTarget::Keras),
      flatWeights(model, info, params, /*kerasSuffix=*/true));
  if (!image)
    return image.takeError();
  std::string error;
  if (!writeFileAtomically(path.str(), *image, error))
    return failure(error);
  return llvm::Error::success();
}

llvm::Error cnnc::exportKerasArchive(const ModelSpec &model,
                                     const ModelInfo &info,
                                     const std::vector<float> &params,
                                     llvm::StringRef path) {
  llvm::Expected<ModelSpec> flat = flatModel(model);
  if (!flat)
    return flat.takeError();
  llvm::Expected<std::string> archive = writeKerasArchive(
      *flat, flatWeights(model, info, params, /*kerasSuffix=*/false));
  if (!archive)
    return archive.takeError();
  std::string error;
  if (!writeFileAtomically(path.str(), *archive, error))
    return failure(error);
  return llvm::Error::success();
}

llvm::Expected<ModelSpec> cnnc::readExportableModel(llvm::StringRef path,
                                                    ExportFormat format) {
  if (llvm::sys::path::extension(path) == ".mlir")
    return failure("'" + path +
                   "': an .mlir model has no Keras layers to export; give the "
                   "model's .py, .json, .h5 or .keras");
  llvm::Expected<ModelSpec> model = readModelSpec(path);
  if (!model)
    return model.takeError();
  // Written once here, without weights, so that a layer the format cannot
  // express (or a nested model's layer that cannot be written flat) is
  // refused before anything long runs. The model itself keeps its nested
  // layers' paths, by which its weights bind.
  llvm::Expected<ModelSpec> flat = flatModel(*model);
  if (!flat)
    return flat.takeError();
  if (format == ExportFormat::Keras) {
    llvm::Expected<std::string> archive = writeKerasArchive(*flat, {});
    if (!archive)
      return archive.takeError();
    return std::move(*model);
  }
  llvm::Expected<std::string> config = writeKerasModelConfig(
      *flat,
      format == ExportFormat::Tfjs ? KerasTarget::Tfjs : KerasTarget::Keras);
  if (!config)
    return config.takeError();
  return std::move(*model);
}

llvm::Error cnnc::exportModel(const ModelSpec &model, const ModelInfo &info,
                              const std::vector<float> &params,
                              ExportFormat format, llvm::StringRef path) {
  switch (format) {
  case ExportFormat::Tfjs:
    return exportTfjs(model, info, params, path);
  case ExportFormat::H5:
    return exportKerasH5(model, info, params, path);
  case ExportFormat::Keras:
    return exportKerasArchive(model, info, params, path);
  }
  return failure("unknown export format");
}
