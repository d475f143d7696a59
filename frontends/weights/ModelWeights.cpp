//===- ModelWeights.cpp - Weights from any file cnnc reads ----------------===//

#include "frontends/weights/ModelWeights.h"
#include "frontends/weights/QuantizedModelWeights.h"

#include "frontends/LoadModel.h"
#include "frontends/keras-h5/Keras3H5.h"
#include "frontends/keras-h5/KerasH5.h"
#include "frontends/keras-json/KerasJson.h"
#include "frontends/keras3/KerasArchive.h"
#include "runtime/npy/Npy.h"
#include "runtime/train/Checkpoint.h"
#include "runtime/train/TrainRun.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <fstream>

using namespace cnnc;

static llvm::Error failure(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

namespace {
/// A model parameter's place: its layer and its short name.
struct ParamRef {
  std::string layer, weight;
  const ParamInfo *param;
  int64_t offset;
};

/// The layers of a model that have parameters, in order.
struct ModelLayer {
  std::string name;
  std::vector<ParamRef> params;
};
} // namespace

static std::vector<ModelLayer> modelLayers(const ModelInfo &info) {
  std::vector<ModelLayer> layers;
  int64_t offset = 0;
  for (const ParamInfo &param : info.params) {
    llvm::StringRef name(param.name);
    auto [layer, weight] = name.rsplit('/');
    if (layers.empty() || layers.back().name != layer)
      layers.push_back({layer.str(), {}});
    layers.back().params.push_back({layer.str(), weight.str(), &param, offset});
    offset += param.elements();
  }
  return layers;
}

/// The layer a weight's name says it belongs to: the component before the
/// variable ("conv2d_1_1" for Keras 2.0.5's "conv2d_1/conv2d_1_1/kernel:0",
/// "bn_Conv1" for a nested model's "bn_Conv1/gamma:0"); empty if none.
static llvm::StringRef ownerName(llvm::StringRef name) {
  size_t variable = name.rfind('/');
  if (variable == llvm::StringRef::npos)
    return "";
  llvm::StringRef path = name.take_front(variable);
  size_t slash = path.rfind('/');
  return slash == llvm::StringRef::npos ? path : path.drop_front(slash + 1);
}

/// Each of `layer`'s parameters among `arrays` by name: the array whose
/// variable and layer both match, else the one array whose variable does.
/// None unless every parameter finds a different array: names that say
/// nothing ("vars/0") are bound by position instead.
static std::optional<std::vector<const WeightArray *>>
placeByName(const ModelLayer &layer, llvm::StringRef owner,
            llvm::ArrayRef<const WeightArray *> arrays) {
  std::vector<const WeightArray *> placed;
  for (const ParamRef &param : layer.params) {
    const WeightArray *exact = nullptr, *variable = nullptr;
    unsigned exactCount = 0, variableCount = 0;
    for (const WeightArray *array : arrays) {
      if (shortWeightName(array->name) != param.weight)
        continue;
      variable = array, ++variableCount;
      if (ownerName(array->name) == owner)
        exact = array, ++exactCount;
    }
    const WeightArray *chosen = exactCount == 1      ? exact
                                : variableCount == 1 ? variable
                                                     : nullptr;
    if (!chosen || llvm::is_contained(placed, chosen))
      return std::nullopt;
    placed.push_back(chosen);
  }
  return placed;
}

llvm::Expected<std::vector<float>> cnnc::bindWeights(const ModelInfo &info,
                                                     const WeightSet &weights,
                                                     llvm::StringRef file) {
  std::vector<ModelLayer> layers = modelLayers(info);
  llvm::StringMap<const LayerWeights *> byName;
  std::vector<const WeightArray *> everyArray;
  for (const LayerWeights &layer : weights.layers) {
    byName.try_emplace(layer.layer, &layer);
    for (const WeightArray &array : layer.weights)
      everyArray.push_back(&array);
  }
  // Where each model layer's arrays are. A group of the layer's name holds
  // them (bound by name within it, else by position); a nested model's
  // group holds its inner layers' arrays, trainable ones first and moving
  // statistics after all of them (../shared/realworld2 README), found by
  // their layer and variable names among all the file's arrays.
  std::vector<std::optional<std::vector<const WeightArray *>>> placements;
  std::vector<const LayerWeights *> groups;
  bool allNamed = true;
  for (const ModelLayer &layer : layers) {
    const LayerWeights *group = byName.lookup(layer.name);
    groups.push_back(group);
    if (group) {
      std::vector<const WeightArray *> arrays;
      for (const WeightArray &array : group->weights)
        arrays.push_back(&array);
      placements.push_back(placeByName(layer, layer.name, arrays));
      continue;
    }
    // A layer of an inlined nested model, "outer/.../layer": its arrays are
    // in the outermost model's group, named by the path's last two parts
    // ("layer/kernel:0"), whatever lies between.
    auto [outermost, rest] = llvm::StringRef(layer.name).split('/');
    llvm::StringRef owner = llvm::StringRef(layer.name).rsplit('/').second;
    if (rest.empty())
      owner = layer.name;
    const LayerWeights *outerGroup =
        rest.empty() ? nullptr : byName.lookup(outermost);
    std::vector<const WeightArray *> owned;
    if (outerGroup) {
      for (const WeightArray &array : outerGroup->weights)
        if (ownerName(array.name) == owner)
          owned.push_back(&array);
    } else {
      for (const WeightArray *array : everyArray)
        if (ownerName(array->name) == owner)
          owned.push_back(array);
    }
    placements.push_back(placeByName(layer, owner, owned));
    allNamed &= placements.back().has_value();
  }
  if (!allNamed && layers.size() != weights.layers.size()) {
    // Name the first layer the file lacks: the likeliest mistake.
    for (size_t i = 0; i < layers.size(); ++i)
      if (!groups[i] && !placements[i])
        return failure("'" + file + "' has weights for " +
                       llvm::Twine(weights.layers.size()) + " layer" +
                       (weights.layers.size() == 1 ? "" : "s") +
                       ", the model " + llvm::Twine(layers.size()) +
                       ", and none for layer '" + layers[i].name + "'");
  }

  std::vector<float> params(size_t(info.paramElements()));
  for (size_t i = 0; i < layers.size(); ++i) {
    const ModelLayer &layer = layers[i];
    // By name where the file's names say where each parameter is, else by
    // the position of the layer (unless named) and of the array in it.
    std::vector<const WeightArray *> arrays;
    std::string where;
    if (allNamed && placements[i]) {
      arrays = *placements[i];
      where = "layer '" + (groups[i] ? groups[i]->layer : layer.name) +
              "' of '" + file.str() + "'";
    } else {
      const LayerWeights &stored = allNamed ? *groups[i] : weights.layers[i];
      where = "layer '" + stored.layer + "' of '" + file.str() + "'";
      if (stored.weights.size() != layer.params.size())
        return failure(where + " has " + llvm::Twine(stored.weights.size()) +
                       " weights; the model's layer '" + layer.name + "' has " +
                       llvm::Twine(layer.params.size()));
      for (const WeightArray &array : stored.weights)
        arrays.push_back(&array);
    }
    for (size_t j = 0; j < layer.params.size(); ++j) {
      const ParamRef &param = layer.params[j];
      const WeightArray &array = *arrays[j];
      std::string_view shortName = shortWeightName(array.name);
      // Keras names a layer's variables kernel and bias; a file that names
      // them so but not as the model's (a bias where the model has none)
      // is not this model's.
      if ((shortName == "kernel" || shortName == "bias") &&
          shortName != param.weight)
        return failure("weight '" + array.name + "' of " + where +
                       " is where the model has '" + param.param->name + "'");
      if (array.shape != param.param->shape)
        return failure("weight '" + array.name + "' of " + where +
                       " has shape " + formatNpyShape(array.shape) +
                       "; the model's '" + param.param->name + "' is " +
                       formatNpyShape(param.param->shape));
      std::copy(array.data.begin(), array.data.end(),
                params.begin() + param.offset);
    }
  }
  return params;
}

/// The first bytes of a file, to tell its format.
static llvm::Expected<std::string> fileHead(llvm::StringRef path) {
  std::ifstream in(path.str(), std::ios::binary);
  if (!in)
    return failure("cannot read '" + path + "': " +
                   std::error_code(errno, std::generic_category()).message());
  std::string head(64, '\0');
  in.read(head.data(), std::streamsize(head.size()));
  head.resize(size_t(in.gcount()));
  return head;
}

static llvm::Expected<std::optional<WeightSet>>
readTfjsFile(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
  if (!buffer)
    return failure("cannot read '" + path +
                   "': " + buffer.getError().message());
  return readTfjsWeights((*buffer)->getBuffer(), path);
}

/// The layers of the model at `modelPath` as Keras 3 numbers their weight
/// groups: a .keras archive's own config, else the model file's layers.
static llvm::Expected<std::vector<KerasLayerRef>>
keras3ModelLayers(llvm::StringRef modelPath, llvm::StringRef weightsPath) {
  llvm::StringRef extension = llvm::sys::path::extension(modelPath);
  if (extension == ".keras") {
    llvm::Expected<KerasArchive> archive = readKerasArchive(modelPath);
    if (!archive)
      return archive.takeError();
    return kerasConfigLayers(archive->config,
                             (modelPath + ": config.json").str());
  }
  if (extension == ".mlir")
    return failure("'" + weightsPath +
                   "' is a Keras 3 weights file, whose groups are named "
                   "after the layers' Keras classes: give the model as a "
                   "Keras file (.py, .json, .h5, .keras), not .mlir");
  llvm::Expected<ModelSpec> model = readModelSpec(modelPath);
  if (!model)
    return model.takeError();
  return modelSpecLayers(*model);
}

/// The weights of a Keras 3 `.weights.h5` (save_weights) bound to the
/// layers of the model at `modelPath`; none when the file is a legacy .h5.
static llvm::Expected<std::optional<WeightSet>>
readKeras3WeightsFile(llvm::StringRef path, llvm::StringRef modelPath) {
  llvm::Expected<Keras3H5Contents> contents = readKeras3H5File(path);
  if (!contents)
    return contents.takeError();
  if (contents->legacy)
    return std::nullopt;
  llvm::Expected<std::vector<KerasLayerRef>> layers =
      keras3ModelLayers(modelPath, path);
  if (!layers)
    return layers.takeError();
  llvm::Expected<WeightSet> weights = keras3WeightSet(*layers, *contents, path);
  if (!weights)
    return weights.takeError();
  return std::optional<WeightSet>(std::move(*weights));
}

/// The weight set of a Keras .h5 or TF.js model.json; none if the file is a
/// topology without weights.
static llvm::Expected<std::optional<WeightSet>>
readKerasWeights(llvm::StringRef path, llvm::StringRef head) {
  if (isHdf5Signature(head)) {
    llvm::Expected<KerasH5Contents> contents = readKerasH5(path);
    if (!contents)
      return contents.takeError();
    return std::move(contents->weights);
  }
  return readTfjsFile(path);
}

llvm::Expected<std::optional<std::vector<float>>>
cnnc::loadModelWeights(const ModelInfo &info, llvm::StringRef modelPath,
                       llvm::StringRef weightsPath) {
  using Result = std::optional<std::vector<float>>;
  if (weightsPath.empty()) {
    llvm::StringRef extension = llvm::sys::path::extension(modelPath);
    if (extension == ".keras") {
      llvm::Expected<WeightSet> weights = readKerasArchiveWeights(modelPath);
      if (!weights)
        return weights.takeError();
      llvm::Expected<std::vector<float>> params =
          bindWeights(info, *weights, modelPath);
      if (!params)
        return params.takeError();
      return Result(std::move(*params));
    }
    if (extension != ".json" && extension != ".h5" && extension != ".hdf5")
      return Result();
    llvm::Expected<std::string> head = fileHead(modelPath);
    if (!head)
      return head.takeError();
    llvm::Expected<std::optional<WeightSet>> weights =
        readKerasWeights(modelPath, *head);
    if (!weights)
      return weights.takeError();
    if (!*weights)
      return Result();
    llvm::Expected<std::vector<float>> params =
        bindWeights(info, **weights, modelPath);
    if (!params)
      return params.takeError();
    return Result(std::move(*params));
  }

  llvm::Expected<std::string> head = fileHead(weightsPath);
  if (!head)
    return head.takeError();
  // A `cnnc quantize` file: its codes times their scales (exact), which is
  // what --precision fp32 runs and what the int8 code quantizes again.
  if (looksLikeQuantizedWeights(*head)) {
    llvm::Expected<QuantizedWeights> quantized =
        readQuantizedWeightsFor(info, weightsPath);
    if (!quantized)
      return quantized.takeError();
    return Result(dequantizedParams(*quantized));
  }
  if (looksLikeCheckpoint(*head)) {
    std::vector<float> params;
    std::string error;
    if (!loadWeights(info, weightsPath.str(), params, error))
      return failure(error);
    return Result(std::move(params));
  }
  // Told by content: a zip is a .keras archive; an HDF5 file is Keras 3's
  // layout unless it has legacy Keras's `layer_names` / `model_weights`.
  std::optional<WeightSet> keras3;
  if (isZipSignature(*head)) {
    llvm::Expected<WeightSet> weights = readKerasArchiveWeights(weightsPath);
    if (!weights)
      return weights.takeError();
    keras3 = std::move(*weights);
  } else if (isHdf5Signature(*head)) {
    llvm::Expected<std::optional<WeightSet>> weights =
        readKeras3WeightsFile(weightsPath, modelPath);
    if (!weights)
      return weights.takeError();
    keras3 = std::move(*weights);
  }
  if (keras3) {
    llvm::Expected<std::vector<float>> params =
        bindWeights(info, *keras3, weightsPath);
    if (!params)
      return params.takeError();
    return Result(std::move(*params));
  }
  llvm::StringRef text = llvm::StringRef(*head).ltrim(" \t\r\n");
  if (text.starts_with("\xef\xbb\xbf"))
    text = text.drop_front(3);
  if (!isHdf5Signature(*head) && !text.starts_with("{"))
    return failure("'" + weightsPath +
                   "' is not a weight file cnnc reads: expected a cnnc "
                   "checkpoint, a Keras .h5, .weights.h5 or .keras, or a "
                   "TF.js model.json");
  llvm::Expected<std::optional<WeightSet>> weights =
      readKerasWeights(weightsPath, *head);
  if (!weights)
    return weights.takeError();
  if (!*weights)
    return failure("'" + weightsPath +
                   "' holds no weights (a model.json without a "
                   "weightsManifest, or an .h5 without layer_names)");
  llvm::Expected<std::vector<float>> params =
      bindWeights(info, **weights, weightsPath);
  if (!params)
    return params.takeError();
  return Result(std::move(*params));
}

llvm::Expected<std::vector<float>>
cnnc::weightsOrInitializers(const ModelInfo &info, llvm::StringRef modelPath,
                            llvm::StringRef weightsPath, uint64_t seed) {
  auto weights = loadModelWeights(info, modelPath, weightsPath);
  if (!weights)
    return weights.takeError();
  if (*weights)
    return std::move(**weights);
  std::vector<float> params;
  std::string error;
  if (!initializeParams(info, seed, params, error))
    return failure(error);
  return params;
}

std::vector<LayerWeights>
cnnc::layerWeights(const ModelInfo &info, const std::vector<float> &params,
                   const std::vector<std::string> &layerNames,
                   bool kerasSuffix) {
  std::vector<ModelLayer> layers = modelLayers(info);
  std::vector<LayerWeights> result;
  for (const std::string &name : layerNames) {
    LayerWeights out{name, {}};
    for (const ModelLayer &layer : layers) {
      if (layer.name != name)
        continue;
      for (const ParamRef &param : layer.params) {
        WeightArray array;
        array.name = param.param->name + (kerasSuffix ? ":0" : "");
        array.shape = param.param->shape;
        auto begin = params.begin() + param.offset;
        array.data.assign(begin, begin + param.param->elements());
        out.weights.push_back(std::move(array));
      }
    }
    result.push_back(std::move(out));
  }
  return result;
}
