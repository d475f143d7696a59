//===- LayerBuilder.h - Keras layer calls to ModelSpec layers ---*- C++ -*-===//
//
// Checks one Keras layer call against its Keras 2 signature and turns it
// into a ModelSpec Layer with every default applied, or into an input
// declaration (keras.Input, InputLayer) that only gives the input shape.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_KERASPYTHON_LAYERBUILDER_H
#define CNNC_FRONTENDS_KERASPYTHON_LAYERBUILDER_H

#include "frontends/common/ModelSpec.h"
#include "frontends/keras-python/Value.h"

#include "llvm/Support/Error.h"

#include <optional>
#include <vector>

namespace cnnc {
namespace py {

/// One element of a Sequential model.
struct LayerEntry {
  /// keras.Input(...) or InputLayer(...): no layer, only an input shape.
  bool isInput = false;
  Layer layer;
  /// An input shape given on this element (`input_shape=`, `shape=`,
  /// `batch_input_shape=`, `input_dim=`), without the batch dimension.
  std::optional<std::vector<int64_t>> inputShape;
  Position inputPos;
};

/// Builds the layer a Keras call describes (the call's symbol must be a
/// Layer or Input). Errors point at the offending argument.
llvm::Expected<LayerEntry> buildLayer(const KerasCall &call,
                                      llvm::StringRef file);

} // namespace py
} // namespace cnnc

#endif // CNNC_FRONTENDS_KERASPYTHON_LAYERBUILDER_H
