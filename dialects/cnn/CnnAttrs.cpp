//===- CnnAttrs.cpp - #cnn.optimizer and #cnn.training --------------------===//
//
// Their assembly, their verifiers, and Keras's defaults for what a model
// file leaves unsaid.
//
//===----------------------------------------------------------------------===//

#include "dialects/cnn/Training.h"

#include "dialects/cnn/KerasDefaults.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

using namespace mlir;
using namespace mlir::cnn;
namespace defaults = mlir::cnn::keras_defaults;

#define GET_ATTRDEF_CLASSES
#include "dialects/cnn/CnnAttrs.cpp.inc"

void CnnDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/cnn/CnnAttrs.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// Names
//===----------------------------------------------------------------------===//

std::optional<Loss> cnn::lossFromKerasName(StringRef name) {
  if (name == "mean_squared_error") // Keras's alias
    return Loss::MeanSquaredError;
  return symbolizeLoss(name);
}

std::optional<OptimizerKind> cnn::optimizerFromKerasName(StringRef name) {
  return symbolizeOptimizerKind(name.lower());
}

//===----------------------------------------------------------------------===//
// Numbers in the assembly
//===----------------------------------------------------------------------===//

/// The shortest decimal that reads back as `value`, as an MLIR float
/// literal (`0.001`, `1.0e-07`, `5.0`).
static void printNumber(AsmPrinter &printer, double value) {
  if (!std::isfinite(value)) {
    printer.printFloat(llvm::APFloat(value));
    return;
  }
  char text[40];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(text, sizeof text, "%.*g", precision, value);
    if (std::strtod(text, nullptr) == value)
      break;
  }
  std::string literal = text;
  if (literal.find('.') == std::string::npos) {
    size_t exponent = literal.find('e');
    literal.insert(exponent == std::string::npos ? literal.size() : exponent,
                   ".0");
  }
  printer << literal;
}

static ParseResult parseBool(AsmParser &parser, bool &value) {
  SMLoc at = parser.getCurrentLocation();
  StringRef word;
  if (parser.parseKeyword(&word))
    return failure();
  if (word != "true" && word != "false")
    return parser.emitError(at, "expected true or false");
  value = word == "true";
  return success();
}

/// `key = value, ...` up to `>`, each key once; `parseValue(key, at)` reads
/// the value after the `=`.
static ParseResult
parseFields(AsmParser &parser,
            llvm::function_ref<ParseResult(StringRef, SMLoc)> parseValue) {
  llvm::StringSet<> seen;
  do {
    SMLoc at = parser.getCurrentLocation();
    StringRef key;
    if (parser.parseKeyword(&key))
      return failure();
    if (!seen.insert(key).second)
      return parser.emitError(at, "'") << key << "' is given twice";
    if (parser.parseEqual() || parseValue(key, at))
      return failure();
  } while (succeeded(parser.parseOptionalComma()));
  return parser.parseGreater();
}

//===----------------------------------------------------------------------===//
// #cnn.optimizer
//===----------------------------------------------------------------------===//

ArrayRef<StringRef> OptimizerAttr::settingNames(OptimizerKind kind) {
  static const StringRef adam[] = {"learning_rate", "beta_1", "beta_2",
                                   "epsilon"};
  static const StringRef sgd[] = {"learning_rate", "momentum", "nesterov"};
  static const StringRef rmsprop[] = {"learning_rate", "rho", "epsilon"};
  switch (kind) {
  case OptimizerKind::Adam:
    return adam;
  case OptimizerKind::SGD:
    return sgd;
  case OptimizerKind::RMSprop:
    return rmsprop;
  }
  llvm_unreachable("unknown optimizer kind");
}

namespace {
/// The settings of an optimizer, by Keras name, as plain values.
struct Settings {
  std::optional<double> learningRate, beta1, beta2, epsilon, momentum, rho;
  std::optional<bool> nesterov;

  explicit Settings(OptimizerAttr attr)
      : learningRate(attr.getLearningRate()), beta1(attr.getBeta1()),
        beta2(attr.getBeta2()), epsilon(attr.getEpsilon()),
        momentum(attr.getMomentum()), rho(attr.getRho()),
        nesterov(attr.getNesterov()) {}
  Settings() = default;

  /// The number field named `name`; null for nesterov and unknown names.
  std::optional<double> *number(StringRef name) {
    return llvm::StringSwitch<std::optional<double> *>(name)
        .Case("learning_rate", &learningRate)
        .Case("beta_1", &beta1)
        .Case("beta_2", &beta2)
        .Case("epsilon", &epsilon)
        .Case("momentum", &momentum)
        .Case("rho", &rho)
        .Default(nullptr);
  }
  bool has(StringRef name) {
    if (name == "nesterov")
      return nesterov.has_value();
    std::optional<double> *field = number(name);
    return field && field->has_value();
  }
  OptimizerAttr get(MLIRContext *context, OptimizerKind kind) const {
    return OptimizerAttr::get(context, kind, learningRate, beta1, beta2,
                              epsilon, momentum, nesterov, rho);
  }
};
} // namespace

static constexpr StringRef kAllSettings[] = {
    "learning_rate", "beta_1",   "beta_2", "epsilon",
    "momentum",      "nesterov", "rho"};

LogicalResult OptimizerAttr::verify(
    function_ref<InFlightDiagnostic()> emitError, OptimizerKind kind,
    std::optional<HashableDouble> learningRate,
    std::optional<HashableDouble> beta1, std::optional<HashableDouble> beta2,
    std::optional<HashableDouble> epsilon,
    std::optional<HashableDouble> momentum, std::optional<bool> nesterov,
    std::optional<HashableDouble> rho) {
  Settings settings;
  settings.learningRate = learningRate;
  settings.beta1 = beta1;
  settings.beta2 = beta2;
  settings.epsilon = epsilon;
  settings.momentum = momentum;
  settings.rho = rho;
  settings.nesterov = nesterov;
  ArrayRef<StringRef> own = settingNames(kind);
  for (StringRef name : kAllSettings) {
    if (!settings.has(name))
      continue;
    if (!llvm::is_contained(own, name))
      return emitError() << "unsupported " << stringifyOptimizerKind(kind)
                         << " setting '" << name << "'";
    std::optional<double> *field = settings.number(name);
    if (!field)
      continue;
    double value = **field;
    if (!std::isfinite(value) || value < 0)
      return emitError() << "optimizer setting '" << name
                         << "' must be a finite non-negative number, not "
                         << value;
    bool fraction = name == "beta_1" || name == "beta_2" ||
                    name == "momentum" || name == "rho";
    if (fraction && value > 1)
      return emitError() << "optimizer setting '" << name
                         << "' must be in [0, 1], not " << value;
  }
  return success();
}

OptimizerAttr OptimizerAttr::withDefaults() const {
  Settings settings(*this);
  auto fill = [](std::optional<double> &field, double value) {
    if (!field)
      field = value;
  };
  switch (getKind()) {
  case OptimizerKind::Adam:
    fill(settings.learningRate, defaults::kAdamLearningRate);
    fill(settings.beta1, defaults::kAdamBeta1);
    fill(settings.beta2, defaults::kAdamBeta2);
    fill(settings.epsilon, defaults::kAdamEpsilon);
    break;
  case OptimizerKind::SGD:
    fill(settings.learningRate, defaults::kSgdLearningRate);
    fill(settings.momentum, defaults::kSgdMomentum);
    if (!settings.nesterov)
      settings.nesterov = defaults::kSgdNesterov;
    break;
  case OptimizerKind::RMSprop:
    fill(settings.learningRate, defaults::kRmspropLearningRate);
    fill(settings.rho, defaults::kRmspropRho);
    fill(settings.epsilon, defaults::kRmspropEpsilon);
    break;
  }
  return settings.get(getContext(), getKind());
}

std::optional<double> OptimizerAttr::getSetting(StringRef name) const {
  Settings settings(*this);
  if (name == "nesterov")
    return settings.nesterov ? std::optional<double>(*settings.nesterov ? 1 : 0)
                             : std::nullopt;
  std::optional<double> *field = settings.number(name);
  return field ? *field : std::nullopt;
}

OptimizerAttr OptimizerAttr::withSetting(StringRef name, double value) const {
  Settings settings(*this);
  if (name == "nesterov")
    settings.nesterov = value != 0;
  else if (std::optional<double> *field = settings.number(name))
    *field = value;
  else
    llvm_unreachable("not an optimizer setting");
  return settings.get(getContext(), getKind());
}

/// `<adam>`, `<sgd, learning_rate = 0.1, nesterov = true>`.
Attribute OptimizerAttr::parse(AsmParser &parser, Type) {
  SMLoc loc = parser.getCurrentLocation();
  StringRef name;
  if (parser.parseLess() || parser.parseKeyword(&name))
    return {};
  std::optional<OptimizerKind> kind = symbolizeOptimizerKind(name);
  if (!kind) {
    parser.emitError(loc, "unsupported optimizer '")
        << name << "': cnnc trains with adam, sgd or rmsprop";
    return {};
  }
  Settings settings;
  if (succeeded(parser.parseOptionalComma())) {
    auto parseValue = [&](StringRef key, SMLoc at) -> ParseResult {
      if (key == "nesterov") {
        bool value;
        if (parseBool(parser, value))
          return failure();
        settings.nesterov = value;
        return success();
      }
      std::optional<double> *field = settings.number(key);
      if (!field)
        return parser.emitError(at, "unsupported ")
               << name << " setting '" << key << "'";
      double value;
      if (parser.parseFloat(value))
        return failure();
      *field = value;
      return success();
    };
    if (parseFields(parser, parseValue))
      return {};
  } else if (parser.parseGreater()) {
    return {};
  }
  return parser.getChecked<OptimizerAttr>(
      loc, parser.getContext(), *kind, settings.learningRate, settings.beta1,
      settings.beta2, settings.epsilon, settings.momentum, settings.nesterov,
      settings.rho);
}

void OptimizerAttr::print(AsmPrinter &printer) const {
  printer << "<" << stringifyOptimizerKind(getKind());
  for (StringRef name : settingNames(getKind())) {
    std::optional<double> value = getSetting(name);
    if (!value)
      continue;
    printer << ", " << name << " = ";
    if (name == "nesterov")
      printer << (*value != 0 ? "true" : "false");
    else
      printNumber(printer, *value);
  }
  printer << ">";
}

//===----------------------------------------------------------------------===//
// #cnn.training
//===----------------------------------------------------------------------===//

LogicalResult TrainingAttr::verify(
    function_ref<InFlightDiagnostic()> emitError, std::optional<Loss> loss,
    bool fromLogits, OptimizerAttr optimizer, ArrayAttr metrics,
    std::optional<int64_t> epochs, std::optional<int64_t> batchSize,
    std::optional<HashableDouble> validationSplit,
    std::optional<bool> shuffle) {
  if (metrics && !llvm::all_of(metrics, llvm::IsaPred<StringAttr>))
    return emitError() << "metrics must be strings";
  if (epochs && *epochs < 0)
    return emitError() << "epochs must not be negative, not " << *epochs;
  if (batchSize && *batchSize < 1)
    return emitError() << "batch_size must be positive, not " << *batchSize;
  if (validationSplit &&
      !(*validationSplit >= 0 && *validationSplit < 1)) // and not NaN
    return emitError() << "validation_split must be in [0, 1), not "
                       << *validationSplit;
  return success();
}

Loss TrainingAttr::getLossOrDefault() const {
  return getLoss().value_or(Loss::SparseCategoricalCrossentropy);
}

OptimizerAttr TrainingAttr::getOptimizerOrDefault() const {
  OptimizerAttr optimizer = getOptimizer();
  if (!optimizer) // compile()'s default
    optimizer = OptimizerAttr::get(getContext(), OptimizerKind::RMSprop);
  return optimizer.withDefaults();
}

/// `<loss = mse, from_logits = true, optimizer = #cnn.optimizer<sgd>,
/// metrics = ["accuracy"], epochs = 5, batch_size = 32,
/// validation_split = 0.1, shuffle = true>`, each field optional.
Attribute TrainingAttr::parse(AsmParser &parser, Type) {
  SMLoc loc = parser.getCurrentLocation();
  if (parser.parseLess())
    return {};
  std::optional<Loss> loss;
  bool fromLogits = false;
  OptimizerAttr optimizer;
  ArrayAttr metrics;
  std::optional<int64_t> epochs, batchSize;
  std::optional<double> validationSplit;
  std::optional<bool> shuffle;
  auto parseValue = [&](StringRef key, SMLoc at) -> ParseResult {
    if (key == "loss") {
      StringRef name;
      if (parser.parseKeyword(&name))
        return failure();
      loss = lossFromKerasName(name);
      if (!loss)
        return parser.emitError(at, "unsupported loss '")
               << name
               << "': cnnc trains with sparse_categorical_crossentropy, "
                  "categorical_crossentropy, binary_crossentropy or mse";
      return success();
    }
    if (key == "from_logits")
      return parseBool(parser, fromLogits);
    if (key == "optimizer") {
      SMLoc valueAt = parser.getCurrentLocation();
      Attribute value;
      if (parser.parseAttribute(value))
        return failure();
      optimizer = llvm::dyn_cast<OptimizerAttr>(value);
      if (!optimizer)
        return parser.emitError(valueAt, "expected a #cnn.optimizer");
      return success();
    }
    if (key == "metrics")
      return parser.parseAttribute(metrics);
    if (key == "epochs" || key == "batch_size") {
      int64_t value;
      if (parser.parseInteger(value))
        return failure();
      (key == "epochs" ? epochs : batchSize) = value;
      return success();
    }
    if (key == "validation_split") {
      double value;
      if (parser.parseFloat(value))
        return failure();
      validationSplit = value;
      return success();
    }
    if (key == "shuffle") {
      bool value;
      if (parseBool(parser, value))
        return failure();
      shuffle = value;
      return success();
    }
    return parser.emitError(at, "unknown training setting '") << key << "'";
  };
  if (failed(parser.parseOptionalGreater()) && parseFields(parser, parseValue))
    return {};
  return parser.getChecked<TrainingAttr>(loc, parser.getContext(), loss,
                                         fromLogits, optimizer, metrics, epochs,
                                         batchSize, validationSplit, shuffle);
}

void TrainingAttr::print(AsmPrinter &printer) const {
  printer << "<";
  llvm::ListSeparator comma;
  if (std::optional<Loss> loss = getLoss())
    printer << StringRef(comma) << "loss = " << stringifyLoss(*loss);
  if (getFromLogits())
    printer << StringRef(comma) << "from_logits = true";
  if (OptimizerAttr optimizer = getOptimizer()) {
    printer << StringRef(comma) << "optimizer = ";
    printer.printAttribute(optimizer);
  }
  if (ArrayAttr metrics = getMetrics()) {
    printer << StringRef(comma) << "metrics = ";
    printer.printAttribute(metrics);
  }
  if (std::optional<int64_t> epochs = getEpochs())
    printer << StringRef(comma) << "epochs = " << *epochs;
  if (std::optional<int64_t> batchSize = getBatchSize())
    printer << StringRef(comma) << "batch_size = " << *batchSize;
  if (std::optional<double> split = getValidationSplit()) {
    printer << StringRef(comma) << "validation_split = ";
    printNumber(printer, *split);
  }
  if (std::optional<bool> shuffle = getShuffle())
    printer << StringRef(comma)
            << "shuffle = " << (*shuffle ? "true" : "false");
  printer << ">";
}

//===----------------------------------------------------------------------===//
// The module's settings, and the tool's overrides
//===----------------------------------------------------------------------===//

int64_t cnn::optimizerSlotCount(OptimizerKind kind) {
  return kind == OptimizerKind::Adam ? 2 : 1;
}

TrainingAttr cnn::getTraining(ModuleOp module) {
  if (auto training =
          module->getAttrOfType<TrainingAttr>(CnnDialect::kTrainingAttrName))
    return training;
  return TrainingAttr::get(module.getContext(), std::nullopt, false, nullptr,
                           nullptr, std::nullopt, std::nullopt, std::nullopt,
                           std::nullopt);
}

llvm::Expected<TrainingAttr>
cnn::withOverrides(TrainingAttr training, const TrainingOverrides &overrides) {
  auto error = [](const Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
  };
  std::optional<Loss> loss = training.getLoss();
  bool fromLogits = training.getFromLogits();
  OptimizerAttr optimizer = training.getOptimizer();
  if (overrides.loss) {
    loss = lossFromKerasName(*overrides.loss);
    if (!loss)
      return error("--loss: unsupported loss '" + *overrides.loss +
                   "' (sparse_categorical_crossentropy, "
                   "categorical_crossentropy, binary_crossentropy or mse)");
    // from_logits belongs to the model's loss.
    fromLogits = false;
  }
  if (overrides.optimizer) {
    std::optional<OptimizerKind> kind =
        optimizerFromKerasName(*overrides.optimizer);
    if (!kind)
      return error("--optimizer: unsupported optimizer '" +
                   *overrides.optimizer + "' (adam, sgd or rmsprop)");
    // compile()'s settings belong to compile()'s optimizer.
    if (!optimizer || optimizer.getKind() != *kind)
      optimizer = OptimizerAttr::get(training.getContext(), *kind);
  }
  if (overrides.learningRate) {
    double rate = *overrides.learningRate;
    if (!(rate >= 0.0) || !std::isfinite(rate)) {
      char text[32];
      std::snprintf(text, sizeof text, "%g", rate);
      return error(std::string("--lr must be a finite number, at least 0, "
                               "not ") +
                   text);
    }
    if (!optimizer) // the default optimizer, at this rate
      optimizer = OptimizerAttr::get(
          training.getContext(), training.getOptimizerOrDefault().getKind());
    optimizer = optimizer.withSetting("learning_rate", rate);
  }
  return TrainingAttr::get(
      training.getContext(), loss, fromLogits, optimizer, training.getMetrics(),
      training.getEpochs(), training.getBatchSize(),
      training.getValidationSplit(), training.getShuffle());
}
