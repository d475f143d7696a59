//===- KerasSymbols.cpp - What an imported name means to Keras ------------===//

#include "frontends/keras-python/KerasSymbols.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"

using namespace cnnc;
using namespace cnnc::py;
using llvm::StringRef;

/// Whether `path` is `prefix` or lies under it (whole components only).
static bool underModule(StringRef path, StringRef prefix) {
  return path == prefix ||
         (path.starts_with(prefix) && path.size() > prefix.size() &&
          path[prefix.size()] == '.');
}

std::string py::canonicalKerasPath(StringRef path) {
  // TensorFlow re-exports Keras under several roots; TF 2's tf.optimizers,
  // tf.losses, ... are Keras's modules too.
  static const std::pair<StringRef, StringRef> roots[] = {
      {"tensorflow.compat.v2.keras", "keras"},
      {"tensorflow.compat.v1.keras", "keras"},
      {"tensorflow.python.keras", "keras"},
      {"tensorflow.keras", "keras"},
      {"tensorflow.initializers", "keras.initializers"},
      {"tensorflow.optimizers", "keras.optimizers"},
      {"tensorflow.losses", "keras.losses"},
      {"tensorflow.metrics", "keras.metrics"},
      {"tensorflow.activations", "keras.activations"},
      {"tf_keras", "keras"},
      {"keras._tf_keras.keras", "keras"},
      {"keras.api._v2.keras", "keras"},
      {"keras.api", "keras"},
      {"keras.src", "keras"},
  };
  std::string result = path.str();
  for (unsigned round = 0; round < 3; ++round) {
    bool changed = false;
    for (const auto &[from, to] : roots) {
      if (underModule(result, from)) {
        result = to.str() + result.substr(from.size());
        changed = true;
      }
    }
    if (!changed)
      break;
  }
  return result;
}

bool py::isKerasModule(StringRef canonicalPath) {
  return underModule(canonicalPath, "keras");
}

/// The merge layer class a functional form of keras.layers stands for
/// (`add` -> "Add", `concatenate` -> "Concatenate"); empty for any other
/// name.
static StringRef mergeFunctionClass(StringRef name) {
  return llvm::StringSwitch<StringRef>(name)
      .Case("add", "Add")
      .Case("subtract", "Subtract")
      .Case("multiply", "Multiply")
      .Case("average", "Average")
      .Case("maximum", "Maximum")
      .Case("minimum", "Minimum")
      .Case("concatenate", "Concatenate")
      .Default("");
}

static bool isCapitalized(StringRef name) {
  return !name.empty() && llvm::isUpper(name[0]);
}

/// TensorFlow's own activation functions (`tf.nn.relu`, `tf.tanh`, ...).
static bool isTensorFlowActivation(llvm::ArrayRef<StringRef> parts) {
  if (parts.size() < 2 || parts[0] != "tensorflow")
    return false;
  if (parts.size() == 3 && parts[1] == "nn")
    return true;
  StringRef name = parts.back();
  bool known =
      llvm::StringSwitch<bool>(name)
          .Cases("relu", "sigmoid", "tanh", "softmax", "elu", "selu", true)
          .Cases("softplus", "softsign", "gelu", "swish", "silu", true)
          .Default(false);
  return known &&
         (parts.size() == 2 || (parts.size() == 3 && parts[1] == "math"));
}

/// TensorFlow's initializer classes (`tf.random_normal_initializer`): the
/// same signatures as Keras's.
static StringRef tensorFlowInitializer(StringRef name) {
  return llvm::StringSwitch<StringRef>(name)
      .Case("random_normal_initializer", "RandomNormal")
      .Case("random_uniform_initializer", "RandomUniform")
      .Case("constant_initializer", "Constant")
      .Case("zeros_initializer", "Zeros")
      .Case("ones_initializer", "Ones")
      .Case("glorot_uniform_initializer", "GlorotUniform")
      .Case("glorot_normal_initializer", "GlorotNormal")
      .Default("");
}

KerasSymbol py::classifySymbol(StringRef path) {
  std::string canonical = canonicalKerasPath(path);
  llvm::SmallVector<StringRef, 8> parts;
  StringRef(canonical).split(parts, '.');
  KerasSymbol symbol;
  symbol.name = parts.back().str();

  if (parts[0] == "tensorflow") {
    if (isTensorFlowActivation(parts))
      symbol.kind = SymbolKind::Activation;
    else if (parts.size() == 2 && !tensorFlowInitializer(parts[1]).empty()) {
      symbol.kind = SymbolKind::Initializer;
      symbol.name = tensorFlowInitializer(parts[1]).str();
    }
    return symbol;
  }
  if (parts[0] != "keras" || parts.size() < 2)
    return symbol;

  StringRef name = parts.back();
  if (parts.size() == 2) {
    symbol.kind = llvm::StringSwitch<SymbolKind>(name)
                      .Case("Sequential", SymbolKind::Sequential)
                      .Case("Model", SymbolKind::FunctionalModel)
                      .Case("Input", SymbolKind::Input)
                      .Default(SymbolKind::Other);
    return symbol;
  }

  StringRef module = parts[1];
  if (module == "layers") {
    if (name == "Input")
      symbol.kind = SymbolKind::Input;
    else if (isCapitalized(name))
      symbol.kind = SymbolKind::Layer;
    else if (StringRef merge = mergeFunctionClass(name); !merge.empty()) {
      symbol.kind = SymbolKind::MergeFunction;
      symbol.name = merge.str();
    }
  } else if (module == "models" || module == "engine") {
    if (name == "Sequential")
      symbol.kind = SymbolKind::Sequential;
    else if (name == "Model" || name == "Functional")
      symbol.kind = SymbolKind::FunctionalModel;
    else if (name == "Input")
      symbol.kind = SymbolKind::Input;
  } else if (module == "optimizers" || module.starts_with("optimizer_")) {
    if (llvm::is_contained(parts, "schedules"))
      symbol.kind = SymbolKind::Schedule;
    else if (isCapitalized(name))
      symbol.kind = SymbolKind::Optimizer;
  } else {
    symbol.kind = llvm::StringSwitch<SymbolKind>(module)
                      .Case("losses", SymbolKind::Loss)
                      .Case("metrics", SymbolKind::Metric)
                      .Case("initializers", SymbolKind::Initializer)
                      .Case("activations", SymbolKind::Activation)
                      .Case("regularizers", SymbolKind::Regularizer)
                      .Case("constraints", SymbolKind::Constraint)
                      .Default(SymbolKind::Other);
  }
  return symbol;
}

bool py::kerasStarExports(StringRef module, StringRef name) {
  if (module == "keras")
    return llvm::StringSwitch<bool>(name)
        .Cases("Sequential", "Model", "Input", "layers", "models", true)
        .Cases("optimizers", "losses", "metrics", "activations", true)
        .Cases("initializers", "regularizers", "constraints", "callbacks", true)
        .Cases("datasets", "utils", "backend", "applications", true)
        .Default(false);
  if (underModule(module, "keras.layers")) // every layer class, and Input
    return (isCapitalized(name) && name != "Sequential" && name != "Model") ||
           !mergeFunctionClass(name).empty();
  if (module == "keras.models")
    return llvm::StringSwitch<bool>(name)
        .Cases("Sequential", "Model", "load_model", "clone_model", true)
        .Cases("model_from_json", "save_model", true)
        .Default(false);
  return module == "keras.optimizers" || module == "keras.losses" ||
         module == "keras.metrics" || module == "keras.activations" ||
         module == "keras.initializers" || module == "keras.regularizers" ||
         module == "keras.constraints";
}
