//===- NestedModels.h - Nested models inlined into the outer graph -*- C++ -*-//
//
// A Sequential or Functional model used as a layer of another model is
// inlined by the frontend that reads it (the JSON readers and the Python
// interpreter alike): see NestedModels.cpp and docs/compiler.md.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_COMMON_NESTEDMODELS_H
#define CNNC_FRONTENDS_COMMON_NESTEDMODELS_H

#include "frontends/common/ModelSpec.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <vector>

namespace cnnc {

/// Sequential, Functional and Model: a model, also where a layer is one.
bool isModelClass(llvm::StringRef className);

/// A nested model called in the outer model, before it is inlined.
struct NestedCall {
  /// How many of the outer model's own layers come before it.
  size_t position = 0;
  /// The nested model, its own nested models already inlined.
  ModelSpec model;
  /// The tensors it is called on (a graph model; a Sequential: the previous
  /// layer's).
  std::vector<TensorRef> call;
  std::string className; // "Sequential" or "Functional"
  bool trainable = true;
  SourceLoc loc;
  /// The node by which the outer model refers to the call, when the caller
  /// knows it; else nestedCallNode's, read off the nested model.
  std::optional<int64_t> callNode;
};

/// Inlines `calls` into `outer`. `keras3`: the outer model refers to a
/// nested model's call as node 0 (Keras 3), else as node 1 when the nested
/// model was built on its own inputs (Keras 2, TF.js).
llvm::Error inlineNestedModels(ModelSpec &outer, std::vector<NestedCall> &calls,
                               bool keras3);

/// The node index by which a model refers to its call of `nested`.
int64_t nestedCallNode(const ModelSpec &nested, bool keras3);

} // namespace cnnc

#endif // CNNC_FRONTENDS_COMMON_NESTEDMODELS_H
