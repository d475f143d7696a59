//===- LayerBuilder.cpp - Keras layer calls to ModelSpec layers -----------===//
//
// One function per layer class, each reading its arguments in the Keras 2
// signature's order (keras/layers/convolutional/conv2d.py, pooling/*.py,
// core/dense.py, ...). The keyword arguments every Keras layer accepts
// (name, dtype, input_shape, ...) are read once, in buildLayer.
//
//===----------------------------------------------------------------------===//

#include "frontends/keras-python/LayerBuilder.h"

#include "frontends/keras-python/Arguments.h"
#include "frontends/keras-python/Attributes.h"
#include "frontends/keras-python/AugmentationBuilder.h"

#include "llvm/ADT/STLExtras.h"

#include <cmath>

using namespace cnnc;
using namespace cnnc::py;
using llvm::Error;
using llvm::Expected;
using llvm::StringRef;

namespace {

/// Keyword arguments of keras.layers.Layer, accepted by every layer.
const StringRef kBaseKeywords[] = {
    "name",       "trainable", "dtype",   "input_shape", "batch_input_shape",
    "batch_size", "input_dim", "weights", "autocast",    "dynamic"};

/// What a call builds: the model's input (keras.Input or InputLayer) or a
/// layer, whose kind the shared alias table names.
enum class InputClass { None, Input, InputLayer };

InputClass inputClass(const KerasSymbol &symbol) {
  if (symbol.kind == SymbolKind::Input)
    return InputClass::Input;
  return symbol.name == "InputLayer" ? InputClass::InputLayer
                                     : InputClass::None;
}

/// A parameter list: the class's own positional parameters, then every
/// keyword of keras.layers.Layer plus `extraKeywords`.
struct LayerSignature {
  std::vector<StringRef> positional;
  std::vector<StringRef> keywords;
  unsigned required = 0;

  LayerSignature(std::initializer_list<StringRef> params, unsigned required,
                 std::initializer_list<StringRef> extraKeywords = {})
      : positional(params), required(required) {
    keywords.assign(std::begin(kBaseKeywords), std::end(kBaseKeywords));
    keywords.insert(keywords.end(), extraKeywords);
  }
  Signature get() const { return Signature{positional, keywords, required}; }
};

const LayerSignature &signatureOf(InputClass which, LayerKind kind) {
  static const LayerSignature conv2d(
      {"filters", "kernel_size", "strides", "padding", "data_format",
       "dilation_rate", "groups", "activation", "use_bias",
       "kernel_initializer", "bias_initializer", "kernel_regularizer",
       "bias_regularizer", "activity_regularizer", "kernel_constraint",
       "bias_constraint"},
      2);
  static const LayerSignature pooling(
      {"pool_size", "strides", "padding", "data_format"}, 0);
  static const LayerSignature globalPooling({"data_format", "keepdims"}, 0);
  static const LayerSignature flatten({"data_format"}, 0);
  static const LayerSignature dense(
      {"units", "activation", "use_bias", "kernel_initializer",
       "bias_initializer", "kernel_regularizer", "bias_regularizer",
       "activity_regularizer", "kernel_constraint", "bias_constraint"},
      1, {"lora_rank", "lora_alpha"});
  static const LayerSignature dropout({"rate", "noise_shape", "seed"}, 1);
  static const LayerSignature activation({"activation"}, 1);
  static const LayerSignature relu({"max_value", "negative_slope", "threshold"},
                                   0);
  static const LayerSignature softmax({"axis"}, 0);
  // Keras 3 renamed LeakyReLU's alpha to negative_slope; both are read.
  static const LayerSignature leakyRelu({"alpha"}, 0, {"negative_slope"});
  static const LayerSignature elu({"alpha"}, 0);
  static const LayerSignature thresholdedRelu({"theta"}, 0);
  static const LayerSignature zeroPadding({"padding", "data_format"}, 0);
  static const LayerSignature cropping({"cropping", "data_format"}, 0);
  static const LayerSignature reshape({"target_shape"}, 1);
  static const LayerSignature permute({"dims"}, 1);
  static const LayerSignature rescaling({"scale", "offset"}, 1);
  static const LayerSignature spatialDropout({"rate", "data_format"}, 1,
                                             {"seed"});
  static const LayerSignature gaussianNoise({"stddev"}, 1, {"seed"});
  static const LayerSignature gaussianDropout({"rate"}, 1, {"seed"});
  static const LayerSignature merge({}, 0);
  static const LayerSignature concatenate({"axis"}, 0);
  static const LayerSignature prelu({"alpha_initializer", "alpha_regularizer",
                                     "alpha_constraint", "shared_axes"},
                                    0);
  // Keras 2's positional order; Keras 3 adds `synchronized`.
  static const LayerSignature batchNorm({"axis",
                                         "momentum",
                                         "epsilon",
                                         "center",
                                         "scale",
                                         "beta_initializer",
                                         "gamma_initializer",
                                         "moving_mean_initializer",
                                         "moving_variance_initializer",
                                         "beta_regularizer",
                                         "gamma_regularizer",
                                         "beta_constraint",
                                         "gamma_constraint",
                                         "renorm",
                                         "renorm_clipping",
                                         "renorm_momentum",
                                         "fused",
                                         "trainable",
                                         "virtual_batch_size",
                                         "adjustment",
                                         "name"},
                                        0, {"synchronized"});
  // Keras 2's positional order; Keras 3 puts rms_scaling after scale, so
  // it is read as a keyword only.
  static const LayerSignature layerNorm(
      {"axis", "epsilon", "center", "scale", "beta_initializer",
       "gamma_initializer", "beta_regularizer", "gamma_regularizer",
       "beta_constraint", "gamma_constraint"},
      0, {"rms_scaling"});
  static const LayerSignature depthwise(
      {"kernel_size", "strides", "padding", "depth_multiplier", "data_format",
       "dilation_rate", "activation", "use_bias", "depthwise_initializer",
       "bias_initializer", "depthwise_regularizer", "bias_regularizer",
       "activity_regularizer", "depthwise_constraint", "bias_constraint"},
      1);
  static const LayerSignature separable(
      {"filters", "kernel_size", "strides", "padding", "data_format",
       "dilation_rate", "depth_multiplier", "activation", "use_bias",
       "depthwise_initializer", "pointwise_initializer", "bias_initializer",
       "depthwise_regularizer", "pointwise_regularizer", "bias_regularizer",
       "activity_regularizer", "depthwise_constraint", "pointwise_constraint",
       "bias_constraint"},
      2);
  static const LayerSignature transpose(
      {"filters", "kernel_size", "strides", "padding", "output_padding",
       "data_format", "dilation_rate", "activation", "use_bias",
       "kernel_initializer", "bias_initializer", "kernel_regularizer",
       "bias_regularizer", "activity_regularizer", "kernel_constraint",
       "bias_constraint"},
      2);
  static const LayerSignature upSampling(
      {"size", "data_format", "interpolation"}, 0);
  // Keras 2's augmentation layers; Keras 3 adds value_range and
  // data_format as keywords.
  static const LayerSignature randomFlip({"mode", "seed"}, 0, {"data_format"});
  static const LayerSignature randomRotation(
      {"factor", "fill_mode", "interpolation", "seed", "fill_value"}, 1,
      {"value_range", "data_format"});
  static const LayerSignature randomZoomOrTranslation(
      {"height_factor", "width_factor", "fill_mode", "interpolation", "seed",
       "fill_value"},
      1, {"data_format"});
  static const LayerSignature randomContrast({"factor", "seed"}, 1,
                                             {"value_range"});
  static const LayerSignature randomBrightness(
      {"factor", "value_range", "seed"}, 1, {"data_format"});
  // Keras 2's InputLayer; Keras 3 renames input_shape to shape and adds
  // batch_shape.
  static const LayerSignature inputLayer(
      {"input_shape", "batch_size", "dtype", "input_tensor", "sparse", "name",
       "ragged", "type_spec"},
      0, {"shape", "batch_shape", "optional"});
  static const LayerSignature input({"shape", "batch_size", "name", "dtype",
                                     "sparse", "tensor", "ragged", "type_spec"},
                                    0, {"batch_shape", "optional"});
  if (which == InputClass::InputLayer)
    return inputLayer;
  if (which == InputClass::Input)
    return input;
  switch (kind) {
  case LayerKind::Conv2D:
    return conv2d;
  case LayerKind::MaxPooling2D:
  case LayerKind::AveragePooling2D:
  case LayerKind::MinPooling2D:
    return pooling;
  case LayerKind::GlobalMaxPooling2D:
  case LayerKind::GlobalAveragePooling2D:
  case LayerKind::GlobalMinPooling2D:
    return globalPooling;
  case LayerKind::Flatten:
    return flatten;
  case LayerKind::Dense:
    return dense;
  case LayerKind::Dropout:
  case LayerKind::AlphaDropout:
    return dropout;
  case LayerKind::Activation:
    return activation;
  case LayerKind::ReLU:
    return relu;
  case LayerKind::LeakyReLU:
    return leakyRelu;
  case LayerKind::ELU:
    return elu;
  case LayerKind::ThresholdedReLU:
    return thresholdedRelu;
  case LayerKind::PReLU:
    return prelu;
  case LayerKind::ZeroPadding2D:
    return zeroPadding;
  case LayerKind::Cropping2D:
    return cropping;
  case LayerKind::Reshape:
    return reshape;
  case LayerKind::Permute:
    return permute;
  case LayerKind::Rescaling:
    return rescaling;
  case LayerKind::SpatialDropout2D:
    return spatialDropout;
  case LayerKind::GaussianNoise:
    return gaussianNoise;
  case LayerKind::GaussianDropout:
    return gaussianDropout;
  case LayerKind::Softmax:
    return softmax;
  case LayerKind::BatchNormalization:
    return batchNorm;
  case LayerKind::LayerNormalization:
    return layerNorm;
  case LayerKind::Add:
  case LayerKind::Subtract:
  case LayerKind::Multiply:
  case LayerKind::Average:
  case LayerKind::Maximum:
  case LayerKind::Minimum:
    return merge;
  case LayerKind::Concatenate:
    return concatenate;
  case LayerKind::DepthwiseConv2D:
    return depthwise;
  case LayerKind::SeparableConv2D:
    return separable;
  case LayerKind::Conv2DTranspose:
    return transpose;
  case LayerKind::UpSampling2D:
    return upSampling;
  case LayerKind::RandomFlip:
    return randomFlip;
  case LayerKind::RandomRotation:
    return randomRotation;
  case LayerKind::RandomZoom:
  case LayerKind::RandomTranslation:
    return randomZoomOrTranslation;
  case LayerKind::RandomContrast:
    return randomContrast;
  case LayerKind::RandomBrightness:
    return randomBrightness;
  }
  return flatten;
}

/// The first input shape an argument list gives, in Keras's order of
/// precedence: batch_input_shape, then input_shape, then input_dim.
Error readInputShape(const Arguments &args, LayerEntry &entry) {
  struct Source {
    StringRef name;
    bool withBatch;
  };
  static const Source sources[] = {{"batch_shape", true},
                                   {"batch_input_shape", true},
                                   {"shape", false},
                                   {"input_shape", false}};
  for (const Source &source : sources) {
    auto shape = readShape(args, source.name, source.withBatch);
    if (!shape)
      return shape.takeError();
    if (*shape && !entry.inputShape) {
      entry.inputShape = std::move(*shape);
      entry.inputPos = args.get(source.name)->pos;
    }
  }
  if (!entry.inputShape && args.hasValue("input_dim")) {
    auto dim = args.getPositiveCount("input_dim");
    if (!dim)
      return dim.takeError();
    entry.inputShape = std::vector<int64_t>{*dim};
    entry.inputPos = args.get("input_dim")->pos;
  }
  return Error::success();
}

/// The regularizers: of the kernel (`kernelKey`: kernel_ or
/// depthwise_regularizer), the bias and the output.
static Error readRegularizers(const Arguments &args, Layer &layer,
                              StringRef kernelKey) {
  for (auto [key, field] :
       {std::pair{kernelKey, &layer.kernelRegularizer},
        std::pair{StringRef("bias_regularizer"), &layer.biasRegularizer},
        std::pair{StringRef("activity_regularizer"),
                  &layer.activityRegularizer}}) {
    auto regularizer = readRegularizer(args, key);
    if (!regularizer)
      return regularizer.takeError();
    *field = *regularizer;
  }
  return Error::success();
}

/// The arguments Conv2D and Dense share: the fused activation, the bias, the
/// initializers, and the regularizers and constraints cnnc refuses.
static Error readKernelAndBias(const Arguments &args, Layer &layer) {
  auto activation = readActivation(args, "activation", Activation::Linear);
  if (!activation)
    return activation.takeError();
  layer.activation = *activation;
  auto useBias = args.getBool("use_bias", true);
  if (!useBias)
    return useBias.takeError();
  layer.useBias = *useBias;
  auto kernelInit =
      readInitializer(args, "kernel_initializer", Initializer::glorotUniform());
  if (!kernelInit)
    return kernelInit.takeError();
  layer.kernelInitializer = *kernelInit;
  auto biasInit =
      readInitializer(args, "bias_initializer", Initializer::zeros());
  if (!biasInit)
    return biasInit.takeError();
  layer.biasInitializer = *biasInit;
  if (Error err = readRegularizers(args, layer, "kernel_regularizer"))
    return err;
  for (StringRef name : {"kernel_constraint", "bias_constraint"})
    if (Error err = args.requireNone(name))
      return err;
  return Error::success();
}

/// kernel_size, strides, padding, data_format and dilation_rate, as Conv2D
/// and its variants share them (Keras refuses strides > 1 with a dilation).
Error readWindow(const Arguments &args, Layer &layer) {
  auto kernel = args.getPositivePair("kernel_size", {1, 1});
  if (!kernel)
    return kernel.takeError();
  layer.kernelSize = *kernel;
  auto strides = args.getPositivePair("strides", {1, 1});
  if (!strides)
    return strides.takeError();
  layer.strides = *strides;
  auto padding = readPadding(args, "padding");
  if (!padding)
    return padding.takeError();
  layer.padding = *padding;
  if (Error err = checkDataFormat(args))
    return err;
  auto dilation = args.getPositivePair("dilation_rate", {1, 1});
  if (!dilation)
    return dilation.takeError();
  layer.dilation = *dilation;
  bool strided = (*strides)[0] > 1 || (*strides)[1] > 1;
  bool dilated = (*dilation)[0] > 1 || (*dilation)[1] > 1;
  if (strided && dilated)
    return args.error(
        args.get("strides")->pos,
        "'strides' > 1 cannot be combined with 'dilation_rate' > 1");
  return Error::success();
}

Error buildConv2D(const Arguments &args, Layer &layer) {
  auto filters = args.getPositiveCount("filters");
  if (!filters)
    return filters.takeError();
  layer.filters = *filters;
  if (Error err = readWindow(args, layer))
    return err;
  auto groups = args.getInt("groups", 1);
  if (!groups)
    return groups.takeError();
  if (*groups <= 0)
    return args.error(args.get("groups")->pos,
                      "'groups' must be a positive integer, not ",
                      std::to_string(*groups));
  if (Error err = args.requireDefault("groups", Value::fromInt(1)))
    return err;
  return readKernelAndBias(args, layer);
}

Error buildPooling(const Arguments &args, Layer &layer) {
  auto pool = args.getPositivePair("pool_size", {2, 2});
  if (!pool)
    return pool.takeError();
  layer.poolSize = *pool;
  auto strides = args.getOptionalPositivePair("strides");
  if (!strides)
    return strides.takeError();
  layer.strides = *strides;
  auto padding = readPadding(args, "padding");
  if (!padding)
    return padding.takeError();
  layer.padding = *padding;
  return checkDataFormat(args);
}

Error buildGlobalPooling(const Arguments &args, Layer &layer) {
  if (Error err = checkDataFormat(args))
    return err;
  auto keepDims = args.getBool("keepdims", false);
  if (!keepDims)
    return keepDims.takeError();
  layer.keepDims = *keepDims;
  return Error::success();
}

Error buildDense(const Arguments &args, Layer &layer) {
  auto units = args.getPositiveCount("units");
  if (!units)
    return units.takeError();
  layer.units = *units;
  if (Error err = readKernelAndBias(args, layer))
    return err;
  if (Error err = args.requireNone("lora_rank"))
    return err;
  return Error::success();
}

Error buildDropout(const Arguments &args, Layer &layer) {
  auto rate = args.getNumber("rate", 0.0);
  if (!rate)
    return rate.takeError();
  // Keras accepts 1; a layer that drops everything cannot train
  // (docs/keras-semantics.md §2).
  if (!(*rate >= 0.0 && *rate < 1.0))
    return args.error(args.get("rate")->pos, "'rate' must be in [0, 1), not ",
                      repr(args.get("rate")->value));
  layer.rate = *rate;
  if (Error err = args.requireNone("noise_shape"))
    return err;
  auto seed = args.getOptionalInt("seed");
  if (!seed)
    return seed.takeError();
  layer.seed = *seed;
  return Error::success();
}

/// A number Keras requires to be >= 0 (ReLU's arguments, LeakyReLU's slope:
/// "cannot be a negative value").
Expected<double> getNonNegative(const Arguments &args, StringRef name,
                                double def) {
  auto value = args.getNumber(name, def);
  if (!value)
    return value.takeError();
  if (!(*value >= 0.0 && std::isfinite(*value)))
    return args.error(args.get(name)->pos, "'", name,
                      "' must be a finite number >= 0, not ",
                      repr(args.get(name)->value));
  return *value;
}

Error buildReLU(const Arguments &args, Layer &layer) {
  if (args.hasValue("max_value")) {
    auto max = getNonNegative(args, "max_value", 0.0);
    if (!max)
      return max.takeError();
    layer.maxValue = *max;
  }
  auto slope = getNonNegative(args, "negative_slope", 0.0);
  if (!slope)
    return slope.takeError();
  layer.alpha = *slope;
  auto threshold = getNonNegative(args, "threshold", 0.0);
  if (!threshold)
    return threshold.takeError();
  layer.threshold = *threshold;
  return Error::success();
}

Error buildLeakyReLU(const Arguments &args, Layer &layer) {
  StringRef name = args.get("negative_slope") ? "negative_slope" : "alpha";
  auto slope = getNonNegative(args, name, 0.3);
  if (!slope)
    return slope.takeError();
  layer.alpha = *slope;
  return Error::success();
}

Error buildPReLU(const Arguments &args, Layer &layer) {
  auto init = readInitializer(args, "alpha_initializer", Initializer::zeros());
  if (!init)
    return init.takeError();
  layer.alphaInitializer = *init;
  for (StringRef name : {"alpha_regularizer", "alpha_constraint"})
    if (Error err = args.requireNone(name))
      return err;
  if (!args.hasValue("shared_axes"))
    return Error::success();
  // One axis or a list (or tuple) of them.
  const CallArgValue *arg = args.get("shared_axes");
  const Value &value = arg->value;
  if (value.is(Value::Kind::Int)) {
    layer.sharedAxes = {value.integer};
    return Error::success();
  }
  if (!value.is(Value::Kind::List) && !value.is(Value::Kind::Tuple))
    return args.typeError("shared_axes", *arg, "an axis or a list of axes");
  for (const Value &item : *value.elements) {
    if (!item.is(Value::Kind::Int))
      return args.typeError("shared_axes", *arg, "a list of integer axes");
    layer.sharedAxes.push_back(item.integer);
  }
  return Error::success();
}

/// ZeroPadding2D's `padding` / Cropping2D's `cropping`: n, (rows, cols) or
/// ((top, bottom), (left, right)); negative amounts are Keras's error too.
Error readEdges(const Arguments &args, StringRef name,
                std::array<int64_t, 4> &out) {
  const CallArgValue *arg = args.get(name);
  if (!arg)
    return Error::success();
  auto isSequence = [](const Value &v) {
    return (v.is(Value::Kind::Tuple) || v.is(Value::Kind::List)) &&
           v.elements->size() == 2;
  };
  auto bad = [&] {
    return args.typeError(name, *arg,
                          "an integer, 2 integers or 2 pairs of integers");
  };
  const Value &v = arg->value;
  std::array<int64_t, 4> edges;
  if (v.is(Value::Kind::Int)) {
    edges = {v.integer, v.integer, v.integer, v.integer};
  } else if (isSequence(v)) {
    for (size_t axis = 0; axis < 2; ++axis) {
      const Value &e = (*v.elements)[axis];
      if (e.is(Value::Kind::Int)) {
        edges[2 * axis] = edges[2 * axis + 1] = e.integer;
      } else if (isSequence(e) && (*e.elements)[0].is(Value::Kind::Int) &&
                 (*e.elements)[1].is(Value::Kind::Int)) {
        edges[2 * axis] = (*e.elements)[0].integer;
        edges[2 * axis + 1] = (*e.elements)[1].integer;
      } else {
        return bad();
      }
    }
  } else {
    return bad();
  }
  for (int64_t amount : edges)
    if (amount < 0)
      return args.error(arg->pos, "'", name, "' must not be negative, not ",
                        repr(v));
  out = edges;
  return Error::success();
}

Error buildReshape(const Arguments &args, Layer &layer) {
  const CallArgValue *arg = args.get("target_shape");
  const Value &v = arg->value;
  if (!v.is(Value::Kind::Tuple) && !v.is(Value::Kind::List))
    return args.typeError("target_shape", *arg, "a tuple of sizes");
  for (const Value &item : *v.elements) {
    if (!item.is(Value::Kind::Int))
      return args.typeError("target_shape", *arg, "a tuple of integer sizes");
    layer.targetShape.push_back(item.integer);
  }
  return Error::success();
}

/// Permute's dims: a tuple or list of axes (ModelToCnn's op checks them).
Error buildPermute(const Arguments &args, Layer &layer) {
  const CallArgValue *arg = args.get("dims");
  const Value &v = arg->value;
  if (!v.is(Value::Kind::Tuple) && !v.is(Value::Kind::List))
    return args.typeError("dims", *arg, "a tuple of axes");
  for (const Value &item : *v.elements) {
    if (!item.is(Value::Kind::Int))
      return args.typeError("dims", *arg, "a tuple of integer axes");
    layer.permuteDims.push_back(item.integer);
  }
  return Error::success();
}

Error buildRescaling(const Arguments &args, Layer &layer) {
  auto scale = args.getNumber("scale", 1.0);
  if (!scale)
    return scale.takeError();
  auto offset = args.getNumber("offset", 0.0);
  if (!offset)
    return offset.takeError();
  layer.scale = *scale;
  layer.offset = *offset;
  return Error::success();
}

Error buildELU(const Arguments &args, Layer &layer) {
  auto alpha = args.getNumber("alpha", 1.0);
  if (!alpha)
    return alpha.takeError();
  if (!std::isfinite(*alpha))
    return args.error(args.get("alpha")->pos, "'alpha' must be finite, not ",
                      repr(args.get("alpha")->value));
  layer.alpha = *alpha;
  return Error::success();
}

/// What BatchNormalization and LayerNormalization share: `epsilon`,
/// `center` (beta), `scale` (gamma) and the two initializers.
Error readEpsilonCenterScale(const Arguments &args, Layer &layer) {
  auto epsilon = args.getNumber("epsilon", 1e-3);
  if (!epsilon)
    return epsilon.takeError();
  if (!(*epsilon >= 0.0 && std::isfinite(*epsilon)))
    return args.error(args.get("epsilon")->pos,
                      "'epsilon' must be a finite number >= 0, not ",
                      repr(args.get("epsilon")->value));
  layer.epsilon = *epsilon;
  auto center = args.getBool("center", true);
  if (!center)
    return center.takeError();
  layer.center = *center;
  auto scale = args.getBool("scale", true);
  if (!scale)
    return scale.takeError();
  layer.scaleGamma = *scale;
  auto beta = readInitializer(args, "beta_initializer", Initializer::zeros());
  if (!beta)
    return beta.takeError();
  layer.betaInitializer = *beta;
  auto gamma = readInitializer(args, "gamma_initializer", Initializer::ones());
  if (!gamma)
    return gamma.takeError();
  layer.gammaInitializer = *gamma;
  return Error::success();
}

/// BatchNormalization: `axis` an integer or a list/tuple of one (ModelToCnn
/// checks it is the channel axis); what would change the computation and
/// cnnc lacks (renormalization, virtual batches, regularizers, constraints)
/// is refused at its argument.
Error buildBatchNormalization(const Arguments &args, Layer &layer) {
  if (const CallArgValue *arg = args.get("axis")) {
    const Value &v = arg->value;
    if (v.is(Value::Kind::Int)) {
      layer.axis = v.integer;
    } else if ((v.is(Value::Kind::List) || v.is(Value::Kind::Tuple)) &&
               v.elements->size() == 1 &&
               (*v.elements)[0].is(Value::Kind::Int)) {
      layer.axis = (*v.elements)[0].integer;
    } else {
      return args.typeError("axis", *arg, "one integer axis");
    }
  }
  auto momentum = args.getNumber("momentum", 0.99);
  if (!momentum)
    return momentum.takeError();
  if (!(*momentum >= 0.0 && *momentum <= 1.0))
    return args.error(args.get("momentum")->pos,
                      "'momentum' must be in [0, 1], not ",
                      repr(args.get("momentum")->value));
  layer.momentum = *momentum;
  if (Error err = readEpsilonCenterScale(args, layer))
    return err;
  struct {
    StringRef name;
    Initializer def;
    Initializer &out;
  } initializers[] = {{"moving_mean_initializer", Initializer::zeros(),
                       layer.movingMeanInitializer},
                      {"moving_variance_initializer", Initializer::ones(),
                       layer.movingVarianceInitializer}};
  for (auto &[name, def, out] : initializers) {
    auto init = readInitializer(args, name, def);
    if (!init)
      return init.takeError();
    out = *init;
  }
  for (StringRef name : {"beta_regularizer", "gamma_regularizer",
                         "beta_constraint", "gamma_constraint",
                         "renorm_clipping", "virtual_batch_size", "adjustment"})
    if (Error err = args.requireNone(name))
      return err;
  return args.requireDefault("renorm", Value::fromBool(false));
}

/// One integer or a list / tuple of them (LayerNormalization's `axis`).
Error readIntegers(const Arguments &args, StringRef name,
                   std::vector<int64_t> &out) {
  if (!args.hasValue(name))
    return Error::success();
  const CallArgValue *arg = args.get(name);
  const Value &value = arg->value;
  if (value.is(Value::Kind::Int)) {
    out = {value.integer};
    return Error::success();
  }
  if (!value.is(Value::Kind::List) && !value.is(Value::Kind::Tuple))
    return args.typeError(name, *arg, "an integer or a list of integers");
  out.clear();
  for (const Value &item : *value.elements) {
    if (!item.is(Value::Kind::Int))
      return args.typeError(name, *arg, "a list of integers");
    out.push_back(item.integer);
  }
  if (out.empty())
    return args.typeError(name, *arg, "at least one axis");
  return Error::success();
}

/// LayerNormalization: ModelToCnn checks `axis` against the input's rank.
Error buildLayerNormalization(const Arguments &args, Layer &layer) {
  if (Error err = readIntegers(args, "axis", layer.normAxes))
    return err;
  if (Error err = readEpsilonCenterScale(args, layer))
    return err;
  for (StringRef name : {"beta_regularizer", "gamma_regularizer",
                         "beta_constraint", "gamma_constraint"})
    if (Error err = args.requireNone(name))
      return err;
  if (args.hasValue("rms_scaling"))
    return args.requireDefault("rms_scaling", Value::fromBool(false));
  return Error::success();
}

/// DepthwiseConv2D and SeparableConv2D.
Error buildDepthwise(const Arguments &args, Layer &layer) {
  bool separable = layer.kind == LayerKind::SeparableConv2D;
  if (separable) {
    auto filters = args.getPositiveCount("filters");
    if (!filters)
      return filters.takeError();
    layer.filters = *filters;
  }
  if (Error err = readWindow(args, layer))
    return err;
  if (args.hasValue("depth_multiplier")) {
    auto multiplier = args.getPositiveCount("depth_multiplier");
    if (!multiplier)
      return multiplier.takeError();
    layer.depthMultiplier = *multiplier;
  }
  auto activation = readActivation(args, "activation", Activation::Linear);
  if (!activation)
    return activation.takeError();
  layer.activation = *activation;
  auto useBias = args.getBool("use_bias", true);
  if (!useBias)
    return useBias.takeError();
  layer.useBias = *useBias;
  auto depthwiseInit = readInitializer(args, "depthwise_initializer",
                                       Initializer::glorotUniform());
  if (!depthwiseInit)
    return depthwiseInit.takeError();
  layer.depthwiseInitializer = *depthwiseInit;
  if (separable) {
    auto pointwiseInit = readInitializer(args, "pointwise_initializer",
                                         Initializer::glorotUniform());
    if (!pointwiseInit)
      return pointwiseInit.takeError();
    layer.pointwiseInitializer = *pointwiseInit;
  }
  auto biasInit =
      readInitializer(args, "bias_initializer", Initializer::zeros());
  if (!biasInit)
    return biasInit.takeError();
  layer.biasInitializer = *biasInit;
  if (Error err = readRegularizers(args, layer, "depthwise_regularizer"))
    return err;
  if (separable) {
    auto pointwise = readRegularizer(args, "pointwise_regularizer");
    if (!pointwise)
      return pointwise.takeError();
    layer.pointwiseRegularizer = *pointwise;
  }
  for (StringRef name :
       {"depthwise_constraint", "pointwise_constraint", "bias_constraint"})
    if (args.has(name))
      if (Error err = args.requireNone(name))
        return err;
  return Error::success();
}

Error buildConv2DTranspose(const Arguments &args, Layer &layer) {
  auto filters = args.getPositiveCount("filters");
  if (!filters)
    return filters.takeError();
  layer.filters = *filters;
  if (Error err = readWindow(args, layer))
    return err;
  if (layer.dilation[0] != 1 || layer.dilation[1] != 1)
    return args.error(args.get("dilation_rate")->pos,
                      "Conv2DTranspose with 'dilation_rate' other than 1 is "
                      "not supported");
  if (args.hasValue("output_padding")) {
    const CallArgValue *arg = args.get("output_padding");
    const Value &v = arg->value;
    std::array<int64_t, 2> pair;
    if (v.is(Value::Kind::Int)) {
      pair = {v.integer, v.integer};
    } else if ((v.is(Value::Kind::Tuple) || v.is(Value::Kind::List)) &&
               v.elements->size() == 2 &&
               (*v.elements)[0].is(Value::Kind::Int) &&
               (*v.elements)[1].is(Value::Kind::Int)) {
      pair = {(*v.elements)[0].integer, (*v.elements)[1].integer};
    } else {
      return args.typeError("output_padding", *arg, "an integer or 2 integers");
    }
    if (pair[0] < 0 || pair[1] < 0)
      return args.error(arg->pos, "'output_padding' must not be negative, not ",
                        repr(v));
    // Keras: "Strides ... must be greater than output padding ...".
    if (pair[0] >= (*layer.strides)[0] || pair[1] >= (*layer.strides)[1])
      return args.error(arg->pos, "'output_padding' ", repr(v),
                        " must be less than the strides (",
                        std::to_string((*layer.strides)[0]), ", ",
                        std::to_string((*layer.strides)[1]), ")");
    layer.outputPadding = pair;
  }
  return readKernelAndBias(args, layer);
}

Error buildUpSampling2D(const Arguments &args, Layer &layer) {
  auto size = args.getPositivePair("size", {2, 2});
  if (!size)
    return size.takeError();
  layer.upSize = *size;
  if (Error err = checkDataFormat(args))
    return err;
  auto interpolation = args.getOptionalString("interpolation");
  if (!interpolation)
    return interpolation.takeError();
  std::string mode = interpolation->value_or("nearest");
  if (mode != "nearest" && mode != "bilinear")
    return args.error(args.get("interpolation")->pos,
                      "unsupported interpolation '", mode,
                      "' (cnnc has 'nearest' and 'bilinear')");
  layer.bilinear = mode == "bilinear";
  return Error::success();
}

/// keras.Input / InputLayer: only an input shape, which they require.
Error buildInput(const Arguments &args, LayerEntry &entry, StringRef callee) {
  for (StringRef name : {"tensor", "input_tensor", "type_spec"})
    if (Error err = args.requireNone(name))
      return err;
  for (StringRef name : {"sparse", "ragged", "optional"})
    if (args.hasValue(name))
      if (Error err = args.requireDefault(name, Value::fromBool(false)))
        return err;
  if (Error err = checkDType(args))
    return err;
  if (Error err = readInputShape(args, entry))
    return err;
  if (!entry.inputShape)
    return args.error(args.callPos(), "missing argument 'shape' to '", callee,
                      "'");
  return Error::success();
}

} // namespace

Expected<LayerEntry> py::buildLayer(const KerasCall &call, StringRef file) {
  InputClass input = inputClass(call.symbol);
  std::optional<LayerKind> kind = layerKindForClassName(call.symbol.name);
  if (input == InputClass::None && !kind)
    return errorAt(file, call.pos, "unsupported layer '", call.symbol.name,
                   "'");

  auto bound = Arguments::bind(
      call, signatureOf(input, kind.value_or(LayerKind::Flatten)).get(),
      call.symbol.name, file);
  if (!bound)
    return bound.takeError();
  const Arguments &args = *bound;

  LayerEntry entry;
  if (input != InputClass::None) {
    entry.isInput = true;
    if (Error err = buildInput(args, entry, call.symbol.name))
      return std::move(err);
    return std::move(entry);
  }

  Layer &layer = entry.layer;
  layer.loc = toSourceLoc(file, call.pos);
  auto name = args.getOptionalString("name");
  if (!name)
    return name.takeError();
  layer.name = name->value_or("");
  auto trainable = args.getBool("trainable", true);
  if (!trainable)
    return trainable.takeError();
  layer.trainable = *trainable;
  if (Error err = args.requireNone("weights"))
    return std::move(err);
  if (Error err = checkDType(args))
    return std::move(err);
  if (Error err = readInputShape(args, entry))
    return std::move(err);

  layer.kind = *kind;
  Error err = Error::success();
  switch (*kind) {
  case LayerKind::Conv2D:
    err = buildConv2D(args, layer);
    break;
  case LayerKind::MaxPooling2D:
  case LayerKind::AveragePooling2D:
  case LayerKind::MinPooling2D:
    err = buildPooling(args, layer);
    break;
  case LayerKind::GlobalMaxPooling2D:
  case LayerKind::GlobalAveragePooling2D:
  case LayerKind::GlobalMinPooling2D:
    err = buildGlobalPooling(args, layer);
    break;
  case LayerKind::Flatten:
    err = checkDataFormat(args);
    break;
  case LayerKind::Dense:
    err = buildDense(args, layer);
    break;
  case LayerKind::Dropout:
  case LayerKind::AlphaDropout:
    err = buildDropout(args, layer);
    break;
  case LayerKind::Activation: {
    auto act = readActivation(args, "activation", Activation::Linear);
    if (!act)
      return act.takeError();
    layer.activation = *act;
    break;
  }
  case LayerKind::ReLU:
    err = buildReLU(args, layer);
    break;
  case LayerKind::LeakyReLU:
    err = buildLeakyReLU(args, layer);
    break;
  case LayerKind::ELU:
    err = buildELU(args, layer);
    break;
  case LayerKind::ThresholdedReLU: {
    // tf.keras 2: "The theta value of a Thresholded ReLU layer should be
    // >=0".
    auto theta = getNonNegative(args, "theta", 1.0);
    if (!theta)
      return theta.takeError();
    layer.threshold = *theta;
    break;
  }
  case LayerKind::PReLU:
    err = buildPReLU(args, layer);
    break;
  case LayerKind::ZeroPadding2D:
    layer.edges = {1, 1, 1, 1};
    if (!(err = checkDataFormat(args)))
      err = readEdges(args, "padding", layer.edges);
    break;
  case LayerKind::Cropping2D:
    if (!(err = checkDataFormat(args)))
      err = readEdges(args, "cropping", layer.edges);
    break;
  case LayerKind::Reshape:
    err = buildReshape(args, layer);
    break;
  case LayerKind::Permute:
    err = buildPermute(args, layer);
    break;
  case LayerKind::Rescaling:
    err = buildRescaling(args, layer);
    break;
  case LayerKind::SpatialDropout2D:
  case LayerKind::GaussianDropout:
    if (layer.kind == LayerKind::SpatialDropout2D &&
        (err = checkDataFormat(args)))
      break;
    err = buildDropout(args, layer);
    break;
  case LayerKind::GaussianNoise: {
    auto stddev = args.getNumber("stddev", 0.0);
    if (!stddev)
      return stddev.takeError();
    layer.stddev = *stddev;
    auto seed = args.getOptionalInt("seed");
    if (!seed)
      return seed.takeError();
    layer.seed = *seed;
    break;
  }
  case LayerKind::BatchNormalization:
    err = buildBatchNormalization(args, layer);
    break;
  case LayerKind::LayerNormalization:
    err = buildLayerNormalization(args, layer);
    break;
  case LayerKind::DepthwiseConv2D:
  case LayerKind::SeparableConv2D:
    err = buildDepthwise(args, layer);
    break;
  case LayerKind::Conv2DTranspose:
    err = buildConv2DTranspose(args, layer);
    break;
  case LayerKind::UpSampling2D:
    err = buildUpSampling2D(args, layer);
    break;
  case LayerKind::Softmax:
  case LayerKind::Concatenate: {
    auto axis = args.getInt("axis", -1);
    if (!axis)
      return axis.takeError();
    layer.axis = *axis;
    break;
  }
  case LayerKind::Add:
  case LayerKind::Subtract:
  case LayerKind::Multiply:
  case LayerKind::Average:
  case LayerKind::Maximum:
  case LayerKind::Minimum:
    break;
  case LayerKind::RandomFlip:
  case LayerKind::RandomRotation:
  case LayerKind::RandomZoom:
  case LayerKind::RandomTranslation:
  case LayerKind::RandomContrast:
  case LayerKind::RandomBrightness:
    err = buildAugmentation(args, layer);
    break;
  }
  if (err)
    return std::move(err);
  return std::move(entry);
}
