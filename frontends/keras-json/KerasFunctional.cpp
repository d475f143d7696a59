//===- KerasFunctional.cpp - Keras Functional topologies to ModelSpec -----===//
//
// A Functional model's config lists its layers, each with the calls that
// made it (`inbound_nodes`), and names its inputs and outputs. The three
// writers spell the calls differently (docs/keras-semantics.md §9):
//
//   Keras 2, TF.js  "inbound_nodes": [[["conv2d", 0, 0, {}], ...]]
//                   one list per call, each tensor [layer, node, tensor,
//                   kwargs]
//   Keras 3         "inbound_nodes": [{"args": [T or [T, ...]],
//                   "kwargs": {...}}], each tensor T a `__keras_tensor__`
//                   whose config has "keras_history": [layer, node, tensor]
//
// and `input_layers` / `output_layers` as [["name", 0, 0], ...], as one
// such triple, or (Keras 3, dict outputs) {"key": ["name", 0, 0], ...} in
// the file's order. This reader is what the legacy h5, TF.js model.json
// and Keras 3 config.json readers share: the ModelSpec it fills is checked
// as a graph later, where the order is decided (ModelGraph.h).
//
//===----------------------------------------------------------------------===//

#include "frontends/keras-json/KerasReaders.h"

#include "frontends/common/LocatedError.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/JSON.h"

#include <algorithm>

using namespace cnnc;

/// `["name", node, tensor]` (Keras 2 adds kwargs as a fourth element) to a
/// TensorRef located at the name.
static llvm::Error readTriple(const JsonNode &node, llvm::StringRef what,
                              TensorRef &out) {
  const llvm::json::Array *array = node.getArray();
  if (!array || array->size() < 3 || !node.at(0).getString())
    return node.error("expected [\"layer name\", node index, tensor index] "
                      "for " +
                      what + ", found " + node.describe());
  ConfigReader reader(node, what.str());
  out.layer = node.at(0).getString()->str();
  out.loc = node.at(0).loc();
  if (llvm::Error err = reader.toInt(node.at(1), "the node index", out.node))
    return err;
  if (llvm::Error err =
          reader.toInt(node.at(2), "the tensor index", out.tensor))
    return err;
  if (out.node < 0 || out.tensor < 0)
    return node.error("negative index in " + what);
  return llvm::Error::success();
}

/// A Keras 3 `__keras_tensor__` to a TensorRef.
static llvm::Error readKerasTensor(const JsonNode &node, llvm::StringRef what,
                                   TensorRef &out) {
  JsonNode history = node.get("config").get("keras_history");
  if (!node.getObject() || !history.exists())
    return node.error("expected a Keras tensor ('__keras_tensor__' with "
                      "'keras_history') in " +
                      what + ", found " + node.describe());
  return readTriple(history, what, out);
}

/// Keras 3 call kwargs cnnc can ignore: `training` (a model predicts with
/// its own) and an all-null `mask`.
static llvm::Error checkCallKwargs(const JsonNode &kwargs,
                                   llvm::StringRef what) {
  if (kwargs.isNullOrMissing())
    return llvm::Error::success();
  const llvm::json::Object *object = kwargs.getObject();
  if (!object)
    return kwargs.error("expected an object for 'kwargs', found " +
                        kwargs.describe());
  for (const auto &entry : *object) {
    llvm::StringRef key = entry.first;
    JsonNode value = kwargs.get(key);
    if (key == "training")
      continue;
    if (key == "mask") {
      bool allNull = value.isNullOrMissing();
      if (const llvm::json::Array *masks = value.getArray()) {
        allNull = true;
        for (size_t i = 0; i < masks->size(); ++i)
          allNull &= value.at(i).isNullOrMissing();
      }
      if (allNull)
        continue;
    }
    return value.error("unsupported call argument '" + key + "' of " + what);
  }
  return llvm::Error::success();
}

/// One call's tensors, in either form.
static llvm::Error readCall(const JsonNode &call, const std::string &what,
                            std::vector<TensorRef> &out) {
  if (call.getObject()) {
    // Keras 3: the tensors are the first positional argument.
    if (llvm::Error err = checkCallKwargs(call.get("kwargs"), what))
      return err;
    JsonNode args = call.get("args");
    const llvm::json::Array *argList = args.getArray();
    if (!argList || argList->size() != 1)
      return call.error("expected 'args' with one argument (a tensor or a "
                        "list of tensors) in the call of " +
                        what + ", found " + args.describe());
    JsonNode first = args.at(0);
    if (const llvm::json::Array *list = first.getArray()) {
      for (size_t i = 0; i < list->size(); ++i) {
        TensorRef ref;
        if (llvm::Error err = readKerasTensor(first.at(i), what, ref))
          return err;
        out.push_back(std::move(ref));
      }
      return llvm::Error::success();
    }
    TensorRef ref;
    if (llvm::Error err = readKerasTensor(first, what, ref))
      return err;
    out.push_back(std::move(ref));
    return llvm::Error::success();
  }
  // Keras 2 and TF.js: a list of [layer, node, tensor, kwargs].
  const llvm::json::Array *tensors = call.getArray();
  if (!tensors)
    return call.error("expected a list of input tensors in the call of " +
                      what + ", found " + call.describe());
  for (size_t i = 0; i < tensors->size(); ++i) {
    TensorRef ref;
    JsonNode tensor = call.at(i);
    if (llvm::Error err = readTriple(tensor, what, ref))
      return err;
    if (tensor.getArray()->size() > 3)
      if (llvm::Error err = checkCallKwargs(tensor.at(3), what))
        return err;
    out.push_back(std::move(ref));
  }
  return llvm::Error::success();
}

/// `inbound_nodes`: the calls of a layer, each an entry of `layers` (a
/// shared layer's calls, node 0, 1, ..., share its weights: ModelSpec.h).
static llvm::Error readInboundNodes(const JsonNode &entry, const Layer &layer,
                                    std::vector<Layer> &layers) {
  std::string what = "layer '" + layer.name + "'";
  JsonNode nodes = entry.get("inbound_nodes");
  const llvm::json::Array *calls = nodes.getArray();
  if (!calls)
    return entry.error("missing 'inbound_nodes' (the tensors " + what +
                       " is called on)");
  if (calls->empty())
    return nodes.error(what + " is not called on any tensor");
  for (size_t i = 0; i < calls->size(); ++i) {
    Layer call = layer;
    call.call = int64_t(i);
    // A later call's errors (a tensor the weights do not fit) are its own.
    if (i > 0)
      call.loc = nodes.at(i).loc();
    if (llvm::Error err = readCall(nodes.at(i), what, call.inbound))
      return err;
    layers.push_back(std::move(call));
  }
  return llvm::Error::success();
}

/// A nested model entry of a Functional model and the one call of it.
static llvm::Error readNestedCall(const JsonNode &entry,
                                  const ConfigReader &reader,
                                  llvm::StringRef name, size_t position,
                                  const KerasFileInfo &info,
                                  std::vector<NestedCall> &calls) {
  JsonNode classNode = entry.get("class_name");
  llvm::StringRef className = bareClassName(*classNode.getString());
  NestedCall call;
  call.position = position;
  call.className = className.str();
  call.loc = classNode.loc();
  if (llvm::Error err = reader.readBool("trainable", call.trainable))
    return err;
  std::string what = "nested model '" + name.str() + "'";
  JsonNode nodes = entry.get("inbound_nodes");
  const llvm::json::Array *list = nodes.getArray();
  if (!list)
    return entry.error("missing 'inbound_nodes' (the tensors " + what +
                       " is called on)");
  if (list->empty())
    return nodes.error(what + " is not called on any tensor");
  if (list->size() > 1)
    return nodes.error(what + " is called " + llvm::Twine(list->size()) +
                       " times: models applied more than once (shared "
                       "weights) are not supported");
  if (llvm::Error err = readCall(nodes.at(0), what, call.call))
    return err;
  llvm::Expected<ModelSpec> nested = readNestedModel(entry, info);
  if (!nested)
    return nested.takeError();
  call.model = std::move(*nested);
  if (call.model.name != name)
    return reader.fail(reader.field("name"),
                       "the nested model's config names it '" +
                           call.model.name + "', its entry '" + name.str() +
                           "'");
  calls.push_back(std::move(call));
  return llvm::Error::success();
}

/// `input_layers` / `output_layers` in any of their forms, in order.
static llvm::Error readEnds(const JsonNode &config, llvm::StringRef key,
                            std::vector<TensorRef> &out,
                            bool dictByKey = false) {
  JsonNode node = config.get(key);
  if (!node.exists())
    return config.error("missing '" + key + "'");
  std::string what = "'" + key.str() + "'";
  const llvm::json::Object *object = node.getObject();
  if (object && object->empty())
    return node.error("expected a list of [\"layer name\", node index, "
                      "tensor index] for " +
                      what + ", found an empty dict");
  if (object) {
    // A dict of named outputs: the file's order is the model's. A dict of
    // inputs (`dictByKey`): Keras flattens it as tf.nest and optree do,
    // by sorted key, and that is the order model.inputs and a positional
    // predict() take.
    std::vector<std::pair<SourceLoc, JsonNode>> entries;
    std::vector<std::string> keys;
    for (const auto &entry : *object) {
      JsonNode value = node.get(entry.first);
      entries.push_back({value.loc(), value});
      keys.push_back(entry.first.str());
    }
    std::vector<size_t> order(entries.size());
    for (size_t i = 0; i < order.size(); ++i)
      order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      if (dictByKey)
        return keys[a] < keys[b];
      return std::make_pair(entries[a].first.line, entries[a].first.column) <
             std::make_pair(entries[b].first.line, entries[b].first.column);
    });
    for (size_t i : order) {
      JsonNode &value = entries[i].second;
      TensorRef ref;
      if (llvm::Error err = readTriple(value, what, ref))
        return err;
      ref.name = keys[i];
      out.push_back(std::move(ref));
    }
    return llvm::Error::success();
  }
  const llvm::json::Array *array = node.getArray();
  if (!array || array->empty())
    return node.error("expected a list of [\"layer name\", node index, "
                      "tensor index] for " +
                      what + ", found " + node.describe());
  if (node.at(0).getString()) {
    TensorRef ref;
    if (llvm::Error err = readTriple(node, what, ref))
      return err;
    out.push_back(std::move(ref));
    return llvm::Error::success();
  }
  for (size_t i = 0; i < array->size(); ++i) {
    TensorRef ref;
    if (llvm::Error err = readTriple(node.at(i), what, ref))
      return err;
    out.push_back(std::move(ref));
  }
  return llvm::Error::success();
}

/// An InputLayer's shape, without the batch.
static llvm::Error readInputShape(const ConfigReader &config,
                                  ModelInput &input) {
  std::optional<JsonNode> found;
  bool hasBatch = true;
  for (llvm::StringRef key : {"batch_input_shape", "batch_shape"})
    if (!found && !config.field(key).isNullOrMissing())
      found = config.field(key);
  if (!found && !config.field("input_shape").isNullOrMissing()) {
    found = config.field("input_shape");
    hasBatch = false;
  }
  if (!found)
    return config.fail(config.node(), "missing 'batch_input_shape'");
  const JsonNode &shape = *found;
  const llvm::json::Array *dims = shape.getArray();
  size_t first = hasBatch ? 1 : 0;
  if (!dims || dims->size() <= first)
    return config.fail(shape, "expected a list of dimensions for the input "
                              "shape, found " +
                                  shape.describe());
  for (size_t i = first; i < dims->size(); ++i) {
    JsonNode dim = shape.at(i);
    std::string what = "input dimension " + std::to_string(i - first + 1);
    if (dim.isNullOrMissing())
      return config.fail(dim, what + " is unknown (null); cnnc needs a fixed "
                                     "input shape");
    int64_t size;
    if (llvm::Error err = config.toSize(dim, what, size))
      return err;
    input.shape.push_back(size);
  }
  return llvm::Error::success();
}

llvm::Error cnnc::readFunctionalConfig(const JsonNode &config, ModelSpec &model,
                                       const KerasFileInfo &info) {
  model.isGraph = true;
  JsonNode layers = config.get("layers");
  const llvm::json::Array *list = layers.getArray();
  if (!list)
    return layers.exists() ? layers.error("expected a list of layers, found " +
                                          layers.describe())
                           : config.error("missing 'layers'");
  std::vector<ModelInput> inputLayers;
  std::vector<NestedCall> calls;
  llvm::StringSet<> names;
  for (size_t i = 0; i < list->size(); ++i) {
    JsonNode entry = layers.at(i);
    if (!entry.getObject())
      return entry.error("expected a layer object, found " + entry.describe());
    JsonNode classNode = entry.get("class_name");
    std::optional<llvm::StringRef> classNameOrNone = classNode.getString();
    if (!classNameOrNone)
      return classNode.exists()
                 ? classNode.error("expected a string for 'class_name', "
                                   "found " +
                                   classNode.describe())
                 : entry.error("missing 'class_name'");
    llvm::StringRef className = bareClassName(*classNameOrNone);
    JsonNode layerConfig = entry.get("config");
    if (!layerConfig.getObject())
      return layerConfig.exists()
                 ? layerConfig.error("expected an object for 'config', "
                                     "found " +
                                     layerConfig.describe())
                 : entry.error("missing 'config'");
    JsonNode nameNode = entry.get("name");
    if (!nameNode.exists())
      nameNode = layerConfig.get("name");
    std::optional<llvm::StringRef> name = nameNode.getString();
    if (!name)
      return nameNode.exists()
                 ? nameNode.error("expected a string for 'name', found " +
                                  nameNode.describe())
                 : entry.error("missing 'name'");
    if (!names.insert(*name).second)
      return nameNode.error("duplicate layer name " + nameNode.describe());
    ConfigReader reader(layerConfig,
                        className.str() + " '" + name->str() + "'");

    if (className == "InputLayer") {
      if (llvm::Error err = checkCommonLayerFields(reader))
        return err;
      for (llvm::StringRef key : {"sparse", "ragged"}) {
        bool flag = false;
        if (llvm::Error err = reader.readBool(key, flag))
          return err;
        if (flag)
          return reader.fail(reader.field(key),
                             "'" + key + "' inputs are not supported");
      }
      ModelInput input;
      input.name = name->str();
      input.loc = classNode.loc();
      if (llvm::Error err = readInputShape(reader, input))
        return err;
      inputLayers.push_back(std::move(input));
      continue;
    }
    if (isModelClass(className)) {
      if (llvm::Error err = readNestedCall(entry, reader, *name,
                                           model.layers.size(), info, calls))
        return err;
      continue;
    }
    std::optional<LayerKind> kind = layerKindForClassName(className);
    if (!kind)
      return classNode.error("unsupported layer class " + classNode.describe());
    Layer layer;
    layer.kind = *kind;
    layer.name = name->str();
    layer.loc = classNode.loc();
    if (llvm::Error err = readLayerConfig(reader, layer, info))
      return err;
    if (llvm::Error err = readInboundNodes(entry, layer, model.layers))
      return err;
  }

  // The model's inputs, in its input order.
  std::vector<TensorRef> inputRefs;
  if (llvm::Error err = readEnds(config, "input_layers", inputRefs,
                                 /*dictByKey=*/true))
    return err;
  for (const TensorRef &ref : inputRefs) {
    auto it = std::find_if(
        inputLayers.begin(), inputLayers.end(),
        [&](const ModelInput &input) { return input.name == ref.layer; });
    if (it == inputLayers.end())
      return makeError(ref.loc, "model input '", ref.layer,
                       "' is no InputLayer of the model");
    if (ref.node != 0 || ref.tensor != 0)
      return makeError(ref.loc, "model input '", ref.layer,
                       "' must be its InputLayer's tensor [\"", ref.layer,
                       "\", 0, 0]");
    for (const ModelInput &input : model.inputs)
      if (input.name == ref.layer)
        return makeError(ref.loc, "model input '", ref.layer,
                         "' is listed twice");
    model.inputs.push_back(*it);
  }
  if (llvm::Error err = readEnds(config, "output_layers", model.outputs))
    return err;
  model.inputShape = model.inputs.front().shape;
  model.inputLoc = model.inputs.front().loc;
  return inlineNestedModels(model, calls, info.isKeras3);
}
