//===- KerasTraining.cpp - compile() settings from a model file -----------===//
//
// This file reads what a model file keeps of compile(): Keras 3's
// `compile_config`, Keras 2's and the TF.js converter's `training_config`,
// and TF.js's own `trainingConfig`. They hold the same three things in
// different spellings (the optimizer with its hyper-parameters, the loss, the
// metrics); TrainingSpec holds them in Keras's (docs/keras-semantics.md §4):
// optimizer names in lower case, hyper-parameters under Keras's keyword
// names, losses by their canonical Keras name.
//
// Settings cnnc does not implement (gradient clipping, weight decay,
// learning-rate schedules, AMSGrad, ...) are located errors: dropping them
// would train a different model without a word.
//
//===----------------------------------------------------------------------===//

#include "frontends/keras-json/KerasReaders.h"

#include "llvm/ADT/StringSwitch.h"

#include <algorithm>

using namespace cnnc;

//===----------------------------------------------------------------------===//
// Optimizer
//===----------------------------------------------------------------------===//

namespace {
/// What one optimizer config key means to cnnc, by its folded spelling
/// (Keras `learning_rate` and TF.js `learningRate` fold alike).
enum class KeySense {
  Ignore,          // bookkeeping: name, jit_compile, ema_momentum, ...
  HyperParameter,  // kept under its Keras name
  MustBeNullOrZero // a feature cnnc does not have, off when null/0/false
};
struct KeyRule {
  KeySense sense = KeySense::Ignore;
  const char *kerasName = nullptr;
};
} // namespace

static KeyRule ruleFor(KerasOptimizer optimizer, llvm::StringRef folded,
                       const KerasFileInfo &info) {
  using S = KeySense;
  if (folded == "learningrate" || folded == "lr")
    return {S::HyperParameter, "learning_rate"};
  if (folded == "decay") {
    // TF.js's RMSProp calls rho `decay`; Keras 2's legacy optimizers use
    // `decay` for a learning-rate decay cnnc does not implement.
    if (info.isTfjs && optimizer == KerasOptimizer::RMSprop)
      return {S::HyperParameter, "rho"};
    return {S::MustBeNullOrZero, nullptr};
  }
  if (optimizer == KerasOptimizer::Adam) {
    if (folded == "beta1")
      return {S::HyperParameter, "beta_1"};
    if (folded == "beta2")
      return {S::HyperParameter, "beta_2"};
    if (folded == "epsilon")
      return {S::HyperParameter, "epsilon"};
    if (folded == "amsgrad")
      return {S::MustBeNullOrZero, nullptr};
  }
  if (optimizer == KerasOptimizer::SGD) {
    if (folded == "momentum")
      return {S::HyperParameter, "momentum"};
    if (folded == "nesterov" || folded == "usenesterov")
      return {S::HyperParameter, "nesterov"};
  }
  if (optimizer == KerasOptimizer::RMSprop) {
    if (folded == "rho")
      return {S::HyperParameter, "rho"};
    if (folded == "epsilon")
      return {S::HyperParameter, "epsilon"};
    // Both are off by default, and TF.js writes momentum: 0 always.
    if (folded == "momentum" || folded == "centered")
      return {S::MustBeNullOrZero, nullptr};
  }
  return llvm::StringSwitch<KeyRule>(folded)
      .Cases("weightdecay", "clipnorm", "clipvalue", "globalclipnorm",
             {S::MustBeNullOrZero, nullptr})
      .Cases("useema", "lossscalefactor", "gradientaccumulationsteps",
             {S::MustBeNullOrZero, nullptr})
      .Default({S::Ignore, nullptr});
}

static bool isNullOrZero(const JsonNode &node) {
  if (node.isNullOrMissing())
    return true;
  const llvm::json::Value &value = *node.getValue();
  if (std::optional<bool> b = value.getAsBoolean())
    return !*b;
  if (std::optional<double> d = value.getAsNumber())
    return *d == 0.0;
  return false;
}

static llvm::Error readOptimizer(const JsonNode &node, TrainingSpec &out,
                                 const KerasFileInfo &info) {
  // compile(optimizer='adam') keeps the string (Keras 3 compile_config);
  // everything else writes {"class_name": "Adam", "config": {...}}.
  JsonNode nameNode = node.getObject() ? node.get("class_name") : node;
  std::optional<llvm::StringRef> name = nameNode.getString();
  ConfigReader owner(node, "");
  if (!name)
    return owner.fail(nameNode, "expected an optimizer name, found " +
                                    nameNode.describe());
  std::string folded = foldName(bareClassName(*name));
  // TF.js's momentum optimizer is Keras's SGD with momentum.
  std::optional<KerasOptimizer> canonical =
      llvm::StringSwitch<std::optional<KerasOptimizer>>(folded)
          .Case("adam", KerasOptimizer::Adam)
          .Cases("sgd", "momentum", KerasOptimizer::SGD)
          .Case("rmsprop", KerasOptimizer::RMSprop)
          .Default(std::nullopt);
  if (!canonical)
    return owner.fail(nameNode, "unsupported optimizer " + nameNode.describe() +
                                    " (cnnc has adam, sgd and rmsprop)");

  OptimizerSpec optimizer;
  optimizer.kind = *canonical;
  optimizer.loc = nameNode.loc();
  ConfigReader params(node.get("config"),
                      std::string("optimizer '") + kerasName(*canonical) + "'");
  if (const llvm::json::Object *object = params.node().getObject()) {
    // Visit keys in file order (llvm::json's map has none of its own), so
    // the error names the first offending key a reader would see.
    std::vector<std::pair<SourceLoc, std::string>> keys;
    for (const auto &member : *object) {
      std::string key = member.first.str();
      keys.emplace_back(params.field(key).loc(), std::move(key));
    }
    std::sort(keys.begin(), keys.end(), [](const auto &a, const auto &b) {
      return std::make_pair(a.first.line, a.first.column) <
             std::make_pair(b.first.line, b.first.column);
    });
    for (const auto &entry : keys) {
      const std::string &key = entry.second;
      JsonNode value = params.field(key);
      KeyRule rule = ruleFor(*canonical, foldName(key), info);
      switch (rule.sense) {
      case KeySense::Ignore:
        break;
      case KeySense::MustBeNullOrZero:
        if (!isNullOrZero(value))
          return params.fail(value, "'" + key + "' is not supported, found " +
                                        value.describe());
        break;
      case KeySense::HyperParameter: {
        // null: Keras's default (legacy optimizers' epsilon=None).
        if (value.isNullOrMissing())
          break;
        double number;
        if (std::optional<bool> b = value.getValue()->getAsBoolean()) {
          number = *b ? 1.0 : 0.0;
        } else if (value.getObject()) {
          return params.fail(value, "learning-rate schedules and other "
                                    "objects are not supported for '" +
                                        key + "'");
        } else if (llvm::Error err =
                       params.toNumber(value, "'" + key + "'", number)) {
          return err;
        }
        optimizer.hyperParameters[rule.kerasName] = number;
        break;
      }
      }
    }
  }
  out.optimizer = std::move(optimizer);
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// Loss and metrics
//===----------------------------------------------------------------------===//

static std::optional<KerasLoss> canonicalLoss(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<KerasLoss>>(
             foldName(bareClassName(name)))
      .Case("sparsecategoricalcrossentropy",
            KerasLoss::SparseCategoricalCrossentropy)
      .Case("categoricalcrossentropy", KerasLoss::CategoricalCrossentropy)
      .Cases("mse", "meansquarederror", KerasLoss::MSE)
      .Case("binarycrossentropy", KerasLoss::BinaryCrossentropy)
      .Default(std::nullopt);
}

/// A one-output model's loss may come wrapped per output: `["mse"]` or
/// `{"dense_1": "mse"}` (an object that is not a serialised loss).
static JsonNode unwrapPerOutput(JsonNode node) {
  if (const llvm::json::Array *array = node.getArray())
    return array->size() == 1 ? node.at(0) : node;
  if (const llvm::json::Object *object = node.getObject())
    if (!object->get("class_name") && object->size() == 1)
      return node.get(object->begin()->first);
  return node;
}

static llvm::Error readLoss(JsonNode node, TrainingSpec &out) {
  node = unwrapPerOutput(node);
  ConfigReader owner(node, "");
  JsonNode nameNode = node;
  JsonNode params = node.get("config");
  if (node.getObject()) {
    nameNode = node.get("class_name");
    // Keras 3 may serialise a loss function as {"class_name": "function",
    // "config": "sparse_categorical_crossentropy", ...}.
    if (params.getString())
      nameNode = params;
  }
  std::optional<llvm::StringRef> name = nameNode.getString();
  if (!name)
    return owner.fail(nameNode,
                      "expected a loss name, found " + nameNode.describe());
  std::optional<KerasLoss> loss = canonicalLoss(*name);
  if (!loss)
    return owner.fail(nameNode, "unsupported loss " + nameNode.describe() +
                                    " (cnnc has sparse_categorical_"
                                    "crossentropy, categorical_crossentropy, "
                                    "binary_crossentropy and mse)");
  out.loss = *loss;

  ConfigReader reader(params, std::string("loss '") + kerasName(*loss) + "'");
  if (!params.getObject())
    return llvm::Error::success();
  if (llvm::Error err = reader.readBool("from_logits", out.lossFromLogits))
    return err;
  double smoothing = 0.0;
  if (llvm::Error err = reader.readNumber("label_smoothing", smoothing))
    return err;
  if (smoothing != 0.0)
    return reader.fail(reader.field("label_smoothing"),
                       "label smoothing is not supported, found " +
                           reader.field("label_smoothing").describe());
  if (llvm::Error err = reader.requireNull("ignore_class"))
    return err;
  // The mean over the batch: Keras 2 says "auto", Keras 3
  // "sum_over_batch_size".
  JsonNode reduction = reader.field("reduction");
  if (!reduction.isNullOrMissing()) {
    std::optional<llvm::StringRef> r = reduction.getString();
    if (!r || (*r != "auto" && *r != "sum_over_batch_size"))
      return reader.fail(reduction,
                         "unsupported loss reduction " + reduction.describe());
  }
  return llvm::Error::success();
}

static llvm::Error readMetric(const JsonNode &node,
                              std::vector<std::string> &out) {
  ConfigReader owner(node, "");
  if (node.isNullOrMissing())
    return llvm::Error::success();
  if (std::optional<llvm::StringRef> s = node.getString()) {
    out.push_back(s->str());
    return llvm::Error::success();
  }
  // Keras 2 nests metrics per output, as a list ([[{...}]]) or by output
  // name ({"dense_1": [...]}); a Sequential model has one output. The
  // recursion is as deep as the file, which parseJson bounds.
  if (const llvm::json::Array *array = node.getArray()) {
    for (size_t i = 0; i < array->size(); ++i)
      if (llvm::Error err = readMetric(node.at(i), out))
        return err;
    return llvm::Error::success();
  }
  const llvm::json::Object *object = node.getObject();
  if (object && !object->get("class_name") && object->size() == 1)
    return readMetric(node.get(object->begin()->first), out);
  if (object) {
    // A serialised metric names itself in config.name (MeanMetricWrapper
    // "accuracy", SparseCategoricalAccuracy "sparse_categorical_accuracy").
    JsonNode params = node.get("config");
    if (std::optional<llvm::StringRef> s = params.getString()) {
      out.push_back(s->str());
      return llvm::Error::success();
    }
    if (std::optional<llvm::StringRef> s = params.get("name").getString()) {
      out.push_back(s->str());
      return llvm::Error::success();
    }
  }
  return owner.fail(node, "expected a metric name, found " + node.describe());
}

//===----------------------------------------------------------------------===//
// Entry point
//===----------------------------------------------------------------------===//

llvm::Error cnnc::readTrainingConfig(const JsonNode &config, TrainingSpec &out,
                                     const KerasFileInfo &info) {
  ConfigReader reader(config, "");
  if (!config.getObject())
    return reader.fail(config, "expected an object for the training "
                               "configuration, found " +
                                   config.describe());

  JsonNode optimizer = config.get("optimizer_config");
  if (!optimizer.exists())
    optimizer = config.get("optimizer");
  if (!optimizer.isNullOrMissing())
    if (llvm::Error err = readOptimizer(optimizer, out, info))
      return err;

  if (!config.get("loss").isNullOrMissing())
    if (llvm::Error err = readLoss(config.get("loss"), out))
      return err;
  if (llvm::Error err = reader.requireNull("loss_weights"))
    return err;

  std::vector<std::string> metrics;
  if (llvm::Error err = readMetric(config.get("metrics"), metrics))
    return err;
  out.metrics = std::move(metrics);
  return llvm::Error::success();
}
