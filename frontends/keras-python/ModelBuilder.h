//===- ModelBuilder.h - The Sequential models a script builds ---*- C++ -*-===//
//
// Holds every Sequential model the evaluator sees created and applies the
// script's method calls to them (add, pop, build, compile, fit) with Keras's
// rules for where the input shape comes from. The file's model is the first
// Sequential it builds.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_KERASPYTHON_MODELBUILDER_H
#define CNNC_FRONTENDS_KERASPYTHON_MODELBUILDER_H

#include "frontends/common/ModelSpec.h"
#include "frontends/keras-python/Value.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

namespace cnnc {
namespace py {

/// What the evaluator noticed that explains a file without a model.
struct ModelHints {
  /// A keras.Model(...) call: the functional API.
  std::optional<Position> functionalModel;
  /// A Sequential(...) call the evaluator did not run, and why.
  std::optional<std::pair<Position, std::string>> unreachedModel;
  /// The script's top-level functions (one of them may build the model:
  /// `--entry NAME` calls it).
  std::vector<std::string> functions;
};

class ModelBuilder {
public:
  explicit ModelBuilder(llvm::StringRef file) : file(file.str()) {}

  /// Sequential(layers=None, name=None): returns the new model's id.
  llvm::Expected<unsigned> create(const KerasCall &call);
  /// model.add(layer); `argPos` is where the argument is written.
  llvm::Error add(unsigned id, const Value &layer, Position argPos);
  /// Calls `method` (add, pop, build, compile, fit) with `call`'s arguments.
  /// Other methods (summary, evaluate, ...) have no effect on the model.
  llvm::Error callMethod(unsigned id, llvm::StringRef method,
                         const KerasCall &call);

  /// model.add(model) and Sequential([..., model, ...]): a nested model.
  llvm::Error addModel(unsigned id, unsigned nested, Position argPos);
  /// `model(inputs)` at `pos`: a nested model called on tensors.
  llvm::Expected<Value> applyModel(unsigned nested,
                                   std::vector<unsigned> inputs, Position pos);

  /// Gives a layer made without `name=` Keras's name for it: tf.keras names
  /// a layer when it is made, counting per class over the whole script
  /// (backend.get_uid), so that the layers of a nested model and of the
  /// model around it never share a name.
  void nameLayer(KerasCall &layer);

  /// `layer.trainable = value` on a layer object: every layer already
  /// built from `call` follows; layers built from it later read the
  /// `trainable` keyword the caller set on the call.
  void setLayerTrainable(const KerasCall *call, bool trainable);
  /// `model.trainable = value`: Keras sets it on every layer of the model.
  void setModelTrainable(unsigned id, bool trainable);

  /// The file's model, with Keras names assigned: the one `choose` named,
  /// else the first the script built.
  llvm::Expected<ModelSpec> finish(const ModelHints &hints);
  /// Makes model `id` the file's model (`--entry`'s result).
  void choose(unsigned id) { chosen = id; }

  // The functional API (FunctionalBuilder.cpp): a graph of tensors, one
  // node per keras.Input and per layer call, from which keras.Model(...)
  // takes the part between its inputs and outputs.

  /// The tensor `value` stands for: a Tensor, or a keras.Input object (its
  /// tensor, made on first use); none for anything else.
  std::optional<unsigned> tensorOf(const Value &value);
  /// The tensors `value` (a tensor, or a list or tuple of them) stands
  /// for; none when it is not that.
  std::optional<std::vector<unsigned>> tensorsOf(const Value &value);
  /// `layer(inputs)` at `pos`: the new tensor. A layer called again is
  /// shared: each call its own tensor, one set of weights.
  llvm::Expected<Value> applyLayer(const std::shared_ptr<KerasCall> &layer,
                                   std::vector<unsigned> inputs, Position pos);
  /// keras.Model(inputs, outputs, name=None): the graph model's id.
  llvm::Expected<unsigned> createFunctional(const KerasCall &call);

private:
  struct TensorNode {
    /// The keras.Input or the layer called.
    std::shared_ptr<KerasCall> call;
    /// Or the nested model called.
    std::optional<unsigned> model;
    bool isInput = false;
    std::vector<unsigned> inbound;
    Position pos;
  };
  /// `node` as the next tensor; a located error past kMaxTensors calls.
  llvm::Expected<Value> addTensor(TensorNode node);
  /// A nested model in model `outer`, before it is inlined (at finish(),
  /// so that it is the nested model as the script left it, as Keras's
  /// reference to the model object is).
  struct PendingNested {
    size_t position = 0; // the outer model's own layers before it
    unsigned model = 0;
    std::vector<TensorRef> call; // a graph model: the tensors it is called on
    SourceLoc loc;
  };
  /// Model `id` with its nested models inlined; `active` holds the models
  /// being resolved (a model that contains itself is an error), `used`
  /// every model nested so far (one nested in two places would share its
  /// weights, which cnnc does not read; refusing it also keeps the work
  /// linear in the script's models).
  llvm::Expected<ModelSpec> resolve(unsigned id, std::vector<unsigned> &active,
                                    std::set<unsigned> &used) const;
  std::string autoName(llvm::StringRef stem);

  std::string file;
  std::vector<ModelSpec> models;
  std::map<unsigned, std::vector<PendingNested>> nestedIn;
  llvm::StringMap<unsigned> nameCounts;
  std::optional<unsigned> chosen;
  /// The layers built from each layer call: (model id, layer index).
  std::vector<std::pair<const KerasCall *, std::pair<unsigned, size_t>>>
      builtLayers;
  std::vector<TensorNode> tensors;
  std::map<const KerasCall *, unsigned> inputTensors;
};

} // namespace py
} // namespace cnnc

#endif // CNNC_FRONTENDS_KERASPYTHON_MODELBUILDER_H
