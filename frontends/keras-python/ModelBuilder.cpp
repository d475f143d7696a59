//===- ModelBuilder.cpp - The Sequential models a script builds -----------===//

#include "frontends/keras-python/ModelBuilder.h"

#include "frontends/keras-python/Arguments.h"
#include "frontends/keras-python/Attributes.h"
#include "frontends/keras-python/LayerBuilder.h"
#include "frontends/keras-python/TrainingBuilder.h"

#include "llvm/ADT/StringSet.h"

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
  if (*name)
    model.name = **name;
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
    return errorAt(file, argPos, "unsupported layer 'Sequential'");
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
  builtLayers.push_back({value.call.get(), {id, model.layers.size()}});
  model.layers.push_back(std::move(entry->layer));
  return Error::success();
}

void ModelBuilder::setLayerTrainable(const KerasCall *call, bool trainable) {
  for (const auto &[built, where] : builtLayers)
    if (built == call && where.second < models[where.first].layers.size())
      models[where.first].layers[where.second].trainable = trainable;
}

void ModelBuilder::setModelTrainable(unsigned id, bool trainable) {
  for (Layer &layer : models[id].layers)
    layer.trainable = trainable;
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
  ModelSpec model = std::move(models[chosen.value_or(0)]);
  // A graph model is named and checked as a graph (ModelGraph.h).
  if (model.isGraph)
    return std::move(model);
  if (model.layers.empty())
    return makeError(model.loc, "Sequential model '", model.name,
                     "' has no layers");
  assignKerasNames(model);
  // Keras: "All layers added to a Sequential model should have unique names".
  llvm::StringSet<> names;
  for (const Layer &layer : model.layers)
    if (!names.insert(layer.name).second)
      return makeError(layer.loc, "duplicate layer name '", layer.name, "'");
  return std::move(model);
}
