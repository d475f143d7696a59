//===- KerasSymbols.h - What an imported name means to Keras ----*- C++ -*-===//
//
// Scripts reach one Keras class through many paths: `tf.keras.layers.Conv2D`,
// `keras.layers.Conv2D`, `from tensorflow.keras.layers import Conv2D`,
// `keras.layers.convolutional.Conv2D`, ... This maps a dotted path, as the
// script's imports spell it, to what it names.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_KERASPYTHON_KERASSYMBOLS_H
#define CNNC_FRONTENDS_KERASPYTHON_KERASSYMBOLS_H

#include "llvm/ADT/StringRef.h"

#include <string>

namespace cnnc {
namespace py {

enum class SymbolKind {
  Other,           // not something cnnc reads (numpy, keras.utils, ...)
  Sequential,      // keras.Sequential / keras.models.Sequential
  FunctionalModel, // keras.Model: the functional API, not read by cnnc
  Input,           // keras.Input / keras.layers.Input (a function)
  Layer,           // keras.layers.<Class> (InputLayer included)
  Optimizer,
  Schedule, // keras.optimizers.schedules.*
  Loss,
  Metric,
  Initializer,
  Activation,
  Regularizer,
  Constraint,
  MergeFunction, // keras.layers.add/concatenate/...: `name` is the class
};

struct KerasSymbol {
  SymbolKind kind = SymbolKind::Other;
  /// The last path component: the class or function name ("Conv2D",
  /// "relu", "SparseCategoricalCrossentropy").
  std::string name;
};

/// Rewrites the many roots of Keras to `keras.`: `tensorflow.keras`,
/// `tensorflow.python.keras`, `tf_keras`, `keras.src`, ...
std::string canonicalKerasPath(llvm::StringRef path);

/// Classifies a dotted path (as imported; canonicalised here).
KerasSymbol classifySymbol(llvm::StringRef path);

/// Whether `from <module> import *` defines `name`, for the Keras modules
/// that scripts star-import (`from keras.layers import *`). `module` is
/// canonical.
bool kerasStarExports(llvm::StringRef module, llvm::StringRef name);

/// Whether a canonical module path belongs to Keras.
bool isKerasModule(llvm::StringRef canonicalPath);

} // namespace py
} // namespace cnnc

#endif // CNNC_FRONTENDS_KERASPYTHON_KERASSYMBOLS_H
