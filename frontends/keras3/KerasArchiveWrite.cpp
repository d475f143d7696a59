//===- KerasArchiveWrite.cpp - A model as a Keras 3 `.keras` file ---------===//
//
// The archive Keras 3.1 writes (field names as in the real files of
// ../shared/realworld2, e.g. k3-keras311-seq-mnist): metadata.json, then
// config.json, then model.weights.h5, all stored. config.json is tf.keras
// 2's to_json() (KerasJsonWriter) rewritten in Keras 3's form: every object
// wrapped with `module` and `registered_name`, InputLayer's `batch_shape`,
// LeakyReLU's `negative_slope`, a Sequential's `build_input_shape` and
// `build_config`, compile()'s settings as `compile_config`.
//
//===----------------------------------------------------------------------===//

#include "frontends/common/LocatedError.h"
#include "frontends/keras-h5/Keras3H5.h"
#include "frontends/keras-json/KerasJson.h"
#include "frontends/keras3/KerasArchive.h"
#include "frontends/keras3/ZipArchive.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/JSON.h"

#include <ctime>
#include <functional>

using namespace cnnc;
using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;

/// The Keras version whose format the archive follows (string dtypes,
/// no `name` attributes on `vars`: Keras 3.1). Keras reads it to warn about
/// files from newer versions; cnnc, to define hard_sigmoid as Keras 3 does.
static constexpr const char *kKerasVersion = "3.1.1";

/// `{class_name, config}` as Keras 3 serializes an object of `module`.
static Value wrap(Object object, llvm::StringRef module) {
  object["module"] = module.str();
  object["registered_name"] = nullptr;
  return Value(std::move(object));
}

/// Wraps the initializers among a layer config's values.
static void wrapInitializers(Object &config) {
  for (auto &[key, value] : config) {
    Object *object = value.getAsObject();
    if (object && object->get("class_name") && object->get("config"))
      value = wrap(std::move(*object), "keras.initializers");
  }
}

static Value keras3Layer(Object &entry) {
  std::string className = entry.getString("class_name").value_or("").str();
  Object config = std::move(*entry.getObject("config"));
  if (className == "InputLayer") {
    Object input{{"batch_shape", std::move(*config.get("batch_input_shape"))},
                 {"dtype", "float32"},
                 {"sparse", false},
                 {"name", std::move(*config.get("name"))}};
    return wrap(Object{{"class_name", className}, {"config", std::move(input)}},
                "keras.layers");
  }
  if (className == "LeakyReLU") {
    // Keras 3 renamed LeakyReLU's alpha.
    Value alpha = std::move(*config.get("alpha"));
    config.erase("alpha");
    config["negative_slope"] = std::move(alpha);
  }
  wrapInitializers(config);
  return wrap(Object{{"class_name", className}, {"config", std::move(config)}},
              "keras.layers");
}

/// compile()'s settings in Keras 3's `compile_config` form.
static llvm::Expected<std::optional<Value>>
compileConfig(const TrainingSpec &training) {
  std::optional<std::string> text =
      writeKerasTrainingConfig(training, KerasTarget::Keras);
  if (!text)
    return std::nullopt;
  llvm::Expected<Value> parsed = llvm::json::parse(*text);
  if (!parsed)
    return parsed.takeError();
  Object &legacy = *parsed->getAsObject();
  Object config;
  if (Object *optimizer = legacy.getObject("optimizer_config")) {
    Object *settings = optimizer->getObject("config");
    if (settings) // Keras 3 names an optimizer by its snake-cased class.
      (*settings)["name"] =
          kerasSnakeCase(optimizer->getString("class_name").value_or("").str());
    config["optimizer"] = wrap(std::move(*optimizer), "keras.optimizers");
  } else {
    config["optimizer"] = nullptr;
  }
  Value *loss = legacy.get("loss");
  if (loss && loss->getAsObject())
    config["loss"] = wrap(std::move(*loss->getAsObject()), "keras.losses");
  else
    config["loss"] = loss ? std::move(*loss) : Value(nullptr);
  config["loss_weights"] = nullptr;
  Value *metrics = legacy.get("metrics");
  config["metrics"] = metrics ? std::move(*metrics) : Value(nullptr);
  config["weighted_metrics"] = nullptr;
  config["run_eagerly"] = false;
  config["steps_per_execution"] = 1;
  config["jit_compile"] = false;
  return std::optional<Value>(Value(std::move(config)));
}

/// A graph model's layers and InputLayers in Keras 3's `model.layers` order
/// (keras/src/ops/function.py::map_graph), which numbers the weights'
/// groups when Keras loads the archive: by depth from the outputs, deepest
/// first; among equals in the order a depth-first walk from the outputs
/// (in output order) first meets them. Each entry is a Keras name.
static std::vector<std::string> kerasLayerOrder(const ModelSpec &model) {
  llvm::StringMap<const Layer *> layers;
  for (const Layer &layer : model.layers)
    layers[layer.name] = &layer;
  llvm::StringSet<> inputs;
  for (const ModelInput &input : model.inputs)
    inputs.insert(input.name);
  // Pre-order indices and the post-order (inputs towards outputs).
  llvm::StringMap<int> indices;
  std::vector<std::string> postOrder;
  llvm::StringSet<> finished;
  // The graph was checked (scheduleGraph: acyclic, every input needed)
  // before this is asked.
  std::function<void(const std::string &)> visit = [&](const std::string &n) {
    if (finished.count(n))
      return;
    indices.try_emplace(n, static_cast<int>(indices.size()));
    if (!inputs.count(n))
      if (const Layer *layer = layers.lookup(n))
        for (const TensorRef &ref : layer->inbound)
          visit(ref.layer);
    finished.insert(n);
    postOrder.push_back(n);
  };
  for (const TensorRef &output : model.outputs)
    visit(output.layer);
  llvm::StringMap<int> depths;
  for (auto it = postOrder.rbegin(); it != postOrder.rend(); ++it) {
    int depth = depths.lookup(*it);
    if (inputs.count(*it))
      continue;
    if (const Layer *layer = layers.lookup(*it))
      for (const TensorRef &ref : layer->inbound)
        depths[ref.layer] = std::max(depths.lookup(ref.layer), depth + 1);
  }
  // Every input is reached: scheduleGraph refuses an input no output
  // needs. Pre-order indices are unique, so the order is total.
  std::vector<std::string> order = postOrder;
  std::sort(order.begin(), order.end(),
            [&](const std::string &a, const std::string &b) {
              int da = depths.lookup(a), db = depths.lookup(b);
              if (da != db)
                return da > db;
              return indices.lookup(a) < indices.lookup(b);
            });
  return order;
}

/// `model` in Keras 3's terms, for its config and its weight groups alike;
/// what Keras 3 cannot express is a located error.
static llvm::Expected<ModelSpec> keras3Model(const ModelSpec &model) {
  ModelSpec renamed = model;
  for (Layer &layer : renamed.layers) {
    // Keras 3 numbers a layer's weight group by its place in
    // model.layers, which for a shared layer depends on all its calls'
    // depths; that order is not written for them yet.
    if (layer.call != 0)
      return makeError(layer.loc, "cannot export layer '", layer.name,
                       "' to .keras: it is called more than once (a shared "
                       "layer), which --format keras does not write yet "
                       "(--format h5 and tfjs do)");
    // hard_sigmoid is Keras 3's function in a Keras 3 file; Keras 2's has
    // no name there. The JSON writer knows Keras 2's names only.
    if (layer.activation == Activation::HardSigmoid)
      return makeError(layer.loc, kerasClassName(layer.kind), " '", layer.name,
                       "' uses Keras 2's hard_sigmoid, which Keras 3 "
                       "defines differently");
    if (layer.activation == Activation::HardSigmoidKeras3)
      layer.activation = Activation::HardSigmoid;
    // Keras 3 dropped ThresholdedReLU; its ReLU(threshold=theta) computes
    // x * (x > theta), the same function (and ReLU is what cnnc reads it
    // as anyway). The name keeps the weight-free layer's place.
    if (layer.kind == LayerKind::ThresholdedReLU)
      layer.kind = LayerKind::ReLU;
  }
  return renamed;
}

static llvm::Expected<std::string> keras3Config(const ModelSpec &renamed) {
  const ModelSpec &model = renamed;
  llvm::Expected<std::string> legacyText =
      writeKerasModelConfig(renamed, KerasTarget::Keras);
  if (!legacyText)
    return legacyText.takeError();
  llvm::Expected<Value> legacy = llvm::json::parse(*legacyText);
  if (!legacy)
    return legacy.takeError();
  Array layers;
  Object &legacyConfig = *legacy->getAsObject()->getObject("config");
  if (model.isGraph) {
    // A Functional model: its layers in Keras's order, each with its name
    // and its call. Keras 3 reads the legacy `inbound_nodes` form
    // (functional.py::deserialize_node), whose tensors need no shapes.
    llvm::StringMap<Object *> byName;
    for (Value &entry : *legacyConfig.getArray("layers"))
      byName[entry.getAsObject()->getString("name").value_or("")] =
          entry.getAsObject();
    for (const std::string &name : kerasLayerOrder(model)) {
      Object &entry = *byName.lookup(name);
      Value inbound = std::move(*entry.get("inbound_nodes"));
      Value layer = keras3Layer(entry);
      (*layer.getAsObject())["name"] = name;
      (*layer.getAsObject())["inbound_nodes"] = std::move(inbound);
      layers.push_back(std::move(layer));
    }
    Object root{
        {"module", "keras.src.models.functional"},
        {"class_name", "Functional"},
        {"config",
         Object{
             {"name", model.name},
             {"trainable", true},
             {"layers", std::move(layers)},
             {"input_layers", std::move(*legacyConfig.get("input_layers"))},
             {"output_layers", std::move(*legacyConfig.get("output_layers"))}}},
        {"registered_name", "Functional"},
        {"build_config", Object{{"input_shape", nullptr}}}};
    llvm::Expected<std::optional<Value>> compile =
        compileConfig(model.training);
    if (!compile)
      return compile.takeError();
    if (*compile)
      root["compile_config"] = std::move(**compile);
    std::string text;
    llvm::raw_string_ostream(text) << Value(std::move(root));
    return text;
  }
  for (Value &entry : *legacyConfig.getArray("layers"))
    layers.push_back(keras3Layer(*entry.getAsObject()));

  Array batchShape{nullptr};
  for (int64_t d : model.inputShape)
    batchShape.push_back(d);
  Object root{
      {"module", "keras"},
      {"class_name", "Sequential"},
      {"config", Object{{"name", model.name},
                        {"trainable", true},
                        {"dtype", "float32"},
                        {"layers", std::move(layers)},
                        {"build_input_shape", Value(Array(batchShape))}}},
      {"registered_name", nullptr},
      {"build_config", Object{{"input_shape", Value(Array(batchShape))}}}};
  llvm::Expected<std::optional<Value>> compile = compileConfig(model.training);
  if (!compile)
    return compile.takeError();
  if (*compile)
    root["compile_config"] = std::move(**compile);
  std::string text;
  llvm::raw_string_ostream(text) << Value(std::move(root));
  return text;
}

/// metadata.json: the version, and the time as Keras writes it.
static std::string metadataJson() {
  char date[32] = "";
  time_t now = time(nullptr);
  struct tm utc;
  if (gmtime_r(&now, &utc))
    strftime(date, sizeof date, "%Y-%m-%d@%H:%M:%S", &utc);
  std::string text;
  llvm::raw_string_ostream(text)
      << Value(Object{{"keras_version", kKerasVersion}, {"date_saved", date}});
  return text;
}

llvm::Expected<std::string>
cnnc::writeKerasArchive(const ModelSpec &source,
                        llvm::ArrayRef<LayerWeights> layers) {
  llvm::Expected<ModelSpec> keras3 = keras3Model(source);
  if (!keras3)
    return keras3.takeError();
  const ModelSpec &model = *keras3;
  llvm::Expected<std::string> config = keras3Config(model);
  if (!config)
    return config.takeError();
  llvm::StringMap<const LayerWeights *> byName;
  for (const LayerWeights &layer : layers)
    byName[layer.layer] = &layer;
  std::vector<KerasLayerRef> refs;
  if (model.isGraph) {
    // Keras's model.layers, InputLayers included (an empty group each).
    llvm::StringMap<const Layer *> byName;
    for (const Layer &layer : model.layers)
      byName[layer.name] = &layer;
    for (const std::string &name : kerasLayerOrder(model)) {
      const Layer *layer = byName.lookup(name);
      refs.push_back(
          {name, layer ? kerasClassName(layer->kind) : "InputLayer"});
    }
  } else {
    refs = modelSpecLayers(model);
  }
  std::vector<std::string> keys = keras3GroupKeys(refs);
  std::vector<Keras3VarGroup> groups;
  for (size_t i = 0; i < refs.size(); ++i) {
    Keras3VarGroup group;
    group.path = "layers/" + keys[i];
    if (const LayerWeights *weights = byName.lookup(refs[i].name))
      group.vars = weights->weights;
    groups.push_back(std::move(group));
  }
  llvm::Expected<std::string> weights = writeKeras3H5Image(groups);
  if (!weights)
    return weights.takeError();
  return writeZip({{"metadata.json", metadataJson()},
                   {"config.json", std::move(*config)},
                   {"model.weights.h5", std::move(*weights)}});
}
