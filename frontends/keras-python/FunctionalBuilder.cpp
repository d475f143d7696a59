//===- FunctionalBuilder.cpp - The functional API's graph -----------------===//
//
// keras.Input(...) gives a tensor; calling a layer on tensors gives a new
// one; keras.Model(inputs, outputs) is the part of that graph between them.
// The evaluator keeps the graph here, as numbered nodes (a Value holds a
// node's number, so that no value owns a chain of others), and a Model
// call turns the nodes its outputs need into a ModelSpec graph, named as
// tf.keras names them: inputs `input_1`, `input_2`, ...; layers per class
// in the order they were called (`conv2d`, `conv2d_1`, ...).
//
//===----------------------------------------------------------------------===//

#include "frontends/keras-python/ModelBuilder.h"

#include "frontends/keras-python/Arguments.h"
#include "frontends/keras-python/Diagnostics.h"
#include "frontends/keras-python/LayerBuilder.h"

#include <set>
#include <tuple>

using namespace cnnc;
using namespace cnnc::py;
using llvm::Error;
using llvm::Expected;

/// More layer calls than any model cnnc compiles (kMaxModelLayers) has.
static constexpr size_t kMaxTensors = 20000;

std::optional<unsigned> ModelBuilder::tensorOf(const Value &value) {
  if (value.is(Value::Kind::Tensor))
    return value.tensorId;
  if (!value.is(Value::Kind::Object) ||
      value.call->symbol.kind != SymbolKind::Input)
    return std::nullopt;
  auto [it, added] = inputTensors.insert({value.call.get(), tensors.size()});
  if (added) {
    TensorNode node;
    node.call = value.call;
    node.isInput = true;
    node.pos = value.call->pos;
    tensors.push_back(std::move(node));
  }
  return it->second;
}

std::optional<std::vector<unsigned>>
ModelBuilder::tensorsOf(const Value &value) {
  std::vector<unsigned> ids;
  if (value.isSequence()) {
    for (const Value &element : *value.elements) {
      std::optional<unsigned> id = tensorOf(element);
      if (!id)
        return std::nullopt;
      ids.push_back(*id);
    }
    return ids;
  }
  std::optional<unsigned> id = tensorOf(value);
  if (!id)
    return std::nullopt;
  ids.push_back(*id);
  return ids;
}

Expected<Value> ModelBuilder::addTensor(TensorNode node) {
  if (tensors.size() >= kMaxTensors)
    return errorAt(file, node.pos, "more than ", std::to_string(kMaxTensors),
                   " layer calls: too many for cnnc");
  tensors.push_back(std::move(node));
  return Value::tensor(tensors.size() - 1);
}

Expected<Value>
ModelBuilder::applyLayer(const std::shared_ptr<KerasCall> &layer,
                         std::vector<unsigned> inputs, Position pos) {
  // A layer object called again is a shared layer: another node of the
  // same KerasCall, whose weights are the layer's.
  TensorNode node;
  node.call = layer;
  node.inbound = std::move(inputs);
  node.pos = pos;
  return addTensor(std::move(node));
}

Expected<Value> ModelBuilder::applyModel(unsigned nested,
                                         std::vector<unsigned> inputs,
                                         Position pos) {
  const ModelSpec &model = models[nested];
  if (model.isGraph && model.outputs.size() != 1)
    return errorAt(file, pos, "model '", model.name, "' has ",
                   std::to_string(model.outputs.size()),
                   " outputs: cnnc calls a nested model with one output");
  TensorNode node;
  node.model = nested;
  node.inbound = std::move(inputs);
  node.pos = pos;
  return addTensor(std::move(node));
}

/// The `name=` a call gives, if it is a string.
static std::string explicitName(const KerasCall &call) {
  for (const CallArgValue &arg : call.args)
    if (arg.keyword == "name" && arg.value.is(Value::Kind::Str))
      return arg.value.text;
  return "";
}

Expected<unsigned> ModelBuilder::createFunctional(const KerasCall &call) {
  // Keras 2's Model(inputs, outputs, name); Keras 3 adds `trainable`.
  static const llvm::StringRef params[] = {"inputs", "outputs", "name"};
  static const llvm::StringRef keywords[] = {"trainable"};
  auto bound =
      Arguments::bind(call, Signature{params, keywords, 2}, "Model", file);
  if (!bound)
    return bound.takeError();
  const Arguments &args = *bound;
  if (Error err = args.requireDefault("trainable", Value::fromBool(true)))
    return std::move(err);

  ModelSpec model;
  model.isGraph = true;
  model.loc = toSourceLoc(file, call.pos);
  auto name = args.getOptionalString("name");
  if (!name)
    return name.takeError();
  model.name = *name ? **name : autoName("model");

  auto ends = [&](llvm::StringRef what) -> Expected<std::vector<unsigned>> {
    const CallArgValue *arg = args.get(what);
    if (arg->value.hasReason())
      return errorAt(file, arg->value.reasonPos, arg->value.text);
    Value value = arg->value;
    // A dict of inputs: Keras flattens it by sorted key (tf.nest, optree),
    // which is the order of model.inputs and of a positional predict().
    if (what == "inputs" && value.is(Value::Kind::Dict)) {
      const auto &entries = *value.entries;
      std::vector<size_t> order(entries.size());
      for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
      std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return std::tie(entries[a].first, a) < std::tie(entries[b].first, b);
      });
      std::vector<Value> values;
      for (size_t i : order)
        values.push_back(entries[i].second);
      value = Value::list(std::move(values));
    }
    std::optional<std::vector<unsigned>> ids = tensorsOf(value);
    if (!ids || ids->empty())
      return errorAt(file, arg->pos, "'", what,
                     "' must be a Keras tensor or a list of them",
                     what == "inputs" ? " (or a dict)" : "", ", not ",
                     describe(arg->value));
    return std::move(*ids);
  };
  auto inputs = ends("inputs");
  if (!inputs)
    return inputs.takeError();
  auto outputs = ends("outputs");
  if (!outputs)
    return outputs.takeError();

  // The nodes the outputs need, down to the model's inputs.
  std::set<unsigned> modelInputs(inputs->begin(), inputs->end());
  std::set<unsigned> needed;
  std::vector<unsigned> work(outputs->begin(), outputs->end());
  while (!work.empty()) {
    unsigned id = work.back();
    work.pop_back();
    if (!needed.insert(id).second || modelInputs.count(id))
      continue;
    const TensorNode &node = tensors[id];
    if (node.isInput)
      return errorAt(file, node.pos,
                     "this input is not among the model's inputs, but its "
                     "outputs need it (Keras: \"Graph disconnected\")");
    work.insert(work.end(), node.inbound.begin(), node.inbound.end());
  }

  // Names: tf.keras names a keras.Input when it is made (`input_<k>`, k
  // counting the unnamed inputs made so far, used or not), and the layers
  // in the order they were called (node numbers).
  std::map<unsigned, std::string> names;
  for (unsigned id : *inputs) {
    const TensorNode &node = tensors[id];
    if (!node.isInput)
      return errorAt(file, node.pos,
                     "a model input must be a keras.Input, "
                     "not a layer's output");
    auto entry = buildLayer(*node.call, file);
    if (!entry)
      return entry.takeError();
    ModelInput input;
    input.name = explicitName(*node.call);
    if (input.name.empty()) {
      int made = 0;
      for (unsigned other = 0; other <= id; ++other)
        if (tensors[other].isInput &&
            explicitName(*tensors[other].call).empty())
          ++made;
      input.name = "input_" + std::to_string(made);
    }
    if (names.count(id))
      return errorAt(file, node.pos,
                     "this input is given twice among the model's inputs");
    for (const ModelInput &earlier : model.inputs)
      if (earlier.name == input.name)
        return errorAt(file, node.pos, "two of the model's inputs are named '",
                       input.name, "'");
    input.shape = *entry->inputShape;
    input.loc = toSourceLoc(file, node.pos);
    names[id] = input.name;
    model.inputs.push_back(std::move(input));
  }
  // Layer calls, and nested models called (each after the layers called
  // before it: its position among them).
  std::vector<unsigned> layerNodes;
  std::vector<std::pair<unsigned, size_t>> modelNodes;
  for (unsigned id : needed) {
    const TensorNode &node = tensors[id];
    if (node.isInput)
      continue;
    if (!node.model) {
      layerNodes.push_back(id);
      continue;
    }
    for (auto [other, position] : modelNodes)
      if (tensors[other].model == node.model)
        return errorAt(file, node.pos, "model '", models[*node.model].name,
                       "' is called a second time: models applied more "
                       "than once (shared weights) are not supported");
    names[id] = models[*node.model].name;
    modelNodes.push_back({id, layerNodes.size()});
  }
  // A layer object called several times (a shared layer) is one entry per
  // call, numbered as Keras numbers the calls the model keeps; the later
  // ones copy the first's layer and take its name. Per layer object: the
  // entry of its first call and the calls so far.
  std::map<const KerasCall *, std::pair<size_t, int64_t>> calls;
  std::vector<size_t> firstOf;
  for (unsigned id : layerNodes) {
    const TensorNode &node = tensors[id];
    auto [known, added] = calls.try_emplace(
        node.call.get(), std::make_pair(model.layers.size(), int64_t(0)));
    auto &[first, count] = known->second;
    firstOf.push_back(first);
    if (!added) {
      Layer call = model.layers[first];
      call.call = ++count;
      call.loc = toSourceLoc(file, node.pos);
      model.layers.push_back(std::move(call));
      continue;
    }
    auto entry = buildLayer(*node.call, file);
    if (!entry)
      return entry.takeError();
    if (entry->isInput)
      return errorAt(file, node.pos,
                     "an InputLayer cannot be called on a "
                     "tensor");
    entry->layer.loc = toSourceLoc(file, node.pos);
    if (entry->layer.name.empty())
      entry->layer.name = node.call->autoName;
    model.layers.push_back(std::move(entry->layer));
  }
  assignKerasNames(model);
  for (auto [index, first] : llvm::enumerate(firstOf))
    model.layers[index].name = model.layers[first].name;
  // Each node's tensor as the graph names it: (layer or input, call).
  std::map<unsigned, int64_t> callOf;
  for (auto [index, id] : llvm::enumerate(layerNodes)) {
    names[id] = model.layers[index].name;
    callOf[id] = model.layers[index].call;
  }
  auto refTo = [&](unsigned id, SourceLoc loc) {
    TensorRef ref;
    ref.layer = names[id];
    auto call = callOf.find(id);
    ref.node = call == callOf.end() ? 0 : call->second;
    ref.loc = std::move(loc);
    return ref;
  };
  for (auto [index, id] : llvm::enumerate(layerNodes))
    for (unsigned in : tensors[id].inbound)
      model.layers[index].inbound.push_back(
          refTo(in, toSourceLoc(file, tensors[id].pos)));
  for (unsigned id : *outputs)
    model.outputs.push_back(refTo(id, model.loc));
  // Nested models are inlined at finish(), which numbers their calls.
  unsigned modelId = models.size();
  for (auto [id, position] : modelNodes) {
    PendingNested entry;
    entry.position = position;
    entry.model = *tensors[id].model;
    entry.loc = toSourceLoc(file, tensors[id].pos);
    for (unsigned in : tensors[id].inbound)
      entry.call.push_back(refTo(in, entry.loc));
    nestedIn[modelId].push_back(std::move(entry));
  }
  model.inputShape = model.inputs.front().shape;
  model.inputLoc = model.inputs.front().loc;

  models.push_back(std::move(model));
  return modelId;
}
