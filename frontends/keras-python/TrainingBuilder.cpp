//===- TrainingBuilder.cpp - compile() and fit() to TrainingSpec ----------===//
//
// Signatures from Keras 2.15 (keras/engine/training.py, keras/optimizers/
// adam.py, sgd.py, rmsprop.py, keras/losses.py); the first parameters of
// the optimizers keep the positional order that older Keras versions share.
//
//===----------------------------------------------------------------------===//

#include "frontends/keras-python/TrainingBuilder.h"

#include "frontends/keras-python/Arguments.h"

#include "llvm/ADT/StringSwitch.h"

#include <cmath>

using namespace cnnc;
using namespace cnnc::py;
using llvm::Error;
using llvm::Expected;
using llvm::StringRef;

/// A value the script computes at run time, which cnnc leaves to the
/// command line's defaults.
static bool isRunTimeValue(const CallArgValue *arg) {
  return arg && arg->value.isUnknown() && !arg->value.hasReason();
}

//===----------------------------------------------------------------------===//
// Optimizers
//===----------------------------------------------------------------------===//

static const StringRef kAdamParams[] = {
    "learning_rate", "beta_1",       "beta_2",
    "epsilon",       "amsgrad",      "weight_decay",
    "clipnorm",      "clipvalue",    "global_clipnorm",
    "use_ema",       "ema_momentum", "ema_overwrite_frequency",
    "jit_compile",   "name"};
static const StringRef kSgdParams[] = {
    "learning_rate",   "momentum",
    "nesterov",        "weight_decay",
    "clipnorm",        "clipvalue",
    "global_clipnorm", "use_ema",
    "ema_momentum",    "ema_overwrite_frequency",
    "jit_compile",     "name"};
static const StringRef kRmspropParams[] = {
    "learning_rate", "rho",          "momentum",
    "epsilon",       "centered",     "weight_decay",
    "clipnorm",      "clipvalue",    "global_clipnorm",
    "use_ema",       "ema_momentum", "ema_overwrite_frequency",
    "jit_compile",   "name"};
// `lr` is Keras 2's old name of learning_rate; `decay` its old schedule.
static const StringRef kOptimizerKeywords[] = {
    "lr", "decay", "loss_scale_factor", "gradient_accumulation_steps"};

/// Stores a numeric hyper-parameter if the call gives it.
static Error readHyperParameter(const Arguments &args, StringRef name,
                                OptimizerSpec &spec) {
  const CallArgValue *arg = args.get(name);
  if (!arg || isRunTimeValue(arg))
    return Error::success();
  if (!arg->value.isNumber())
    return args.typeError(name, *arg, "a number");
  double value = arg->value.asDouble();
  if (!std::isfinite(value) || value < 0)
    return args.error(arg->pos, "'", name,
                      "' must be a non-negative number, not ",
                      repr(arg->value));
  spec.hyperParameters[name.str()] = value;
  return Error::success();
}

static Error readLearningRate(const Arguments &args, OptimizerSpec &spec) {
  const CallArgValue *lr = args.get("learning_rate");
  if (const CallArgValue *old = args.get("lr")) {
    if (lr)
      return args.error(
          old->keywordPos,
          "multiple values for argument 'learning_rate' ('lr' is its "
          "old name)");
    lr = old;
  }
  if (!lr || isRunTimeValue(lr))
    return Error::success();
  const Value &v = lr->value;
  if (v.is(Value::Kind::Object) && v.call->symbol.kind == SymbolKind::Schedule)
    return args.error(lr->pos, "unsupported learning-rate schedule '",
                      v.call->symbol.name, "'");
  if (!v.isNumber())
    return args.typeError("learning_rate", *lr, "a number");
  if (!std::isfinite(v.asDouble()) || v.asDouble() < 0)
    return args.error(lr->pos,
                      "'learning_rate' must be a non-negative number, not ",
                      repr(v));
  spec.hyperParameters["learning_rate"] = v.asDouble();
  return Error::success();
}

/// Arguments of Keras optimizers that change the update rule in ways cnnc
/// does not implement: errors unless left at their defaults.
static Error checkUnimplementedOptimizerArgs(const Arguments &args) {
  for (StringRef name : {"clipnorm", "clipvalue", "global_clipnorm",
                         "loss_scale_factor", "gradient_accumulation_steps"})
    if (Error err = args.requireNone(name))
      return err;
  if (args.hasValue("weight_decay"))
    if (Error err = args.requireDefault("weight_decay", Value::fromInt(0)))
      return err;
  if (Error err = args.requireDefault("use_ema", Value::fromBool(false)))
    return err;
  if (Error err = args.requireDefault("decay", Value::fromFloat(0.0)))
    return err;
  for (StringRef name : {"amsgrad", "centered"})
    if (Error err = args.requireDefault(name, Value::fromBool(false)))
      return err;
  return Error::success();
}

static Expected<OptimizerSpec>
buildOptimizer(const KerasCall &call, KerasOptimizer kind, StringRef file) {
  llvm::ArrayRef<StringRef> params =
      kind == KerasOptimizer::Adam  ? llvm::ArrayRef(kAdamParams)
      : kind == KerasOptimizer::SGD ? llvm::ArrayRef(kSgdParams)
                                    : llvm::ArrayRef(kRmspropParams);
  auto bound = Arguments::bind(call, Signature{params, kOptimizerKeywords},
                               call.symbol.name, file);
  if (!bound)
    return bound.takeError();
  const Arguments &args = *bound;

  OptimizerSpec spec;
  spec.kind = kind;
  spec.loc = toSourceLoc(file, call.pos);
  if (Error err = readLearningRate(args, spec))
    return std::move(err);
  if (Error err = checkUnimplementedOptimizerArgs(args))
    return std::move(err);
  for (StringRef name : {"beta_1", "beta_2", "epsilon", "rho", "momentum"})
    // RMSprop's momentum must stay 0 (checked below): not a setting to keep.
    if (llvm::is_contained(params, name) &&
        !(kind == KerasOptimizer::RMSprop && name == "momentum"))
      if (Error err = readHyperParameter(args, name, spec))
        return std::move(err);

  if (kind == KerasOptimizer::SGD) {
    auto momentum = spec.hyperParameters.find("momentum");
    if (momentum != spec.hyperParameters.end() && momentum->second > 1)
      return args.error(args.get("momentum")->pos,
                        "'momentum' must be in [0, 1], not ",
                        repr(args.get("momentum")->value));
    const CallArgValue *nesterov = args.get("nesterov");
    if (nesterov && !isRunTimeValue(nesterov)) {
      auto value = args.getBool("nesterov", false);
      if (!value)
        return value.takeError();
      spec.hyperParameters["nesterov"] = *value ? 1.0 : 0.0;
    }
  }
  // The RMSprop update cnnc implements has no momentum term.
  if (kind == KerasOptimizer::RMSprop)
    if (Error err = args.requireDefault("momentum", Value::fromFloat(0.0)))
      return std::move(err);
  return spec;
}

static std::optional<KerasOptimizer> optimizerKind(StringRef name) {
  return llvm::StringSwitch<std::optional<KerasOptimizer>>(name.lower())
      .Case("adam", KerasOptimizer::Adam)
      .Case("sgd", KerasOptimizer::SGD)
      .Case("rmsprop", KerasOptimizer::RMSprop)
      .Default(std::nullopt);
}

static Error readOptimizer(const Arguments &args, TrainingSpec &training) {
  const CallArgValue *arg = args.get("optimizer");
  if (!arg || isRunTimeValue(arg))
    return Error::success();
  const Value &v = arg->value;
  if (v.is(Value::Kind::Str)) {
    std::optional<KerasOptimizer> kind = optimizerKind(v.text);
    if (!kind)
      return args.error(arg->pos, "unsupported optimizer '", v.text, "'");
    OptimizerSpec spec;
    spec.kind = *kind;
    spec.loc = toSourceLoc(args.file(), arg->pos);
    training.optimizer = std::move(spec);
    return Error::success();
  }
  if (v.is(Value::Kind::Object) &&
      v.call->symbol.kind == SymbolKind::Optimizer) {
    std::optional<KerasOptimizer> kind = optimizerKind(v.call->symbol.name);
    if (!kind)
      return args.error(v.call->pos, "unsupported optimizer '",
                        v.call->symbol.name, "'");
    auto spec = buildOptimizer(*v.call, *kind, args.file());
    if (!spec)
      return spec.takeError();
    training.optimizer = std::move(*spec);
    return Error::success();
  }
  return args.typeError("optimizer", *arg, "an optimizer name or object");
}

//===----------------------------------------------------------------------===//
// Losses and metrics
//===----------------------------------------------------------------------===//

/// Keras's loss functions by name, to the canonical names of TrainingSpec.
static std::optional<KerasLoss> lossByName(StringRef name) {
  return llvm::StringSwitch<std::optional<KerasLoss>>(name)
      .Case("sparse_categorical_crossentropy",
            KerasLoss::SparseCategoricalCrossentropy)
      .Case("categorical_crossentropy", KerasLoss::CategoricalCrossentropy)
      .Cases("mse", "MSE", "mean_squared_error", KerasLoss::MSE)
      .Case("binary_crossentropy", KerasLoss::BinaryCrossentropy)
      .Default(std::nullopt);
}

static std::optional<KerasLoss> lossByClass(StringRef name) {
  return llvm::StringSwitch<std::optional<KerasLoss>>(name)
      .Case("SparseCategoricalCrossentropy",
            KerasLoss::SparseCategoricalCrossentropy)
      .Case("CategoricalCrossentropy", KerasLoss::CategoricalCrossentropy)
      .Case("MeanSquaredError", KerasLoss::MSE)
      .Case("BinaryCrossentropy", KerasLoss::BinaryCrossentropy)
      .Default(std::nullopt);
}

static Error checkReduction(const Arguments &args) {
  const CallArgValue *arg = args.get("reduction");
  if (!arg)
    return Error::success();
  const Value &v = arg->value;
  std::string reduction;
  if (v.is(Value::Kind::Str))
    reduction = StringRef(v.text).lower();
  else if (v.is(Value::Kind::Symbol)) // losses.Reduction.AUTO
    reduction = StringRef(v.text).rsplit('.').second.lower();
  else
    return args.typeError("reduction", *arg, "a string");
  if (reduction == "auto" || reduction == "sum_over_batch_size")
    return Error::success();
  return args.error(arg->pos, "unsupported reduction '", v.text, "'");
}

static Error readLossObject(const KerasCall &call, KerasLoss loss,
                            StringRef file, TrainingSpec &training) {
  static const StringRef sparse[] = {"from_logits", "ignore_class", "reduction",
                                     "name"};
  static const StringRef categorical[] = {"from_logits", "label_smoothing",
                                          "axis", "reduction", "name"};
  static const StringRef mse[] = {"reduction", "name"};
  static const StringRef keywords[] = {"dtype"};
  llvm::ArrayRef<StringRef> params =
      loss == KerasLoss::MSE ? llvm::ArrayRef(mse)
      : loss == KerasLoss::CategoricalCrossentropy ||
              loss == KerasLoss::BinaryCrossentropy
          ? llvm::ArrayRef(categorical)
          : llvm::ArrayRef(sparse);
  auto bound = Arguments::bind(call, Signature{params, keywords},
                               call.symbol.name, file);
  if (!bound)
    return bound.takeError();
  const Arguments &args = *bound;
  if (Error err = checkReduction(args))
    return err;
  if (Error err = args.requireNone("ignore_class"))
    return err;
  if (Error err = args.requireDefault("label_smoothing", Value::fromFloat(0.0)))
    return err;
  if (Error err = args.requireDefault("axis", Value::fromInt(-1)))
    return err;
  auto fromLogits = args.getBool("from_logits", false);
  if (!fromLogits)
    return fromLogits.takeError();
  training.loss = loss;
  training.lossFromLogits = *fromLogits;
  return Error::success();
}

/// One loss as compile() takes it (a name or a loss object), written at
/// `pos`, into `training.loss` and `training.lossFromLogits`.
static Error readOneLoss(const Arguments &args, const Value &v, Position pos,
                         TrainingSpec &training) {
  std::optional<KerasLoss> loss;
  if (v.is(Value::Kind::Str)) {
    loss = lossByName(v.text);
    if (!loss)
      return args.error(pos, "unsupported loss '", v.text, "'");
  } else if (v.is(Value::Kind::Symbol) &&
             classifySymbol(v.text).kind == SymbolKind::Loss) {
    std::string name = classifySymbol(v.text).name;
    loss = lossByName(name);
    if (!loss)
      return args.error(pos, "unsupported loss '", name, "'");
  } else if (v.is(Value::Kind::Object) &&
             v.call->symbol.kind == SymbolKind::Loss) {
    loss = lossByClass(v.call->symbol.name);
    if (!loss)
      return args.error(v.call->pos, "unsupported loss '", v.call->symbol.name,
                        "'");
    return readLossObject(*v.call, *loss, args.file(), training);
  } else {
    return args.error(pos, "expected a loss name or object, found ",
                      describe(v));
  }
  training.loss = loss;
  training.lossFromLogits = false;
  return Error::success();
}

static SourceLoc sourceLoc(const Arguments &args, Position pos) {
  return SourceLoc{args.file().str(), pos.line, pos.column};
}

static Error readLoss(const Arguments &args, TrainingSpec &training) {
  const CallArgValue *arg = args.get("loss");
  if (!arg || isRunTimeValue(arg))
    return Error::success();
  const Value &v = arg->value;
  // A loss per output, by output name or in output order (a model with
  // several outputs); ModelToCnn checks the names and the length.
  if (v.is(Value::Kind::Dict) || v.isSequence()) {
    std::vector<std::pair<std::string, Value>> items;
    if (v.is(Value::Kind::Dict))
      items = *v.entries;
    else
      for (const Value &item : *v.elements)
        items.push_back({"", item});
    training.lossLoc = sourceLoc(args, arg->pos);
    for (const auto &[name, item] : items) {
      // None: an output that has no loss.
      TrainingSpec one;
      if (!item.is(Value::Kind::None))
        if (Error err = readOneLoss(args, item, arg->pos, one))
          return err;
      training.outputLosses.push_back(
          {name, training.lossLoc, one.loss, one.lossFromLogits});
    }
    // One entry is also the whole model's loss, as Keras reads a
    // one-output model's ["mse"].
    if (training.outputLosses.size() == 1 &&
        training.outputLosses.front().loss) {
      training.loss = training.outputLosses.front().loss;
      training.lossFromLogits = training.outputLosses.front().fromLogits;
    }
    return Error::success();
  }
  if (v.is(Value::Kind::Str) || v.is(Value::Kind::Symbol) ||
      v.is(Value::Kind::Object))
    return readOneLoss(args, v, arg->pos, training);
  return args.typeError("loss", *arg, "a loss name or object");
}

/// compile(loss_weights=...): a dict by output name or a list in output
/// order, of numbers.
static Error readLossWeights(const Arguments &args, TrainingSpec &training) {
  const CallArgValue *arg = args.get("loss_weights");
  if (!arg || isRunTimeValue(arg) || arg->value.is(Value::Kind::None))
    return Error::success();
  const Value &v = arg->value;
  std::vector<std::pair<std::string, Value>> items;
  if (v.is(Value::Kind::Dict))
    items = *v.entries;
  else if (v.isSequence())
    for (const Value &item : *v.elements)
      items.push_back({"", item});
  else
    return args.typeError("loss_weights", *arg,
                          "a dict by output name or a list of numbers");
  training.lossWeightsLoc = sourceLoc(args, arg->pos);
  for (const auto &[name, item] : items) {
    if (!item.isNumber() || !std::isfinite(item.asDouble()))
      return args.error(arg->pos, "'loss_weights' must hold numbers, not ",
                        describe(item));
    training.lossWeights.push_back(
        {name, training.lossWeightsLoc, item.asDouble()});
  }
  return Error::success();
}

static std::string metricByName(StringRef name) {
  return llvm::StringSwitch<std::string>(name)
      .Cases("accuracy", "acc", "accuracy")
      .Case("sparse_categorical_accuracy", "sparse_categorical_accuracy")
      .Case("categorical_accuracy", "categorical_accuracy")
      .Case("SparseCategoricalAccuracy", "sparse_categorical_accuracy")
      .Case("CategoricalAccuracy", "categorical_accuracy")
      .Default("");
}

static Error readMetrics(const Arguments &args, TrainingSpec &training) {
  const CallArgValue *arg = args.get("metrics");
  if (!arg || isRunTimeValue(arg) || arg->value.is(Value::Kind::None))
    return Error::success();
  std::vector<Value> items;
  if (arg->value.isSequence())
    items = *arg->value.elements;
  else if (arg->value.is(Value::Kind::Str) ||
           arg->value.is(Value::Kind::Object))
    items.push_back(arg->value);
  else
    return args.typeError("metrics", *arg, "a list of metrics");

  std::vector<std::string> metrics;
  for (const Value &item : items) {
    std::string name;
    if (item.is(Value::Kind::Str))
      name = item.text;
    else if (item.is(Value::Kind::Object) &&
             item.call->symbol.kind == SymbolKind::Metric)
      name = item.call->symbol.name;
    else if (item.is(Value::Kind::Symbol) &&
             classifySymbol(item.text).kind == SymbolKind::Metric)
      name = classifySymbol(item.text).name;
    else if (item.hasReason())
      return args.error(item.reasonPos, item.text);
    else if (item.isUnknown())
      continue;
    else
      return args.error(arg->pos,
                        "'metrics' must hold metric names or objects, not ",
                        describe(item));
    std::string metric = metricByName(name);
    if (metric.empty())
      return args.error(arg->pos, "unsupported metric '", name, "'");
    metrics.push_back(metric);
  }
  training.metrics = std::move(metrics);
  return Error::success();
}

//===----------------------------------------------------------------------===//
// compile() and fit()
//===----------------------------------------------------------------------===//

Error py::applyCompile(const KerasCall &call, TrainingSpec &training,
                       StringRef file) {
  static const StringRef params[] = {"optimizer",
                                     "loss",
                                     "metrics",
                                     "loss_weights",
                                     "weighted_metrics",
                                     "run_eagerly",
                                     "steps_per_execution",
                                     "jit_compile"};
  static const StringRef keywords[] = {"pss_evaluation_shards",
                                       "auto_scale_loss", "sample_weight_mode",
                                       "target_tensors", "distribute"};
  auto bound =
      Arguments::bind(call, Signature{params, keywords}, "compile", file);
  if (!bound)
    return bound.takeError();
  const Arguments &args = *bound;
  for (StringRef name :
       {"weighted_metrics", "sample_weight_mode", "target_tensors"})
    if (Error err = args.requireNone(name))
      return err;
  if (Error err = readOptimizer(args, training))
    return err;
  if (Error err = readLoss(args, training))
    return err;
  if (Error err = readLossWeights(args, training))
    return err;
  return readMetrics(args, training);
}

Error py::applyFit(const KerasCall &call, TrainingSpec &training,
                   StringRef file) {
  static const StringRef params[] = {"x",
                                     "y",
                                     "batch_size",
                                     "epochs",
                                     "verbose",
                                     "callbacks",
                                     "validation_split",
                                     "validation_data",
                                     "shuffle",
                                     "class_weight",
                                     "sample_weight",
                                     "initial_epoch",
                                     "steps_per_epoch",
                                     "validation_steps",
                                     "validation_batch_size",
                                     "validation_freq",
                                     "max_queue_size",
                                     "workers",
                                     "use_multiprocessing"};
  auto bound = Arguments::bind(call, Signature{params}, "fit", file);
  if (!bound)
    return bound.takeError();
  const Arguments &args = *bound;
  // These change what or how long cnnc trains; the data arguments (x, y,
  // validation_data) and reporting ones are the command line's business.
  for (StringRef name : {"class_weight", "sample_weight", "steps_per_epoch"})
    if (Error err = args.requireNone(name))
      return err;
  if (Error err = args.requireDefault("initial_epoch", Value::fromInt(0)))
    return err;

  if (const CallArgValue *arg = args.get("batch_size");
      arg && !isRunTimeValue(arg) && !arg->value.is(Value::Kind::None)) {
    auto batch = args.getPositiveCount("batch_size");
    if (!batch)
      return batch.takeError();
    training.batchSize = *batch;
  }
  if (const CallArgValue *arg = args.get("epochs");
      arg && !isRunTimeValue(arg)) {
    auto epochs = args.getInt("epochs", 1);
    if (!epochs)
      return epochs.takeError();
    if (*epochs < 0)
      return args.error(arg->pos, "'epochs' must not be negative, not ",
                        std::to_string(*epochs));
    training.epochs = *epochs;
  }
  if (const CallArgValue *arg = args.get("validation_split");
      arg && !isRunTimeValue(arg)) {
    auto split = args.getNumber("validation_split", 0.0);
    if (!split)
      return split.takeError();
    if (!(*split >= 0.0 && *split < 1.0))
      return args.error(arg->pos, "'validation_split' must be in [0, 1), not ",
                        repr(arg->value));
    training.validationSplit = *split;
  }
  if (const CallArgValue *arg = args.get("shuffle");
      arg && !isRunTimeValue(arg)) {
    if (arg->value.is(Value::Kind::Str))
      return args.error(arg->pos, "unsupported 'shuffle' value ",
                        repr(arg->value), " (only True or False)");
    auto shuffle = args.getBool("shuffle", true);
    if (!shuffle)
      return shuffle.takeError();
    training.shuffle = *shuffle;
  }
  return Error::success();
}
