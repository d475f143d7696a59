//===- KerasJson.cpp - Keras / TF.js JSON model files to ModelSpec --------===//
//
// This file implements the JSON frontend's entry points: it checks that the
// text is JSON at all (with the position of the first syntax error), finds
// the Sequential model in whichever wrapper its writer used, reads the input
// shape from wherever that writer put it, and hands each layer to the layer
// readers.
//
// The wrappers (docs/keras-semantics.md §5):
//   Keras 2 to_json     {"class_name": "Sequential", "config": {...},
//                        "keras_version": "2.12.0", ...}
//   Keras 2.13+, 3      the same, objects wrapped with "module" and
//                        "registered_name", plus "build_config" and (3)
//                        "compile_config"
//   TF.js toJSON        as Keras 2, "keras_version": "tfjs-layers 4.22.0"
//   TF.js model.json    {"format": "layers-model", "modelTopology": <toJSON>
//                        or {"model_config": <toJSON>, "training_config"},
//                        "weightsManifest": [...], "trainingConfig"?}
//
//===----------------------------------------------------------------------===//

#include "frontends/keras-json/KerasJson.h"

#include "frontends/common/LocatedError.h"
#include "frontends/keras-json/JsonLocator.h"
#include "frontends/keras-json/JsonNode.h"
#include "frontends/keras-json/KerasReaders.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/JSON.h"

using namespace cnnc;

// Limits that keep a hostile file from taking more than a second or a few
// hundred megabytes: a model description is kilobytes, with a handful of
// objects per layer.

/// Bytes in a model file.
static constexpr size_t kMaxFileSize = 16 << 20;

/// llvm::json::parse recurses once per nesting level and has no limit of its
/// own (a few hundred thousand `[` overflow the stack); Keras files nest
/// about ten deep.
static constexpr unsigned kMaxNesting = 100;

/// llvm::json gives each object a hash table: a file of small objects
/// (`{"a":0},` ...) takes about 6 KB an object, 300 MB at this limit. A layer
/// is up to ten objects (Keras 3 wraps each initializer and dtype).
static constexpr size_t kMaxObjects = 50000;

//===----------------------------------------------------------------------===//
// Syntax
//===----------------------------------------------------------------------===//

static llvm::Error errorAt(llvm::StringRef text, llvm::StringRef fileName,
                           size_t offset, const llvm::Twine &message) {
  auto [line, column] = lineColumnIn(text, offset);
  return llvm::make_error<LocatedError>(SourceLoc{fileName.str(), line, column},
                                        message.str());
}

/// Turns llvm::json's "[line:col, byte=N]: Message" into a located error.
/// The offset is used, not the column: after most errors the parser has
/// consumed the offending byte, after a few (end of input, bad UTF-8, text
/// after the document) it stands on it.
static llvm::Error convertParseError(llvm::Error err, llvm::StringRef text,
                                     llvm::StringRef fileName) {
  std::string logged = llvm::toString(std::move(err));
  llvm::StringRef rest(logged);
  size_t offset = 0;
  llvm::StringRef message = rest;
  size_t bytePos = rest.find("byte=");
  size_t endPos = rest.find("]: ");
  if (rest.starts_with("[") && bytePos != llvm::StringRef::npos &&
      endPos != llvm::StringRef::npos && bytePos < endPos) {
    if (rest.slice(bytePos + 5, endPos).getAsInteger(10, offset))
      offset = 0;
    message = rest.drop_front(endPos + 3);
  }
  bool standsOnIt = message == "Unexpected EOF" ||
                    message == "Unterminated string" ||
                    message == "Invalid UTF-8 sequence" ||
                    message == "Text after end of document";
  if (!standsOnIt && offset > 0 && offset < text.size())
    --offset;
  std::string lowered = message.str();
  if (!lowered.empty())
    lowered[0] = llvm::toLower(lowered[0]);
  return errorAt(text, fileName, offset, "invalid JSON: " + lowered);
}

llvm::Expected<llvm::json::Value>
cnnc::parseKerasJsonText(llvm::StringRef text, llvm::StringRef fileName) {
  if (text.size() > kMaxFileSize)
    return errorAt(text, fileName, 0,
                   "the file is too large for a model description (" +
                       llvm::Twine(text.size()) + " bytes; the limit is " +
                       llvm::Twine(kMaxFileSize) + ")");
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first == llvm::StringRef::npos)
    return errorAt(text, fileName, 0, "not a JSON file: the file is empty");
  char c = text[first];
  if (text.substr(first).starts_with("\x89HDF"))
    return errorAt(text, fileName, first,
                   "not a JSON file: it is an HDF5 file");
  // A document that starts like no JSON value at all is some other kind of
  // file (Python, a checkpoint): say so, rather than what llvm::json makes
  // of `from keras import ...` ("invalid JSON value (false?)").
  llvm::StringRef start = text.substr(first);
  bool startsLikeJson = llvm::StringRef("{[\"-0123456789").contains(c) ||
                        start.starts_with("true") ||
                        start.starts_with("false") || start.starts_with("null");
  if (!startsLikeJson) {
    std::string found;
    if (llvm::isPrint(c)) {
      found = "'" + std::string(1, c) + "'";
    } else {
      unsigned byte = static_cast<unsigned char>(c);
      found = "byte 0x";
      found += llvm::hexdigit(byte >> 4, /*LowerCase=*/true);
      found += llvm::hexdigit(byte & 15, /*LowerCase=*/true);
    }
    return errorAt(text, fileName, first,
                   "not a JSON file: expected '{', found " + found);
  }
  if (std::optional<JsonLocator::Excess> excess =
          JsonLocator::findExcess(text, kMaxNesting, kMaxObjects)) {
    if (excess->kind == JsonLocator::Excess::Depth)
      return errorAt(text, fileName, excess->offset,
                     "JSON nested more than " + llvm::Twine(kMaxNesting) +
                         " levels deep");
    return errorAt(text, fileName, excess->offset,
                   "more than " + llvm::Twine(kMaxObjects) +
                       " JSON objects, too many for a model description");
  }
  llvm::Expected<llvm::json::Value> root = llvm::json::parse(text);
  if (!root)
    return convertParseError(root.takeError(), text, fileName);
  return root;
}

//===----------------------------------------------------------------------===//
// ModelReader
//===----------------------------------------------------------------------===//

namespace {
/// Reads one parsed document into a ModelSpec.
class ModelReader {
public:
  explicit ModelReader(std::optional<std::string> fallbackVersion)
      : fallbackVersion(std::move(fallbackVersion)) {}
  llvm::Expected<ModelSpec> read(const JsonNode &root);
  /// A model used as a layer of a file whose writer `info` tells.
  llvm::Expected<ModelSpec> readNested(const JsonNode &entry,
                                       const KerasFileInfo &outerInfo);

private:
  /// Finds the Sequential's object and the compile() configuration among
  /// the wrappers, and whether TF.js wrote the file.
  llvm::Error unwrap(const JsonNode &root);
  /// What the writer's `keras_version` tells (TF.js, Keras 3).
  void setWriter(std::optional<llvm::StringRef> version) {
    if (!version && fallbackVersion)
      version = *fallbackVersion;
    info.isTfjs = version.value_or("").starts_with("tfjs");
    info.isKeras3 = version.value_or("").starts_with("3.");
  }
  llvm::Error readModel();
  llvm::Error readLayers(const JsonNode &layers);
  llvm::Error readInputLayer(const JsonNode &entry, const ConfigReader &config);
  /// Takes `shape` as the model's input shape unless one is already known
  /// (then they must agree). `hasBatch`: a leading batch dimension.
  llvm::Error offerInputShape(const ConfigReader &owner, const JsonNode &shape,
                              bool hasBatch);

  std::optional<std::string> fallbackVersion;
  ModelSpec model;
  KerasFileInfo info;
  std::optional<JsonNode> modelNode;
  std::optional<JsonNode> topLevelBuildConfig;
  std::vector<JsonNode> trainingCandidates;
  /// A Sequential's nested models, inlined once all layers are read.
  std::vector<NestedCall> nestedCalls;
  /// Reading a model used as a layer.
  bool nested = false;
};
} // namespace

/// A writer's version string, from the first of `nodes` that has one.
static std::optional<llvm::StringRef>
kerasVersion(std::initializer_list<const JsonNode *> nodes) {
  for (const JsonNode *node : nodes)
    if (node)
      if (std::optional<llvm::StringRef> s =
              node->get("keras_version").getString())
        return s;
  return std::nullopt;
}

llvm::Error ModelReader::unwrap(const JsonNode &root) {
  if (!root.getObject()) {
    if (root.getString())
      return root.error("the file holds a JSON string, not a model object "
                        "(was the output of to_json() saved with "
                        "json.dump()?)");
    return root.error("expected a JSON object holding a Keras model, found " +
                      root.describe());
  }

  if (root.get("modelTopology").exists()) {
    JsonNode format = root.get("format");
    if (format.exists()) {
      std::optional<llvm::StringRef> s = format.getString();
      if (!s)
        return format.error("expected a string for 'format', found " +
                            format.describe());
      if (*s != "layers-model")
        return format.error("unsupported TF.js format " + format.describe() +
                            " (cnnc reads layers models, not graph models)");
    }
    JsonNode topology = root.get("modelTopology");
    if (!topology.getObject())
      return topology.error("expected an object for 'modelTopology', found " +
                            topology.describe());
    JsonNode inner = topology.get("model_config");
    // The converter's form wraps the model; TF.js's own save does not.
    JsonNode model = inner.exists() ? inner : topology;
    if (!model.getObject())
      return model.error("expected an object for 'model_config', found " +
                         model.describe());
    modelNode = model;
    setWriter(kerasVersion({&model, &topology, &root}));
    trainingCandidates = {topology.get("training_config"),
                          root.get("trainingConfig")};
    return llvm::Error::success();
  }

  if (root.get("class_name").exists()) {
    modelNode = root;
    topLevelBuildConfig = root.get("build_config");
    setWriter(kerasVersion({&root}));
    trainingCandidates = {root.get("compile_config"),
                          root.get("training_config")};
    return llvm::Error::success();
  }

  // The pair a legacy .h5 keeps as root attributes, written out as JSON.
  if (root.get("model_config").exists()) {
    JsonNode model = root.get("model_config");
    if (!model.getObject())
      return model.error("expected an object for 'model_config', found " +
                         model.describe());
    modelNode = model;
    setWriter(kerasVersion({&model, &root}));
    trainingCandidates = {root.get("training_config")};
    return llvm::Error::success();
  }

  return root.error("not a Keras model: expected 'class_name' (Keras "
                    "to_json) or 'modelTopology' (TF.js model.json)");
}

llvm::Error ModelReader::readModel() {
  const JsonNode &node = *modelNode;
  JsonNode className = node.get("class_name");
  if (!className.exists())
    return node.error("missing 'class_name'");
  std::optional<llvm::StringRef> name = className.getString();
  if (!name)
    return className.error("expected a string for 'class_name', found " +
                           className.describe());
  llvm::StringRef modelClass = bareClassName(*name);
  JsonNode config = node.get("config");
  // Keras 2.0-2.3 wrote graphs as "Model", tf.keras 2.4+ and Keras 3 as
  // "Functional".
  if (modelClass == "Functional" || modelClass == "Model") {
    if (!config.getObject())
      return config.exists() ? config.error("expected an object for "
                                            "'config', found " +
                                            config.describe())
                             : node.error("missing 'config'");
    ConfigReader configReader(config, "");
    if (llvm::Error err = configReader.readString("name", model.name))
      return err;
    return readFunctionalConfig(config, model, info);
  }
  if (modelClass != "Sequential")
    return className.error("unsupported model class " + className.describe() +
                           " (cnnc reads Sequential and Functional models)");

  JsonNode layers = config;
  // Keras before 2.2.3 and early TF.js write the layer list as the config.
  if (config.getObject()) {
    ConfigReader configReader(config, "");
    if (llvm::Error err = configReader.readString("name", model.name))
      return err;
    // A nested model's `trainable` is its caller's to apply (to all its
    // layers).
    bool trainable = true;
    if (llvm::Error err =
            checkCommonLayerFields(configReader, nested ? &trainable : nullptr))
      return err;
    layers = config.get("layers");
    if (!layers.exists())
      return config.error("missing 'layers'");
  } else if (!config.exists()) {
    return node.error("missing 'config'");
  }
  if (!layers.getArray())
    return layers.error("expected a list of layers, found " +
                        layers.describe());
  if (llvm::Error err = readLayers(layers))
    return err;
  if (model.layers.empty() && nestedCalls.empty())
    return layers.error("the model has no layers");

  // Where Keras records the input shape when no InputLayer and no first
  // layer (batch_input_shape, build_config) gave it: the model's build
  // (Keras 2 and 3 `build_input_shape`, Keras 3's own `build_config`).
  if (model.inputShape.empty() && config.getObject()) {
    JsonNode shape = config.get("build_input_shape");
    if (!shape.isNullOrMissing())
      if (llvm::Error err =
              offerInputShape(ConfigReader(config, ""), shape, true))
        return err;
  }
  if (model.inputShape.empty() && topLevelBuildConfig) {
    JsonNode shape = topLevelBuildConfig->get("input_shape");
    if (!shape.isNullOrMissing())
      if (llvm::Error err = offerInputShape(
              ConfigReader(*topLevelBuildConfig, ""), shape, true))
        return err;
  }
  return inlineNestedModels(model, nestedCalls, info.isKeras3);
}

llvm::Error ModelReader::offerInputShape(const ConfigReader &owner,
                                         const JsonNode &shape, bool hasBatch) {
  const llvm::json::Array *array = shape.getArray();
  if (!array)
    return owner.fail(shape, "expected a list of dimensions for the input "
                             "shape, found " +
                                 shape.describe());
  size_t first = hasBatch ? 1 : 0;
  if (array->size() <= first)
    return owner.fail(shape, "the input shape has no dimensions besides the "
                             "batch");
  if (hasBatch && !shape.at(0).isNullOrMissing()) {
    int64_t batch;
    if (llvm::Error err = owner.toSize(shape.at(0), "the batch size", batch))
      return err;
  }
  std::vector<int64_t> dims;
  for (size_t i = first; i < array->size(); ++i) {
    JsonNode dim = shape.at(i);
    std::string what = "input dimension " + std::to_string(i - first + 1);
    if (dim.isNullOrMissing())
      return owner.fail(dim, what + " is unknown (null); cnnc needs a fixed "
                                    "input shape");
    int64_t size;
    if (llvm::Error err = owner.toSize(dim, what, size))
      return err;
    dims.push_back(size);
  }
  if (model.inputShape.empty()) {
    model.inputShape = std::move(dims);
    model.inputLoc = shape.loc();
    return llvm::Error::success();
  }
  if (dims != model.inputShape)
    return owner.fail(shape, "this input shape disagrees with the one given "
                             "earlier");
  return llvm::Error::success();
}

llvm::Error ModelReader::readInputLayer(const JsonNode &entry,
                                        const ConfigReader &config) {
  if (!model.layers.empty())
    return entry.get("class_name")
        .error("an InputLayer must come before every other layer");
  if (!model.inputShape.empty())
    return entry.get("class_name").error("the model has two InputLayers");
  if (llvm::Error err = checkCommonLayerFields(config))
    return err;
  for (llvm::StringRef key : {"sparse", "ragged"}) {
    bool flag = false;
    if (llvm::Error err = config.readBool(key, flag))
      return err;
    if (flag)
      return config.fail(config.field(key),
                         "'" + key + "' inputs are not supported");
  }
  // Keras 2 and TF.js: batch_input_shape; Keras 3: batch_shape; some
  // hand-written files: input_shape, without the batch.
  for (llvm::StringRef key : {"batch_input_shape", "batch_shape"})
    if (!config.field(key).isNullOrMissing())
      return offerInputShape(config, config.field(key), true);
  if (!config.field("input_shape").isNullOrMissing())
    return offerInputShape(config, config.field("input_shape"), false);
  return config.fail(config.node(), "missing 'batch_input_shape'");
}

llvm::Error ModelReader::readLayers(const JsonNode &layers) {
  llvm::StringSet<> names;
  size_t count = layers.getArray()->size();
  for (size_t i = 0; i < count; ++i) {
    JsonNode entry = layers.at(i);
    if (!entry.getObject())
      return entry.error("expected a layer object, found " + entry.describe());
    JsonNode classNode = entry.get("class_name");
    if (!classNode.exists())
      return entry.error("missing 'class_name'");
    std::optional<llvm::StringRef> classNameOrNone = classNode.getString();
    if (!classNameOrNone)
      return classNode.error("expected a string for 'class_name', found " +
                             classNode.describe());
    llvm::StringRef className = bareClassName(*classNameOrNone);

    JsonNode config = entry.get("config");
    if (config.exists() && !config.getObject())
      return config.error("expected an object for 'config', found " +
                          config.describe());
    std::string name;
    JsonNode nameNode = config.get("name");
    if (!nameNode.exists())
      nameNode = entry.get("name");
    if (nameNode.exists()) {
      std::optional<llvm::StringRef> s = nameNode.getString();
      if (!s)
        return nameNode.error("expected a string for 'name', found " +
                              nameNode.describe());
      name = s->str();
    }
    std::string owner = className.str();
    if (!name.empty())
      owner += " '" + name + "'";
    ConfigReader reader(config, owner);

    if (className == "InputLayer") {
      if (llvm::Error err = readInputLayer(entry, reader))
        return err;
      continue;
    }

    if (isModelClass(className)) {
      if (!name.empty() && !names.insert(name).second)
        return nameNode.error("duplicate layer name " + nameNode.describe());
      NestedCall call;
      call.position = model.layers.size();
      call.className = className.str();
      call.loc = classNode.loc();
      if (llvm::Error err = reader.readBool("trainable", call.trainable))
        return err;
      llvm::Expected<ModelSpec> nested = readNestedModel(entry, info);
      if (!nested)
        return nested.takeError();
      call.model = std::move(*nested);
      nestedCalls.push_back(std::move(call));
      continue;
    }
    if (className == "Lambda")
      return classNode.error("Lambda layers run arbitrary Python code, which "
                             "cnnc cannot compile; rewrite the layer with "
                             "Keras's built-in layers");
    std::optional<LayerKind> kind = layerKindForClassName(className);
    if (!kind)
      return classNode.error("unsupported layer class " + classNode.describe());
    if (!name.empty() && !names.insert(name).second)
      return nameNode.error("duplicate layer name " + nameNode.describe());

    Layer layer;
    layer.kind = *kind;
    layer.name = name;
    layer.loc = classNode.loc();
    if (llvm::Error err = readLayerConfig(reader, layer, info))
      return err;

    // The first layer may carry the input shape itself (TF.js; tf.keras
    // repeats the InputLayer's), or record it in its build_config (2.13+).
    if (model.layers.empty()) {
      if (!reader.field("batch_input_shape").isNullOrMissing())
        if (llvm::Error err = offerInputShape(
                reader, reader.field("batch_input_shape"), true))
          return err;
      JsonNode built = entry.get("build_config").get("input_shape");
      if (model.inputShape.empty() && !built.isNullOrMissing())
        if (llvm::Error err = offerInputShape(reader, built, true))
          return err;
    }
    model.layers.push_back(std::move(layer));
  }
  return llvm::Error::success();
}

llvm::Expected<ModelSpec>
ModelReader::readNested(const JsonNode &entry, const KerasFileInfo &outerInfo) {
  model.loc = entry.get("class_name").loc();
  modelNode = entry;
  topLevelBuildConfig = entry.get("build_config");
  info = outerInfo;
  nested = true;
  if (llvm::Error err = readModel())
    return err;
  if (model.inputShape.empty())
    model.inputLoc = model.loc;
  bool unnamed = false;
  for (const Layer &layer : model.layers)
    unnamed |= layer.name.empty();
  if (unnamed)
    assignKerasNames(model);
  return std::move(model);
}

llvm::Expected<ModelSpec> cnnc::readNestedModel(const JsonNode &entry,
                                                const KerasFileInfo &info) {
  return ModelReader(std::nullopt).readNested(entry, info);
}

llvm::Expected<ModelSpec> ModelReader::read(const JsonNode &root) {
  model.loc = root.loc();
  if (llvm::Error err = unwrap(root))
    return err;
  if (llvm::Error err = readModel())
    return err;
  if (model.inputShape.empty())
    model.inputLoc = model.loc;

  for (const JsonNode &candidate : trainingCandidates) {
    if (candidate.isNullOrMissing())
      continue;
    if (llvm::Error err = readTrainingConfig(candidate, model.training, info))
      return err;
    break;
  }

  bool unnamed = false;
  for (const Layer &layer : model.layers)
    unnamed |= layer.name.empty();
  if (unnamed)
    assignKerasNames(model);
  return std::move(model);
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

llvm::StringRef cnnc::dropByteOrderMark(llvm::StringRef text) {
  return text.starts_with("\xef\xbb\xbf") ? text.drop_front(3) : text;
}

llvm::Expected<ModelSpec>
cnnc::parseKerasJson(llvm::StringRef text, llvm::StringRef fileName,
                     std::optional<std::string> kerasVersion) {
  text = dropByteOrderMark(text);
  llvm::Expected<llvm::json::Value> root = parseKerasJsonText(text, fileName);
  if (!root)
    return root.takeError();
  JsonDocument doc(fileName, text);
  return ModelReader(std::move(kerasVersion))
      .read(JsonNode(doc, &*root, JsonPath()));
}

llvm::Error cnnc::parseKerasTrainingConfig(llvm::StringRef text,
                                           llvm::StringRef fileName,
                                           bool isTfjs,
                                           TrainingSpec &training) {
  text = dropByteOrderMark(text);
  llvm::Expected<llvm::json::Value> root = parseKerasJsonText(text, fileName);
  if (!root)
    return root.takeError();
  JsonDocument doc(fileName, text);
  KerasFileInfo info;
  info.isTfjs = isTfjs;
  TrainingSpec result;
  if (llvm::Error err =
          readTrainingConfig(JsonNode(doc, &*root, JsonPath()), result, info))
    return err;
  training = std::move(result);
  return llvm::Error::success();
}
