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

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSwitch.h"

#include <algorithm>
#include <cmath>

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

static llvm::Error readOneLoss(JsonNode node, TrainingSpec &out);

/// Whether `node` is a loss per output: a list, or an object that is not a
/// serialised loss ({"dense_1": "mse", ...}).
static bool isPerOutput(const JsonNode &node) {
  if (node.getArray())
    return true;
  const llvm::json::Object *object = node.getObject();
  return object && !object->get("class_name");
}

/// The entries of a per-output form: (output name or "" in a list, value).
static std::vector<std::pair<std::string, JsonNode>>
perOutputEntries(const JsonNode &node) {
  std::vector<std::pair<std::string, JsonNode>> entries;
  if (const llvm::json::Array *array = node.getArray()) {
    for (size_t i = 0; i < array->size(); ++i)
      entries.push_back({"", node.at(i)});
    return entries;
  }
  for (const auto &member : *node.getObject())
    entries.push_back({member.first.str(), node.get(member.first)});
  // JSON objects are unordered here: sorted by name, so that errors come
  // in one order.
  llvm::sort(entries,
             [](const auto &a, const auto &b) { return a.first < b.first; });
  return entries;
}

static llvm::Error readLoss(JsonNode node, TrainingSpec &out) {
  // Each output's loss is kept (ModelToCnn checks them against the
  // model's outputs); a single one is also the model's loss, as a
  // one-output model's ["mse"] or {"dense_1": "mse"} means.
  if (isPerOutput(node)) {
    out.lossLoc = node.loc();
    for (const auto &[name, entry] : perOutputEntries(node)) {
      // null: Keras's None, an output that has no loss.
      TrainingSpec one;
      if (!entry.isNullOrMissing())
        if (llvm::Error err = readOneLoss(entry, one))
          return err;
      out.outputLosses.push_back(
          {name, entry.loc(), one.loss, one.lossFromLogits});
    }
    if (out.outputLosses.size() == 1 && out.outputLosses.front().loss) {
      out.loss = out.outputLosses.front().loss;
      out.lossFromLogits = out.outputLosses.front().fromLogits;
    }
    return llvm::Error::success();
  }
  return readOneLoss(node, out);
}

/// `loss_weights`: a list in output order or an object by output name.
static llvm::Error readLossWeights(JsonNode node, TrainingSpec &out) {
  if (node.isNullOrMissing())
    return llvm::Error::success();
  if (!node.getArray() && !node.getObject())
    return node.error("expected loss_weights as a list or an object by "
                      "output name, found " +
                      node.describe());
  out.lossWeightsLoc = node.loc();
  for (const auto &[name, entry] : perOutputEntries(node)) {
    const llvm::json::Value *value = entry.getValue();
    std::optional<double> weight = value ? value->getAsNumber() : std::nullopt;
    if (!weight || !std::isfinite(*weight))
      return entry.error("expected a number as a loss weight, found " +
                         entry.describe());
    out.lossWeights.push_back({name, entry.loc(), *weight});
  }
  return llvm::Error::success();
}

static llvm::Error readOneLoss(JsonNode node, TrainingSpec &out) {
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
  if (object && !object->get("class_name")) {
    for (const auto &[name, entry] : perOutputEntries(node))
      if (llvm::Error err = readMetric(entry, out))
        return err;
    return llvm::Error::success();
  }
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
  if (llvm::Error err = readLossWeights(config.get("loss_weights"), out))
    return err;

  std::vector<std::string> metrics;
  if (llvm::Error err = readMetric(config.get("metrics"), metrics))
    return err;
  out.metrics = std::move(metrics);
  return llvm::Error::success();
}
