//===- Attributes.cpp - Keras attribute values shared by layers -----------===//

#include "frontends/keras-python/Attributes.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"

#include <cmath>

using namespace cnnc;
using namespace cnnc::py;
using llvm::Expected;
using llvm::StringRef;

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

/// A model file's Python is tf.keras 2's (docs/keras-semantics.md §2):
/// Keras 2's hard_sigmoid, and no TF.js-only name.
static std::optional<Activation> activationByName(StringRef name) {
  if (name == "gelu_new")
    return std::nullopt;
  return activationForName(name.str(), /*keras3=*/false);
}

Expected<Activation> py::readActivation(const Arguments &args, StringRef name,
                                        Activation def) {
  const CallArgValue *arg = args.get(name);
  if (!arg)
    return def;
  const Value &v = arg->value;
  std::string fn;
  switch (v.kind) {
  case Value::Kind::None:
    return Activation::Linear;
  case Value::Kind::Str:
    fn = v.text;
    break;
  case Value::Kind::Symbol: {
    KerasSymbol symbol = classifySymbol(v.text);
    fn = symbol.kind == SymbolKind::Activation ? symbol.name
                                               : canonicalKerasPath(v.text);
    break;
  }
  case Value::Kind::Object:
    fn = v.call->symbol.name; // e.g. activation=layers.LeakyReLU()
    break;
  default:
    return args.typeError(name, *arg, "an activation name or function");
  }
  if (auto act = activationByName(fn))
    return *act;
  return args.error(arg->pos, "unsupported activation '", fn, "'");
}

//===----------------------------------------------------------------------===//
// Initializers
//===----------------------------------------------------------------------===//

static Initializer varianceScaling(double scale, Initializer::Mode mode,
                                   Initializer::Distribution dist) {
  Initializer init;
  init.kind = Initializer::Kind::VarianceScaling;
  init.scale = scale;
  init.mode = mode;
  init.distribution = dist;
  return init;
}

static Initializer constant(double value) {
  Initializer init;
  init.kind = Initializer::Kind::Constant;
  init.value = value;
  return init;
}

/// Keras accepts both `he_normal` and `HeNormal` (and aliases such as
/// `normal`); compare without case and underscores.
static std::string normalizeInitializerName(StringRef name) {
  std::string out;
  for (char c : name)
    if (c != '_')
      out += char(llvm::toLower(c));
  return out;
}

namespace {
enum class InitClass {
  Unsupported,
  GlorotUniform,
  GlorotNormal,
  HeUniform,
  HeNormal,
  LecunUniform,
  LecunNormal,
  Zeros,
  Ones,
  Constant,
  RandomNormal,
  RandomUniform,
  TruncatedNormal,
  VarianceScaling,
};
} // namespace

static InitClass initializerClass(StringRef name) {
  return llvm::StringSwitch<InitClass>(normalizeInitializerName(name))
      .Case("glorotuniform", InitClass::GlorotUniform)
      .Case("glorotnormal", InitClass::GlorotNormal)
      .Case("heuniform", InitClass::HeUniform)
      .Case("henormal", InitClass::HeNormal)
      .Case("lecununiform", InitClass::LecunUniform)
      .Case("lecunnormal", InitClass::LecunNormal)
      .Cases("zeros", "zero", InitClass::Zeros)
      .Cases("ones", "one", InitClass::Ones)
      .Case("constant", InitClass::Constant)
      .Cases("randomnormal", "normal", InitClass::RandomNormal)
      .Cases("randomuniform", "uniform", InitClass::RandomUniform)
      .Case("truncatednormal", InitClass::TruncatedNormal)
      .Case("variancescaling", InitClass::VarianceScaling)
      .Default(InitClass::Unsupported);
}

static llvm::Error readSeed(const Arguments &args, Initializer &init) {
  auto seed = args.getOptionalInt("seed");
  if (!seed)
    return seed.takeError();
  init.seed = *seed;
  return llvm::Error::success();
}

/// Builds an initializer of class `cls`; `call` holds its arguments (null
/// for the string form, which takes none).
static Expected<Initializer>
buildInitializer(InitClass cls, const KerasCall *call, StringRef file) {
  using Mode = Initializer::Mode;
  using Dist = Initializer::Distribution;
  static const StringRef seedOnly[] = {"seed"};
  static const StringRef normal[] = {"mean", "stddev", "seed"};
  static const StringRef uniform[] = {"minval", "maxval", "seed"};
  static const StringRef constantParams[] = {"value"};
  static const StringRef vs[] = {"scale", "mode", "distribution", "seed"};

  llvm::ArrayRef<StringRef> params;
  switch (cls) {
  case InitClass::Zeros:
  case InitClass::Ones:
    break; // no parameters
  case InitClass::Constant:
    params = constantParams;
    break;
  case InitClass::RandomNormal:
  case InitClass::TruncatedNormal:
    params = normal;
    break;
  case InitClass::RandomUniform:
    params = uniform;
    break;
  case InitClass::VarianceScaling:
    params = vs;
    break;
  default:
    params = seedOnly;
    break;
  }
  KerasCall empty;
  if (!call)
    call = &empty;
  auto bound =
      Arguments::bind(*call, Signature{params}, call->symbol.name, file);
  if (!bound)
    return bound.takeError();
  const Arguments &args = *bound;

  Initializer init;
  switch (cls) {
  case InitClass::GlorotUniform:
    init = varianceScaling(1.0, Mode::FanAvg, Dist::Uniform);
    break;
  case InitClass::GlorotNormal:
    init = varianceScaling(1.0, Mode::FanAvg, Dist::TruncatedNormal);
    break;
  case InitClass::HeUniform:
    init = varianceScaling(2.0, Mode::FanIn, Dist::Uniform);
    break;
  case InitClass::HeNormal:
    init = varianceScaling(2.0, Mode::FanIn, Dist::TruncatedNormal);
    break;
  case InitClass::LecunUniform:
    init = varianceScaling(1.0, Mode::FanIn, Dist::Uniform);
    break;
  case InitClass::LecunNormal:
    init = varianceScaling(1.0, Mode::FanIn, Dist::TruncatedNormal);
    break;
  case InitClass::Zeros:
    return constant(0.0);
  case InitClass::Ones:
    return constant(1.0);
  case InitClass::Constant: {
    auto value = args.getNumber("value", 0.0);
    if (!value)
      return value.takeError();
    return constant(*value);
  }
  case InitClass::RandomNormal:
  case InitClass::TruncatedNormal: {
    init.kind = cls == InitClass::RandomNormal
                    ? Initializer::Kind::RandomNormal
                    : Initializer::Kind::TruncatedNormal;
    auto mean = args.getNumber("mean", 0.0);
    if (!mean)
      return mean.takeError();
    auto stddev = args.getNumber("stddev", 0.05);
    if (!stddev)
      return stddev.takeError();
    if (*stddev < 0)
      return args.error(args.get("stddev")->pos,
                        "'stddev' must not be negative");
    init.mean = *mean;
    init.stddev = *stddev;
    break;
  }
  case InitClass::RandomUniform: {
    init.kind = Initializer::Kind::RandomUniform;
    auto minval = args.getNumber("minval", -0.05);
    if (!minval)
      return minval.takeError();
    auto maxval = args.getNumber("maxval", 0.05);
    if (!maxval)
      return maxval.takeError();
    init.minval = *minval;
    init.maxval = *maxval;
    break;
  }
  case InitClass::VarianceScaling: {
    auto scale = args.getNumber("scale", 1.0);
    if (!scale)
      return scale.takeError();
    if (!(*scale > 0))
      return args.error(args.get("scale")->pos,
                        "'scale' must be positive, not ",
                        repr(args.get("scale")->value));
    auto mode = args.getOptionalString("mode");
    if (!mode)
      return mode.takeError();
    auto dist = args.getOptionalString("distribution");
    if (!dist)
      return dist.takeError();
    std::string modeName = StringRef(mode->value_or("fan_in")).lower();
    std::string distName =
        StringRef(dist->value_or("truncated_normal")).lower();
    std::optional<Mode> m = llvm::StringSwitch<std::optional<Mode>>(modeName)
                                .Case("fan_in", Mode::FanIn)
                                .Case("fan_out", Mode::FanOut)
                                .Case("fan_avg", Mode::FanAvg)
                                .Default(std::nullopt);
    if (!m)
      return args.error(args.get("mode")->pos, "unsupported mode '", **mode,
                        "'");
    // Keras reads 'normal' as a truncated normal (TF.js does not: that is
    // the JSON frontend's TruncatedNormalUncorrected).
    std::optional<Dist> d =
        llvm::StringSwitch<std::optional<Dist>>(distName)
            .Case("uniform", Dist::Uniform)
            .Cases("truncated_normal", "normal", Dist::TruncatedNormal)
            .Case("untruncated_normal", Dist::UntruncatedNormal)
            .Default(std::nullopt);
    if (!d)
      return args.error(args.get("distribution")->pos,
                        "unsupported distribution '", **dist, "'");
    init = varianceScaling(*scale, *m, *d);
    break;
  }
  case InitClass::Unsupported:
    break;
  }
  if (llvm::Error err = readSeed(args, init))
    return std::move(err);
  return init;
}

Expected<Initializer> py::readInitializer(const Arguments &args, StringRef name,
                                          Initializer def) {
  const CallArgValue *arg = args.get(name);
  if (!arg)
    return def;
  const Value &v = arg->value;
  if (v.is(Value::Kind::Str)) {
    InitClass cls = initializerClass(v.text);
    if (cls == InitClass::Unsupported)
      return args.error(arg->pos, "unsupported initializer '", v.text, "'");
    return buildInitializer(cls, nullptr, args.file());
  }
  if (v.is(Value::Kind::Object) &&
      v.call->symbol.kind == SymbolKind::Initializer) {
    InitClass cls = initializerClass(v.call->symbol.name);
    if (cls == InitClass::Unsupported)
      return args.error(v.call->pos, "unsupported initializer '",
                        v.call->symbol.name, "'");
    return buildInitializer(cls, v.call.get(), args.file());
  }
  if (v.is(Value::Kind::Object))
    return args.error(arg->pos, "unsupported initializer '",
                      v.call->symbol.name, "'");
  return args.typeError(name, *arg, "an initializer name or object");
}

//===----------------------------------------------------------------------===//
// Regularizers
//===----------------------------------------------------------------------===//

Expected<std::optional<Regularizer>> py::readRegularizer(const Arguments &args,
                                                         StringRef name) {
  const CallArgValue *arg = args.get(name);
  if (!arg || arg->value.is(Value::Kind::None))
    return std::nullopt;
  const Value &v = arg->value;
  std::string which;
  const KerasCall *call = nullptr;
  if (v.is(Value::Kind::Str)) {
    which = v.text;
  } else if (v.is(Value::Kind::Object) &&
             v.call->symbol.kind == SymbolKind::Regularizer) {
    which = v.call->symbol.name;
    call = v.call.get();
  } else if (v.is(Value::Kind::Object)) {
    return args.error(v.call->pos, "unsupported regularizer '",
                      v.call->symbol.name, "' (cnnc has l1, l2 and l1_l2)");
  } else {
    return args.typeError(name, *arg, "a regularizer name or object");
  }
  // Keras's functions l1(l1=0.01), l2(l2=0.01), l1_l2(l1=0.01, l2=0.01)
  // and their strings; the classes L1, L2 take 0.01, L1L2 0 and 0.
  bool l1 =
      which == "l1" || which == "L1" || which == "l1_l2" || which == "L1L2";
  bool l2 =
      which == "l2" || which == "L2" || which == "l1_l2" || which == "L1L2";
  if (!l1 && !l2)
    return args.error(call ? call->pos : arg->pos, "unsupported regularizer '",
                      which, "' (cnnc has l1, l2 and l1_l2)");
  double factor = which == "L1L2" ? 0.0 : 0.01;
  Regularizer regularizer;
  if (!call) {
    regularizer.l1 = l1 ? factor : 0.0;
    regularizer.l2 = l2 ? factor : 0.0;
    return regularizer;
  }
  static const StringRef one[] = {"l1"}, two[] = {"l2"}, both[] = {"l1", "l2"};
  llvm::ArrayRef<StringRef> params = l1 && l2 ? both
                                     : l1     ? llvm::ArrayRef(one)
                                              : llvm::ArrayRef(two);
  auto bound = Arguments::bind(*call, Signature{params}, which, args.file());
  if (!bound)
    return bound.takeError();
  for (StringRef key : params) {
    auto value = bound->getNumber(key, factor);
    if (!value)
      return value.takeError();
    if (!(*value >= 0.0) || !std::isfinite(*value))
      return bound->error(bound->get(key)->pos, "a regularizer's '", key,
                          "' must be a finite number, at least 0");
    (key == "l1" ? regularizer.l1 : regularizer.l2) = *value;
  }
  return regularizer;
}

//===----------------------------------------------------------------------===//
// padding, data_format, dtype
//===----------------------------------------------------------------------===//

Expected<Padding> py::readPadding(const Arguments &args, StringRef name) {
  const CallArgValue *arg = args.get(name);
  if (!arg)
    return Padding::Valid;
  if (!arg->value.is(Value::Kind::Str))
    return args.typeError(name, *arg, "a string");
  std::string lower = StringRef(arg->value.text).lower();
  if (lower == "valid")
    return Padding::Valid;
  if (lower == "same")
    return Padding::Same;
  return args.error(arg->pos, "unsupported padding '", arg->value.text, "'");
}

llvm::Error py::checkDataFormat(const Arguments &args) {
  auto format = args.getOptionalString("data_format");
  if (!format)
    return format.takeError();
  if (*format && StringRef(**format).lower() != "channels_last")
    return args.error(args.get("data_format")->pos, "unsupported data_format '",
                      **format, "'");
  return llvm::Error::success();
}

llvm::Error py::checkDType(const Arguments &args) {
  const CallArgValue *arg = args.get("dtype");
  if (!arg || arg->value.is(Value::Kind::None))
    return llvm::Error::success();
  const Value &v = arg->value;
  std::string dtype;
  if (v.is(Value::Kind::Str))
    dtype = v.text;
  else if (v.is(Value::Kind::Symbol))
    dtype =
        StringRef(v.text).rsplit('.').second.str(); // tf.float32, np.float32
  else if (v.is(Value::Kind::Object))
    dtype = v.call->symbol.name; // e.g. a mixed-precision policy
  else
    return args.typeError("dtype", *arg, "a dtype");
  if (dtype == "float32")
    return llvm::Error::success();
  return args.error(arg->pos, "unsupported dtype '", dtype, "'");
}

//===----------------------------------------------------------------------===//
// Shapes
//===----------------------------------------------------------------------===//

Expected<std::optional<std::vector<int64_t>>>
py::readShape(const Arguments &args, StringRef name, bool withBatch) {
  const CallArgValue *arg = args.get(name);
  if (!arg || arg->value.is(Value::Kind::None))
    return std::nullopt;
  const Value &v = arg->value;
  if (!v.isSequence())
    return args.typeError(name, *arg, "a tuple of integers");
  const std::vector<Value> &elts = *v.elements;
  for (const Value &e : elts)
    if (e.hasReason())
      return args.error(e.reasonPos, e.text);
  size_t first = withBatch ? 1 : 0;
  if (elts.size() <= first)
    return args.error(arg->pos, "'", name, "' must not be empty");
  std::vector<int64_t> shape;
  for (size_t i = first; i < elts.size(); ++i) {
    if (!elts[i].is(Value::Kind::Int) || elts[i].integer <= 0)
      return args.error(arg->pos, "'", name,
                        "' must hold positive integers, not ", repr(v));
    shape.push_back(elts[i].integer);
  }
  return std::optional<std::vector<int64_t>>(std::move(shape));
}
