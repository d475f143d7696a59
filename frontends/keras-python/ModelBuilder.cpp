//===- ModelBuilder.cpp - The Sequential models a script builds -----------===//

#include "frontends/keras-python/ModelBuilder.h"

#include "frontends/keras-python/Arguments.h"
#include "frontends/keras-python/Attributes.h"
#include "frontends/keras-python/LayerBuilder.h"
#include "frontends/keras-python/TrainingBuilder.h"

#include "frontends/common/LocatedError.h"
#include "frontends/common/NestedModels.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"

#include <set>

using namespace cnnc;
using namespace cnnc::py;
using llvm::Error;
using llvm::Expected;
using llvm::StringRef;

Expected<unsigned> ModelBuilder::create(const KerasCall &call) {
  // Keras 2's signature; Keras 3 adds `trainable`.
  static const StringRef params[] = {"layers", "name"};
  static const StringRef keywords[] = {"trainable"};
  auto bound =
      Arguments::bind(call, Signature{params, keywords}, "Sequential", file);
  if (!bound)
    return bound.takeError();
  const Arguments &args = *bound;

  ModelSpec model;
  model.loc = toSourceLoc(file, call.pos);
  auto name = args.getOptionalString("name");
  if (!name)
    return name.takeError();
  model.name = *name ? **name : autoName("sequential");
  if (Error err = args.requireDefault("trainable", Value::fromBool(true)))
    return std::move(err);

  unsigned id = models.size();
  models.push_back(std::move(model));

  const CallArgValue *layers = args.get("layers");
  if (!layers || layers->value.is(Value::Kind::None))
    return id;
  if (layers->value.hasReason())
    return errorAt(file, layers->value.reasonPos, layers->value.text);
  if (!layers->value.isSequence()) { // Keras wraps a single layer in a list
    if (Error err = add(id, layers->value, layers->pos))
      return std::move(err);
    return id;
  }
  for (const Value &layer : *layers->value.elements)
    if (Error err = add(id, layer, layers->pos))
      return std::move(err);
  return id;
}

Error ModelBuilder::add(unsigned id, const Value &value, Position argPos) {
  ModelSpec &model = models[id];
  if (value.hasReason())
    return errorAt(file, value.reasonPos, value.text);
  if (value.is(Value::Kind::Model))
    return addModel(id, value.modelId, argPos);
  if (!value.is(Value::Kind::Object) ||
      (value.call->symbol.kind != SymbolKind::Layer &&
       value.call->symbol.kind != SymbolKind::Input))
    return errorAt(file, argPos, "expected a layer, not ", describe(value));

  auto entry = buildLayer(*value.call, file);
  if (!entry)
    return entry.takeError();
  if (entry->isInput) {
    if (!model.layers.empty())
      return errorAt(file, value.call->pos,
                     "an input must come before the model's first layer");
    if (!model.inputShape.empty())
      return errorAt(file, value.call->pos, "the model already has an input");
    model.inputShape = *entry->inputShape;
    model.inputLoc = toSourceLoc(file, entry->inputPos);
    return Error::success();
  }
  // Keras reads input_shape= on the first layer only, and only when no
  // Input came before it.
  if (model.layers.empty() && model.inputShape.empty() && entry->inputShape) {
    model.inputShape = *entry->inputShape;
    model.inputLoc = toSourceLoc(file, entry->inputPos);
  }
  if (entry->layer.name.empty())
    entry->layer.name = value.call->autoName;
  builtLayers.push_back({value.call.get(), {id, model.layers.size()}});
  model.layers.push_back(std::move(entry->layer));
  return Error::success();
}

Error ModelBuilder::addModel(unsigned id, unsigned nested, Position argPos) {
  PendingNested entry;
  entry.position = models[id].layers.size();
  entry.model = nested;
  entry.loc = toSourceLoc(file, argPos);
  nestedIn[id].push_back(std::move(entry));
  return Error::success();
}

std::string ModelBuilder::autoName(llvm::StringRef stem) {
  unsigned made = nameCounts[stem]++;
  return made ? (stem + "_" + llvm::Twine(made)).str() : stem.str();
}

void ModelBuilder::nameLayer(KerasCall &layer) {
  for (const CallArgValue &arg : layer.args)
    if (arg.keyword == "name")
      return; // explicit: it does not use up an auto-name
  if (std::optional<LayerKind> kind = layerKindForClassName(layer.symbol.name))
    layer.autoName = autoName(kerasNameStem(*kind));
}

void ModelBuilder::setLayerTrainable(const KerasCall *call, bool trainable) {
  for (const auto &[built, where] : builtLayers)
    if (built == call && where.second < models[where.first].layers.size())
      models[where.first].layers[where.second].trainable = trainable;
}

void ModelBuilder::setModelTrainable(unsigned id, bool trainable) {
  // Keras sets it on every layer below the model, nested models' included.
  std::vector<unsigned> work = {id};
  std::set<unsigned> seen;
  while (!work.empty()) {
    unsigned model = work.back();
    work.pop_back();
    if (!seen.insert(model).second)
      continue;
    for (Layer &layer : models[model].layers)
      layer.trainable = trainable;
    auto nested = nestedIn.find(model);
    if (nested != nestedIn.end())
      for (const PendingNested &entry : nested->second)
        work.push_back(entry.model);
  }
}

Error ModelBuilder::callMethod(unsigned id, StringRef method,
                               const KerasCall &call) {
  ModelSpec &model = models[id];
  if (method == "add") {
    static const StringRef params[] = {"layer"};
    auto bound = Arguments::bind(call, Signature{params, {}, 1}, "add", file);
    if (!bound)
      return bound.takeError();
    const CallArgValue *layer = bound->get("layer");
    return add(id, layer->value, layer->pos);
  }
  if (method == "pop") {
    auto bound = Arguments::bind(call, Signature{}, "pop", file);
    if (!bound)
      return bound.takeError();
    // The last element may be a nested model.
    auto nested = nestedIn.find(id);
    if (nested != nestedIn.end() && !nested->second.empty() &&
        nested->second.back().position == model.layers.size()) {
      nested->second.pop_back();
      return Error::success();
    }
    if (model.layers.empty())
      return errorAt(file, call.pos, "pop() on a model with no layers");
    model.layers.pop_back();
    llvm::erase_if(builtLayers, [&](const auto &built) {
      return built.second.first == id &&
             built.second.second == model.layers.size();
    });
    return Error::success();
  }
  if (method == "build") {
    static const StringRef params[] = {"input_shape"};
    auto bound = Arguments::bind(call, Signature{params}, "build", file);
    if (!bound)
      return bound.takeError();
    auto shape = readShape(*bound, "input_shape", /*withBatch=*/true);
    if (!shape)
      return shape.takeError();
    if (*shape && model.inputShape.empty()) {
      model.inputShape = **shape;
      model.inputLoc = toSourceLoc(file, bound->get("input_shape")->pos);
    }
    return Error::success();
  }
  if (method == "compile")
    return applyCompile(call, model.training, file);
  if (method == "fit")
    return applyFit(call, model.training, file);
  return Error::success();
}

Expected<ModelSpec> ModelBuilder::finish(const ModelHints &hints) {
  if (models.empty()) {
    if (hints.unreachedModel)
      return errorAt(file, hints.unreachedModel->first,
                     hints.unreachedModel->second);
    if (hints.functionalModel)
      return errorAt(
          file, *hints.functionalModel,
          "unsupported model class 'Model': cnnc reads Sequential models");
    if (!hints.functions.empty()) {
      std::string names;
      for (const std::string &name : hints.functions)
        names += (names.empty() ? "" : ", ") + name;
      return errorAt(file, Position{1, 1},
                     "no Sequential model defined; the script defines ", names,
                     ": --entry NAME calls one with its defaults");
    }
    return errorAt(file, Position{1, 1}, "no Sequential model defined");
  }
  // The file's model: the first the script built that is not nested in
  // another (the one around a nested model is built after it).
  std::set<unsigned> nestedModels;
  for (const auto &[outer, entries] : nestedIn)
    for (const PendingNested &entry : entries)
      nestedModels.insert(entry.model);
  unsigned id = 0;
  while (id + 1 < models.size() && nestedModels.count(id))
    ++id;
  std::vector<unsigned> active;
  std::set<unsigned> used;
  return resolve(chosen.value_or(id), active, used);
}

/// How deeply models may nest in a script (a chain built in a loop could
/// otherwise recurse without bound).
static constexpr size_t kMaxNesting = 64;

Expected<ModelSpec> ModelBuilder::resolve(unsigned id,
                                          std::vector<unsigned> &active,
                                          std::set<unsigned> &used) const {
  ModelSpec model = models[id];
  auto found = nestedIn.find(id);
  llvm::ArrayRef<PendingNested> nested;
  if (found != nestedIn.end())
    nested = found->second;
  // A graph model is named and checked as a graph (ModelGraph.h).
  if (!model.isGraph) {
    if (model.layers.empty() && nested.empty())
      return makeError(model.loc, "Sequential model '", model.name,
                       "' has no layers");
    assignKerasNames(model);
    // Keras: "All layers added to a Sequential model should have unique
    // names".
    llvm::StringSet<> names;
    for (const Layer &layer : model.layers)
      if (!names.insert(layer.name).second)
        return makeError(layer.loc, "duplicate layer name '", layer.name, "'");
  }
  if (nested.empty())
    return std::move(model);

  active.push_back(id);
  std::vector<NestedCall> calls;
  for (const PendingNested &entry : nested) {
    const ModelSpec &inner = models[entry.model];
    if (llvm::is_contained(active, entry.model))
      return makeError(entry.loc, "model '", inner.name,
                       "' is used as a layer of itself");
    if (active.size() >= kMaxNesting)
      return makeError(entry.loc, "models nested more than ",
                       std::to_string(kMaxNesting), " deep");
    if (!used.insert(entry.model).second)
      return makeError(entry.loc, "model '", inner.name,
                       "' is used a second time in the model: models applied "
                       "more than once (shared weights) are not supported");
    auto resolved = resolve(entry.model, active, used);
    if (!resolved)
      return resolved.takeError();
    NestedCall call;
    call.position = entry.position;
    call.model = std::move(*resolved);
    call.call = entry.call;
    call.className = inner.isGraph ? "Functional" : "Sequential";
    call.loc = entry.loc;
    calls.push_back(std::move(call));
  }
  active.pop_back();
  // The outer graph refers to a call by the node tf.keras numbers it: 1,
  // since a model is built (its node 0) before its first call, by the call
  // itself when the script gave it no input shape.
  llvm::StringMap<int64_t> callNodes;
  for (auto [entry, call] : llvm::zip(nested, calls)) {
    call.callNode = 1;
    callNodes[models[entry.model].name] = 1;
  }
  auto renumber = [&](TensorRef &ref) {
    auto it = callNodes.find(ref.layer);
    if (it != callNodes.end())
      ref.node = it->second;
  };
  for (Layer &layer : model.layers)
    llvm::for_each(layer.inbound, renumber);
  for (NestedCall &call : calls)
    llvm::for_each(call.call, renumber);
  llvm::for_each(model.outputs, renumber);
  if (Error err = inlineNestedModels(model, calls, /*keras3=*/false))
    return std::move(err);
  return std::move(model);
}
