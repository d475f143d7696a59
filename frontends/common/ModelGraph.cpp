//===- ModelGraph.cpp - The order a graph model's layers compute in -------===//

#include "frontends/common/ModelGraph.h"

#include "frontends/common/LocatedError.h"

#include "llvm/ADT/StringMap.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <queue>

using namespace cnnc;

namespace {

/// A producer of tensors: a model input or a layer.
struct Producer {
  bool isInput = false;
  size_t index = 0;
};

class GraphScheduler {
public:
  explicit GraphScheduler(const ModelSpec &model) : model(model) {}
  llvm::Expected<std::vector<size_t>> run();

private:
  /// The producer a reference names; an error when it names nothing or a
  /// call or output that cannot exist.
  llvm::Expected<Producer> resolve(const TensorRef &ref,
                                   const std::string &user);
  /// Visits everything `start` needs, depth first, without recursion (a
  /// model file may chain thousands of layers).
  llvm::Error visit(size_t start);
  llvm::Error cycleError(size_t layer);
  /// `order`'s layers in the file's order as far as their inputs allow.
  std::vector<size_t> fileOrder();

  const ModelSpec &model;
  /// By name, then by call: an input or an unshared layer has one, a
  /// shared layer one per call (a gap is a call no entry holds).
  llvm::StringMap<std::vector<std::optional<Producer>>> producers;
  enum class State { Unseen, Active, Done };
  std::vector<State> state;
  std::vector<bool> inputUsed;
  /// The active path, for the cycle message.
  std::vector<size_t> path;
  std::vector<size_t> order;
};

} // namespace

llvm::Expected<Producer> GraphScheduler::resolve(const TensorRef &ref,
                                                 const std::string &user) {
  auto it = producers.find(ref.layer);
  if (it == producers.end())
    return makeError(ref.loc, user, " is called on '", ref.layer,
                     "', which is no layer or input of the model");
  const std::vector<std::optional<Producer>> &calls = it->second;
  if (ref.node < 0 || size_t(ref.node) >= calls.size() || !calls[ref.node]) {
    size_t made =
        llvm::count_if(calls, [](const auto &p) { return p.has_value(); });
    return makeError(ref.loc, user, " is called on call ",
                     std::to_string(ref.node), " of '", ref.layer,
                     "', which is called ", std::to_string(made),
                     made == 1 ? " time" : " times", " in the model");
  }
  if (ref.tensor != 0)
    return makeError(ref.loc, user, " is called on output ",
                     std::to_string(ref.tensor), " of '", ref.layer,
                     "', which has one output");
  return *calls[ref.node];
}

llvm::Error GraphScheduler::cycleError(size_t layer) {
  // The path from the first visit of `layer` back to it.
  std::string cycle;
  auto first = std::find(path.begin(), path.end(), layer);
  for (auto it = first; it != path.end(); ++it)
    cycle += model.layers[*it].name + " -> ";
  cycle += model.layers[layer].name;
  return makeError(model.layers[layer].loc, "layer '", model.layers[layer].name,
                   "' is part of a cycle: ", cycle);
}

llvm::Error GraphScheduler::visit(size_t start) {
  // Each frame: a layer and how many of its inbound tensors are done.
  std::vector<std::pair<size_t, size_t>> stack;
  auto enter = [&](size_t layer) -> llvm::Error {
    const Layer &l = model.layers[layer];
    if (state[layer] == State::Active)
      return cycleError(layer);
    if (state[layer] == State::Done)
      return llvm::Error::success();
    std::string user = "layer '" + l.name + "'";
    if (l.inbound.empty())
      return makeError(l.loc, user, " is not called on any tensor");
    if (!isMergeLayer(l.kind) && l.inbound.size() != 1)
      return makeError(l.loc, user, " (", kerasClassName(l.kind),
                       ") is called on ", std::to_string(l.inbound.size()),
                       " tensors; it takes one");
    state[layer] = State::Active;
    path.push_back(layer);
    stack.push_back({layer, 0});
    return llvm::Error::success();
  };
  if (llvm::Error err = enter(start))
    return err;
  while (!stack.empty()) {
    auto &[layer, next] = stack.back();
    const Layer &l = model.layers[layer];
    if (next == l.inbound.size()) {
      state[layer] = State::Done;
      order.push_back(layer);
      path.pop_back();
      stack.pop_back();
      continue;
    }
    const TensorRef &ref = l.inbound[next++];
    llvm::Expected<Producer> producer = resolve(ref, "layer '" + l.name + "'");
    if (!producer)
      return producer.takeError();
    if (producer->isInput) {
      inputUsed[producer->index] = true;
      continue;
    }
    // `enter` may grow the stack: `layer` and `next` are not used after.
    if (llvm::Error err = enter(producer->index))
      return err;
  }
  return llvm::Error::success();
}

llvm::Expected<std::vector<size_t>> GraphScheduler::run() {
  for (size_t i = 0; i < model.inputs.size(); ++i)
    if (!producers.insert({model.inputs[i].name, {Producer{true, i}}}).second)
      return makeError(model.inputs[i].loc, "the model has two inputs named '",
                       model.inputs[i].name, "'");
  // A shared layer's calls are entries of one name, each its own call;
  // any other repeated name is two layers (or a layer and an input).
  for (size_t i = 0; i < model.layers.size(); ++i) {
    const Layer &layer = model.layers[i];
    std::vector<std::optional<Producer>> &calls = producers[layer.name];
    bool input = !calls.empty() && calls.front() && calls.front()->isInput;
    size_t call = size_t(layer.call);
    if (input || (call < calls.size() && calls[call]))
      return makeError(layer.loc, "layer name '", layer.name,
                       "' is used twice in the model (by a layer or input)");
    if (calls.size() <= call)
      calls.resize(call + 1);
    calls[layer.call] = Producer{false, i};
  }
  if (model.inputs.empty())
    return makeError(model.loc, "the model has no inputs");
  if (model.outputs.empty())
    return makeError(model.loc, "the model has no outputs");
  state.assign(model.layers.size(), State::Unseen);
  inputUsed.assign(model.inputs.size(), false);

  for (const TensorRef &output : model.outputs) {
    if (!producers.count(output.layer))
      return makeError(output.loc, "output '", output.layer,
                       "' cannot be reached: the model has no layer or "
                       "input of that name");
    llvm::Expected<Producer> producer =
        resolve(output, "output '" + output.layer + "'");
    if (!producer)
      return producer.takeError();
    if (producer->isInput) {
      inputUsed[producer->index] = true;
      continue;
    }
    if (llvm::Error err = visit(producer->index))
      return err;
  }
  for (size_t i = 0; i < model.inputs.size(); ++i)
    if (!inputUsed[i])
      return makeError(model.inputs[i].loc, "input '", model.inputs[i].name,
                       "' is not connected to any output of the model");
  return fileOrder();
}

std::vector<size_t> GraphScheduler::fileOrder() {
  // Kahn's algorithm over the layers the outputs need, always taking the
  // ready layer that comes first in the file: a file whose order is already
  // one the layers can compute in (what Keras writes: its `layers` order)
  // keeps it, so the IR, the summary's rows and the weights' order follow
  // the file.
  std::vector<size_t> waiting(model.layers.size(), 0);
  std::vector<std::vector<size_t>> users(model.layers.size());
  for (size_t layer : order)
    for (const TensorRef &ref : model.layers[layer].inbound) {
      Producer producer = *producers.lookup(ref.layer)[ref.node];
      if (producer.isInput)
        continue;
      ++waiting[layer];
      users[producer.index].push_back(layer);
    }
  std::priority_queue<size_t, std::vector<size_t>, std::greater<size_t>> ready;
  for (size_t layer : order)
    if (waiting[layer] == 0)
      ready.push(layer);
  std::vector<size_t> result;
  while (!ready.empty()) {
    size_t layer = ready.top();
    ready.pop();
    result.push_back(layer);
    for (size_t user : users[layer])
      if (--waiting[user] == 0)
        ready.push(user);
  }
  return result;
}

llvm::Expected<std::vector<size_t>>
cnnc::scheduleGraph(const ModelSpec &model) {
  return GraphScheduler(model).run();
}
