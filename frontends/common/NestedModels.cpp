//===- NestedModels.cpp - Nested models inlined into the outer graph ------===//
//
// A Sequential or Functional model may be a layer of another model, to any
// depth. The frontend inlines it: its layers join the outer model's list
// under the path "<nested>/<layer>" (names inside a nested model may repeat
// outer ones), its inputs become the tensors the outer model calls it on,
// and every outer reference to it becomes a reference to its output. The
// compiler, fusion and training then see one flat DAG; each inlined layer
// keeps its NestedScope chain, which is all the summary (one row per nested
// model) and the weight binding (by the path's last two parts) need.
//
// An outer Sequential that nests a model becomes a graph (its layers called
// one after the other) so a nested Functional's branches fit in it; it keeps
// Keras's Sequential view in the summary.
//
//===----------------------------------------------------------------------===//

#include "frontends/common/NestedModels.h"

#include "frontends/common/LocatedError.h"

#include "llvm/ADT/StringMap.h"

using namespace cnnc;

bool cnnc::isModelClass(llvm::StringRef className) {
  return className == "Sequential" || className == "Functional" ||
         className == "Model";
}

namespace {
/// What the outer model sees of an inlined nested model.
struct NestedOutputs {
  std::vector<TensorRef> outputs;
  int64_t callNode = 0;
};
} // namespace

/// A Sequential's layers as a graph: each called on the one before, the
/// first on the input named "" (no layer can have that name).
static void chain(ModelSpec &model) {
  std::string previous;
  for (Layer &layer : model.layers) {
    layer.inbound = {TensorRef{previous, 0, 0, layer.loc}};
    previous = layer.name;
  }
  model.inputs = {ModelInput{"", model.inputShape, model.inputLoc}};
  model.outputs = {TensorRef{previous, 0, 0, model.loc}};
}

int64_t cnnc::nestedCallNode(const ModelSpec &nested, bool keras3) {
  // Keras 2 and TF.js record a nested model's own construction as its node
  // 0 when it has inputs, so the outer model calls it as node 1
  // (keras-semantics.md §8); Keras 3 counts only the outer model's calls.
  bool built = nested.isGraph || !nested.inputShape.empty();
  return !keras3 && built ? 1 : 0;
}

llvm::Error cnnc::inlineNestedModels(ModelSpec &outer,
                                     std::vector<NestedCall> &calls,
                                     bool keras3) {
  if (calls.empty())
    return llvm::Error::success();
  bool sequential = !outer.isGraph;
  if (sequential) {
    // The nested model that comes first brings the input shape Keras built
    // the outer model with.
    const ModelSpec &first = calls.front().model;
    if (outer.inputShape.empty() && calls.front().position == 0 &&
        !first.inputShape.empty()) {
      outer.inputShape = first.inputShape;
      outer.inputLoc = first.inputLoc;
    }
    if (outer.inputShape.empty())
      return makeError(outer.loc,
                       "the model has no input shape: give its first layer "
                       "an input shape or an InputLayer");
    outer.isGraph = true;
    outer.sequentialView = true;
    outer.inputs = {
        ModelInput{outer.name + "_input", outer.inputShape, outer.inputLoc}};
  }

  std::vector<Layer> own = std::move(outer.layers);
  outer.layers.clear();
  llvm::StringMap<NestedOutputs> nested;
  TensorRef previous{sequential ? outer.inputs.front().name : "", 0, 0,
                     outer.inputLoc};
  size_t next = 0;
  for (size_t position = 0; position <= own.size(); ++position) {
    for (; next < calls.size() && calls[next].position == position; ++next) {
      NestedCall &call = calls[next];
      ModelSpec &model = call.model;
      std::string what = "nested model '" + model.name + "'";
      if (model.layers.empty())
        return makeError(call.loc, what, " has no layers");
      int64_t callNode = call.callNode.value_or(nestedCallNode(model, keras3));
      if (!model.isGraph)
        chain(model);
      std::vector<TensorRef> called =
          sequential ? std::vector<TensorRef>{previous} : call.call;
      if (called.size() != model.inputs.size())
        return makeError(call.loc, what, " has ",
                         std::to_string(model.inputs.size()), " input",
                         model.inputs.size() == 1 ? "" : "s",
                         " but is called on ", std::to_string(called.size()),
                         " tensor", called.size() == 1 ? "" : "s");
      llvm::StringMap<TensorRef> inputs;
      for (size_t i = 0; i < called.size(); ++i)
        inputs[model.inputs[i].name] = called[i];
      std::string prefix = model.name + "/";
      auto rename = [&](TensorRef &ref) {
        auto it = inputs.find(ref.layer);
        if (it == inputs.end()) {
          ref.layer = prefix + ref.layer;
          return;
        }
        SourceLoc loc = ref.loc;
        ref = it->second;
        ref.loc = loc;
      };
      for (Layer &layer : model.layers) {
        for (TensorRef &ref : layer.inbound)
          rename(ref);
        layer.name = prefix + layer.name;
        layer.scopes.insert(
            layer.scopes.begin(),
            NestedScope{model.name, call.className, callNode, call.loc});
        // A frozen nested model freezes every layer in it.
        layer.trainable &= call.trainable;
        outer.layers.push_back(std::move(layer));
      }
      NestedOutputs &result = nested[model.name];
      result.callNode = callNode;
      for (TensorRef ref : model.outputs) {
        rename(ref);
        result.outputs.push_back(ref);
      }
      if (sequential) {
        if (result.outputs.size() != 1)
          return makeError(call.loc, what, " has ",
                           std::to_string(result.outputs.size()),
                           " outputs; a layer of a Sequential model must "
                           "have one");
        previous = result.outputs.front();
      }
    }
    if (position == own.size())
      break;
    Layer &layer = own[position];
    if (sequential) {
      layer.inbound = {previous};
      layer.inbound.front().loc = layer.loc;
      previous = TensorRef{layer.name, 0, 0, layer.loc};
    }
    outer.layers.push_back(std::move(layer));
  }
  if (sequential) {
    outer.outputs = {previous};
    return llvm::Error::success();
  }

  // The outer model's references to a nested model: its outputs.
  auto resolve = [&](TensorRef &ref, const std::string &user) -> llvm::Error {
    auto it = nested.find(ref.layer);
    if (it == nested.end())
      return llvm::Error::success();
    const NestedOutputs &result = it->second;
    if (ref.node != result.callNode)
      return makeError(ref.loc, user, " is called on call ",
                       std::to_string(ref.node), " of nested model '",
                       ref.layer, "', whose one call is node ",
                       std::to_string(result.callNode),
                       ": models applied more than once (shared weights) are "
                       "not supported");
    if (ref.tensor < 0 || size_t(ref.tensor) >= result.outputs.size())
      return makeError(ref.loc, user, " is called on output ",
                       std::to_string(ref.tensor), " of nested model '",
                       ref.layer, "', which has ",
                       std::to_string(result.outputs.size()), " output",
                       result.outputs.size() == 1 ? "" : "s");
    SourceLoc loc = ref.loc;
    ref = result.outputs[size_t(ref.tensor)];
    ref.loc = loc;
    return llvm::Error::success();
  };
  // Every layer: a nested model's inputs are outer tensors too.
  for (Layer &layer : outer.layers) {
    for (TensorRef &ref : layer.inbound)
      if (llvm::Error err = resolve(ref, "layer '" + layer.name + "'"))
        return err;
  }
  for (TensorRef &ref : outer.outputs)
    if (llvm::Error err = resolve(ref, "output '" + ref.layer + "'"))
      return err;
  return llvm::Error::success();
}
