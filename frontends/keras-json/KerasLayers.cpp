//===- KerasLayers.cpp - Keras layer configs to ModelSpec layers ----------===//
//
// This file reads the config of each layer class cnnc supports, field by
// field, as Keras 2, Keras 3 and TF.js write it. Every field has Keras 2's
// default in Layer already, so a field a writer omits keeps it; a field that
// would change what the layer computes in a way cnnc does not implement is a
// located error rather than something silently dropped.
//
//===----------------------------------------------------------------------===//

#include "frontends/keras-json/KerasReaders.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"

using namespace cnnc;

llvm::StringRef cnnc::bareClassName(llvm::StringRef className) {
  // `Custom>Adam` (tf.keras 2.11+ optimizers), `keras.layers.Conv2D`.
  size_t cut = className.find_last_of(">.");
  return cut == llvm::StringRef::npos ? className
                                      : className.drop_front(cut + 1);
}

std::string cnnc::foldName(llvm::StringRef name) {
  std::string folded;
  for (char c : name)
    if (c != '_')
      folded.push_back(llvm::toLower(c));
  return folded;
}

//===----------------------------------------------------------------------===//
// Fields shared by several classes
//===----------------------------------------------------------------------===//

llvm::Error cnnc::checkCommonLayerFields(const ConfigReader &config,
                                         bool *layerTrainable) {
  bool trainable = true;
  if (llvm::Error err = config.readBool("trainable", trainable))
    return err;
  if (layerTrainable)
    *layerTrainable = trainable;
  else if (!trainable)
    return config.fail(config.field("trainable"),
                       "frozen layers ('trainable': false) are not supported");

  // Keras 2 and Keras 3 up to 3.3 write a string; 3.4+ a DTypePolicy
  // object, tf.keras mixed precision a Policy object: the name is inside.
  JsonNode dtype = config.field("dtype");
  if (dtype.isNullOrMissing())
    return llvm::Error::success();
  JsonNode name = dtype;
  if (dtype.getObject()) {
    name = dtype.get("config").get("name");
    if (!name.exists())
      name = dtype.get("name");
  }
  std::optional<llvm::StringRef> s = name.getString();
  if (!s)
    return config.fail(name, "expected a dtype name for 'dtype', found " +
                                 name.describe());
  if (*s != "float32")
    return config.fail(name, "unsupported dtype " + name.describe() +
                                 " (cnnc computes in float32)");
  return llvm::Error::success();
}

llvm::Error cnnc::readActivation(const ConfigReader &config,
                                 llvm::StringRef key, Activation &out,
                                 bool required, const KerasFileInfo &info) {
  JsonNode node = config.field(key);
  if (!node.exists()) {
    if (required)
      return config.fail(config.node(), "missing '" + key + "'");
    return llvm::Error::success();
  }
  // activation=None serialises as "linear", but hand-written files say null.
  if (node.isNullOrMissing()) {
    out = Activation::Linear;
    return llvm::Error::success();
  }
  // Keras 3 can wrap a function as {"class_name": "function", "config":
  // "relu", ...}: the name is the config.
  JsonNode name = node.getObject() ? node.get("config") : node;
  std::optional<llvm::StringRef> s = name.getString();
  if (!s)
    return config.fail(name, "expected an activation name for '" + key +
                                 "', found " + name.describe());
  std::optional<Activation> activation =
      activationForName(s->str(), info.isKeras3);
  if (!activation)
    return config.fail(name, "unsupported activation " + name.describe() +
                                 " (cnnc has " + kerasActivationNames() + ")");
  out = *activation;
  return llvm::Error::success();
}

static llvm::Error readPadding(const ConfigReader &config, Padding &out) {
  JsonNode node = config.field("padding");
  if (!node.exists())
    return llvm::Error::success();
  std::optional<llvm::StringRef> s = node.getString();
  if (!s)
    return config.fail(node, "expected a string for 'padding', found " +
                                 node.describe());
  // Keras lower-cases it (conv_utils.normalize_padding).
  std::string lower = s->lower();
  if (lower == "valid")
    out = Padding::Valid;
  else if (lower == "same")
    out = Padding::Same;
  else
    return config.fail(node, "unsupported padding " + node.describe() +
                                 " (cnnc has 'valid' and 'same')");
  return llvm::Error::success();
}

static llvm::Error checkDataFormat(const ConfigReader &config) {
  JsonNode node = config.field("data_format");
  // null means Keras's image_data_format(), channels_last by default.
  if (node.isNullOrMissing())
    return llvm::Error::success();
  std::optional<llvm::StringRef> s = node.getString();
  if (!s)
    return config.fail(node, "expected a string for 'data_format', found " +
                                 node.describe());
  if (s->lower() != "channels_last")
    return config.fail(node, "unsupported data_format " + node.describe() +
                                 " (cnnc is channels_last only)");
  return llvm::Error::success();
}

/// The bias's and the output's regularizers; constraints change training
/// in a way cnnc does not implement.
static llvm::Error readRegularizers(const ConfigReader &config, Layer &layer,
                                    const KerasFileInfo &info) {
  if (llvm::Error err = readRegularizer(config, "bias_regularizer",
                                        layer.biasRegularizer, info))
    return err;
  if (llvm::Error err = readRegularizer(config, "activity_regularizer",
                                        layer.activityRegularizer, info))
    return err;
  for (llvm::StringRef key : {"kernel_constraint", "bias_constraint"})
    if (llvm::Error err = config.requireNull(key))
      return err;
  return llvm::Error::success();
}

static llvm::Error readWeights(const ConfigReader &config, Layer &layer,
                               const KerasFileInfo &info) {
  if (llvm::Error err = readActivation(config, "activation", layer.activation,
                                       /*required=*/false, info))
    return err;
  if (llvm::Error err = config.readBool("use_bias", layer.useBias))
    return err;
  if (llvm::Error err = readInitializer(config, "kernel_initializer",
                                        layer.kernelInitializer, info))
    return err;
  if (llvm::Error err = readInitializer(config, "bias_initializer",
                                        layer.biasInitializer, info))
    return err;
  if (llvm::Error err = readRegularizer(config, "kernel_regularizer",
                                        layer.kernelRegularizer, info))
    return err;
  return readRegularizers(config, layer, info);
}

//===----------------------------------------------------------------------===//
// One reader per class
//===----------------------------------------------------------------------===//

static llvm::Error readConv2D(const ConfigReader &config, Layer &layer,
                              const KerasFileInfo &info) {
  if (llvm::Error err = config.readSize("filters", layer.filters, true))
    return err;
  if (llvm::Error err =
          config.readSizePair("kernel_size", layer.kernelSize, true))
    return err;
  if (llvm::Error err = config.readOptionalSizePair("strides", layer.strides))
    return err;
  if (llvm::Error err = readPadding(config, layer.padding))
    return err;
  if (llvm::Error err = checkDataFormat(config))
    return err;
  if (llvm::Error err = config.readSizePair("dilation_rate", layer.dilation))
    return err;
  int64_t groups = 1;
  if (llvm::Error err = config.readInt("groups", groups))
    return err;
  if (groups != 1)
    return config.fail(config.field("groups"),
                       "grouped convolution is not supported ('groups' must "
                       "be 1, found " +
                           config.field("groups").describe() + ")");
  // Keras refuses the pair too (conv_utils / Conv.__init__).
  bool strided =
      layer.strides && ((*layer.strides)[0] > 1 || (*layer.strides)[1] > 1);
  bool dilated = layer.dilation[0] > 1 || layer.dilation[1] > 1;
  if (strided && dilated)
    return config.fail(config.field("strides"),
                       "'strides' > 1 together with 'dilation_rate' > 1 is "
                       "not supported");
  return readWeights(config, layer, info);
}

static llvm::Error readPooling(const ConfigReader &config, Layer &layer) {
  if (llvm::Error err = config.readSizePair("pool_size", layer.poolSize))
    return err;
  if (llvm::Error err = config.readOptionalSizePair("strides", layer.strides))
    return err;
  if (llvm::Error err = readPadding(config, layer.padding))
    return err;
  return checkDataFormat(config);
}

static llvm::Error readGlobalPooling(const ConfigReader &config, Layer &layer) {
  if (llvm::Error err = checkDataFormat(config))
    return err;
  return config.readBool("keepdims", layer.keepDims);
}

static llvm::Error readDense(const ConfigReader &config, Layer &layer,
                             const KerasFileInfo &info) {
  if (llvm::Error err = config.readSize("units", layer.units, true))
    return err;
  // Keras 3's LoRA and quantization change the kernel.
  for (llvm::StringRef key : {"lora_rank", "quantization_config"})
    if (llvm::Error err = config.requireNull(key))
      return err;
  return readWeights(config, layer, info);
}

static llvm::Error readDropout(const ConfigReader &config, Layer &layer) {
  if (llvm::Error err = config.readNumber("rate", layer.rate, true))
    return err;
  // Keras accepts 1, which drops everything; cnnc refuses it
  // (docs/keras-semantics.md §2).
  if (layer.rate < 0.0 || layer.rate >= 1.0)
    return config.fail(config.field("rate"),
                       "'rate' must be in [0, 1), found " +
                           config.field("rate").describe());
  if (llvm::Error err = config.requireNull("noise_shape"))
    return err;
  return config.readOptionalInt("seed", layer.seed);
}

/// A number Keras requires to be >= 0 (ReLU's arguments, LeakyReLU's
/// slope: "cannot be a negative value").
static llvm::Error readNonNegative(const ConfigReader &config,
                                   llvm::StringRef key, double &out) {
  if (llvm::Error err = config.readNumber(key, out))
    return err;
  if (!(out >= 0.0))
    return config.fail(config.field(key), "'" + key + "' must be >= 0, found " +
                                              config.field(key).describe());
  return llvm::Error::success();
}

static llvm::Error readReLU(const ConfigReader &config, Layer &layer) {
  JsonNode max = config.field("max_value");
  if (!max.isNullOrMissing()) {
    double value = 0.0;
    if (llvm::Error err = readNonNegative(config, "max_value", value))
      return err;
    layer.maxValue = value;
  }
  if (llvm::Error err = readNonNegative(config, "negative_slope", layer.alpha))
    return err;
  return readNonNegative(config, "threshold", layer.threshold);
}

static llvm::Error readLeakyReLU(const ConfigReader &config, Layer &layer) {
  // Keras 2 and TF.js write `alpha`, Keras 3 `negative_slope`.
  layer.alpha = 0.3;
  llvm::StringRef key =
      config.field("negative_slope").exists() ? "negative_slope" : "alpha";
  return readNonNegative(config, key, layer.alpha);
}

static llvm::Error readPReLU(const ConfigReader &config, Layer &layer,
                             const KerasFileInfo &info) {
  if (llvm::Error err = readInitializer(config, "alpha_initializer",
                                        layer.alphaInitializer, info))
    return err;
  for (llvm::StringRef key : {"alpha_regularizer", "alpha_constraint"})
    if (llvm::Error err = config.requireNull(key))
      return err;
  JsonNode axes = config.field("shared_axes");
  if (axes.isNullOrMissing())
    return llvm::Error::success();
  // Keras takes one axis or a list of them.
  auto integer = [](const JsonNode &node) -> std::optional<int64_t> {
    return node.getValue() ? node.getValue()->getAsInteger() : std::nullopt;
  };
  if (std::optional<int64_t> axis = integer(axes)) {
    layer.sharedAxes = {*axis};
    return llvm::Error::success();
  }
  const llvm::json::Array *list = axes.getArray();
  if (!list)
    return config.fail(axes, "expected an axis or a list of axes for "
                             "'shared_axes', found " +
                                 axes.describe());
  for (size_t i = 0; i < list->size(); ++i) {
    JsonNode item = axes.at(i);
    std::optional<int64_t> axis = integer(item);
    if (!axis)
      return config.fail(item, "expected an integer axis in 'shared_axes', "
                               "found " +
                                   item.describe());
    layer.sharedAxes.push_back(*axis);
  }
  return llvm::Error::success();
}

/// ZeroPadding2D's `padding` and Cropping2D's `cropping` as Keras takes
/// them: n (all four), [rows, cols] (symmetric) or [[top, bottom], [left,
/// right]]. Keras refuses a negative amount; so does cnnc, at the number.
static llvm::Error readEdges(const ConfigReader &config, llvm::StringRef key,
                             std::array<int64_t, 4> &out) {
  JsonNode node = config.field(key);
  if (!node.exists())
    return llvm::Error::success();
  auto amount = [&](const JsonNode &n, int64_t &value) -> llvm::Error {
    std::optional<int64_t> v =
        n.getValue() ? n.getValue()->getAsInteger() : std::nullopt;
    if (!v)
      return config.fail(n, "expected an integer in '" + key + "', found " +
                                n.describe());
    if (*v < 0)
      return config.fail(n, "'" + key + "' must not be negative, found " +
                                n.describe());
    value = *v;
    return llvm::Error::success();
  };
  const llvm::json::Array *outer = node.getArray();
  if (!outer) {
    int64_t n = 0;
    if (llvm::Error err = amount(node, n))
      return err;
    out = {n, n, n, n};
    return llvm::Error::success();
  }
  if (outer->size() != 2)
    return config.fail(node, "expected 2 entries (rows, columns) in '" + key +
                                 "', found " + llvm::Twine(outer->size()));
  for (size_t axis = 0; axis < 2; ++axis) {
    JsonNode entry = node.at(axis);
    const llvm::json::Array *inner = entry.getArray();
    if (!inner) {
      int64_t n = 0;
      if (llvm::Error err = amount(entry, n))
        return err;
      out[2 * axis] = out[2 * axis + 1] = n;
      continue;
    }
    if (inner->size() != 2)
      return config.fail(entry, "expected 2 integers (before, after) in '" +
                                    key + "', found " +
                                    llvm::Twine(inner->size()));
    for (size_t side = 0; side < 2; ++side)
      if (llvm::Error err = amount(entry.at(side), out[2 * axis + side]))
        return err;
  }
  return llvm::Error::success();
}

/// One integer or a list of them (LayerNormalization's `axis`, Permute's
/// `dims`); absent or null keeps `out`.
static llvm::Error readIntegers(const ConfigReader &config, llvm::StringRef key,
                                std::vector<int64_t> &out) {
  JsonNode node = config.field(key);
  if (node.isNullOrMissing())
    return llvm::Error::success();
  auto integer = [](const JsonNode &n) -> std::optional<int64_t> {
    return n.getValue() ? n.getValue()->getAsInteger() : std::nullopt;
  };
  if (std::optional<int64_t> one = integer(node)) {
    out = {*one};
    return llvm::Error::success();
  }
  const llvm::json::Array *list = node.getArray();
  if (!list)
    return config.fail(node, "expected an integer or a list of integers for '" +
                                 key + "', found " + node.describe());
  out.clear();
  for (size_t i = 0; i < list->size(); ++i) {
    std::optional<int64_t> item = integer(node.at(i));
    if (!item)
      return config.fail(node.at(i), "expected an integer in '" + key +
                                         "', found " + node.at(i).describe());
    out.push_back(*item);
  }
  return llvm::Error::success();
}

static llvm::Error readReshape(const ConfigReader &config, Layer &layer) {
  JsonNode node = config.field("target_shape");
  const llvm::json::Array *list = node.getArray();
  if (!list)
    return config.fail(node.exists() ? node : config.node(),
                       "expected a list of sizes for 'target_shape', found " +
                           node.describe());
  for (size_t i = 0; i < list->size(); ++i) {
    JsonNode item = node.at(i);
    // Keras writes the inferred size as -1, TF.js as null.
    if (item.isNullOrMissing()) {
      layer.targetShape.push_back(-1);
      continue;
    }
    std::optional<int64_t> size =
        item.getValue() ? item.getValue()->getAsInteger() : std::nullopt;
    if (!size)
      return config.fail(item, "expected an integer size in 'target_shape', "
                               "found " +
                                   item.describe());
    layer.targetShape.push_back(*size);
  }
  return llvm::Error::success();
}

/// Permute's `dims`, a list of axes; their check is the op's (ShapeRules),
/// where the input's rank is known.
static llvm::Error readPermute(const ConfigReader &config, Layer &layer) {
  JsonNode node = config.field("dims");
  if (!node.getArray())
    return config.fail(node.exists() ? node : config.node(),
                       "expected a list of axes for 'dims', found " +
                           node.describe());
  return readIntegers(config, "dims", layer.permuteDims);
}

static llvm::Error readRescaling(const ConfigReader &config, Layer &layer) {
  if (llvm::Error err = config.readNumber("scale", layer.scale, true))
    return err;
  return config.readNumber("offset", layer.offset);
}

static llvm::Error readELU(const ConfigReader &config, Layer &layer) {
  layer.alpha = 1.0;
  return config.readNumber("alpha", layer.alpha);
}

/// BatchNormalization's and LayerNormalization's `epsilon`, at least 0.
static llvm::Error readEpsilon(const ConfigReader &config, Layer &layer) {
  if (llvm::Error err = config.readNumber("epsilon", layer.epsilon))
    return err;
  if (!(layer.epsilon >= 0.0))
    return config.fail(config.field("epsilon"),
                       "'epsilon' must be >= 0, found " +
                           config.field("epsilon").describe());
  return llvm::Error::success();
}

/// Their `center` (beta) and `scale` (gamma), and the two initializers.
static llvm::Error readCenterScale(const ConfigReader &config, Layer &layer,
                                   const KerasFileInfo &info) {
  if (llvm::Error err = config.readBool("center", layer.center))
    return err;
  if (llvm::Error err = config.readBool("scale", layer.scaleGamma))
    return err;
  if (llvm::Error err = readInitializer(config, "gamma_initializer",
                                        layer.gammaInitializer, info))
    return err;
  return readInitializer(config, "beta_initializer", layer.betaInitializer,
                         info);
}

/// Keras 2, Keras 3 and TF.js spell the config alike; `axis` is an integer
/// or (Keras 2.x `.h5` files) a list of one. ModelToCnn checks that it is
/// the channel axis, where the input's rank is known.
static llvm::Error readBatchNormalization(const ConfigReader &config,
                                          Layer &layer,
                                          const KerasFileInfo &info) {
  JsonNode axis = config.field("axis");
  if (const llvm::json::Array *list = axis.getArray()) {
    std::optional<int64_t> only = list->size() == 1 && axis.at(0).getValue()
                                      ? axis.at(0).getValue()->getAsInteger()
                                      : std::nullopt;
    if (!only)
      return config.fail(axis, "'axis' must be one axis (cnnc normalizes "
                               "the channel axis), found " +
                                   llvm::Twine(list->size()));
    layer.axis = *only;
  } else if (llvm::Error err = config.readInt("axis", layer.axis)) {
    return err;
  }
  if (llvm::Error err = config.readNumber("momentum", layer.momentum))
    return err;
  if (llvm::Error err = readEpsilon(config, layer))
    return err;
  if (!(layer.momentum >= 0.0 && layer.momentum <= 1.0))
    return config.fail(config.field("momentum"),
                       "'momentum' must be in [0, 1], found " +
                           config.field("momentum").describe());
  if (llvm::Error err = readCenterScale(config, layer, info))
    return err;
  struct {
    const char *key;
    Initializer &init;
  } initializers[] = {
      {"moving_mean_initializer", layer.movingMeanInitializer},
      {"moving_variance_initializer", layer.movingVarianceInitializer}};
  for (auto &[key, init] : initializers)
    if (llvm::Error err = readInitializer(config, key, init, info))
      return err;
  // What would change the computation: regularizers and constraints (not
  // implemented), Keras 2's batch renormalization and virtual batches.
  for (llvm::StringRef key :
       {"beta_regularizer", "gamma_regularizer", "beta_constraint",
        "gamma_constraint", "virtual_batch_size", "adjustment"})
    if (llvm::Error err = config.requireNull(key))
      return err;
  bool renorm = false;
  if (llvm::Error err = config.readBool("renorm", renorm))
    return err;
  if (renorm)
    return config.fail(config.field("renorm"),
                       "batch renormalization ('renorm': true) is not "
                       "supported");
  return llvm::Error::success();
}

/// LayerNormalization as Keras 2, Keras 3 and TF.js write it; ModelToCnn
/// checks the axes against the input's rank.
static llvm::Error readLayerNormalization(const ConfigReader &config,
                                          Layer &layer,
                                          const KerasFileInfo &info) {
  if (llvm::Error err = readIntegers(config, "axis", layer.normAxes))
    return err;
  if (layer.normAxes.empty())
    return config.fail(config.field("axis"), "'axis' must name an axis");
  if (llvm::Error err = readEpsilon(config, layer))
    return err;
  if (llvm::Error err = readCenterScale(config, layer, info))
    return err;
  for (llvm::StringRef key : {"beta_regularizer", "gamma_regularizer",
                              "beta_constraint", "gamma_constraint"})
    if (llvm::Error err = config.requireNull(key))
      return err;
  // Keras 3's root-mean-square variant is another computation.
  bool rms = false;
  if (llvm::Error err = config.readBool("rms_scaling", rms))
    return err;
  if (rms)
    return config.fail(config.field("rms_scaling"),
                       "'rms_scaling': true is not supported");
  return llvm::Error::success();
}

/// The convolution fields DepthwiseConv2D, SeparableConv2D and
/// Conv2DTranspose share with Conv2D.
static llvm::Error readWindow(const ConfigReader &config, Layer &layer) {
  if (llvm::Error err =
          config.readSizePair("kernel_size", layer.kernelSize, true))
    return err;
  if (llvm::Error err = config.readOptionalSizePair("strides", layer.strides))
    return err;
  if (llvm::Error err = readPadding(config, layer.padding))
    return err;
  if (llvm::Error err = checkDataFormat(config))
    return err;
  if (llvm::Error err = config.readSizePair("dilation_rate", layer.dilation))
    return err;
  bool strided =
      layer.strides && ((*layer.strides)[0] > 1 || (*layer.strides)[1] > 1);
  bool dilated = layer.dilation[0] > 1 || layer.dilation[1] > 1;
  if (strided && dilated)
    return config.fail(config.field("strides"),
                       "'strides' > 1 together with 'dilation_rate' > 1 is "
                       "not supported");
  return llvm::Error::success();
}

/// DepthwiseConv2D (keras/layers/convolutional/depthwise_conv2d.py) and
/// SeparableConv2D (separable_conv2d.py).
static llvm::Error readDepthwise(const ConfigReader &config, Layer &layer,
                                 const KerasFileInfo &info) {
  bool separable = layer.kind == LayerKind::SeparableConv2D;
  if (separable)
    if (llvm::Error err = config.readSize("filters", layer.filters, true))
      return err;
  if (llvm::Error err = readWindow(config, layer))
    return err;
  if (llvm::Error err =
          config.readSize("depth_multiplier", layer.depthMultiplier))
    return err;
  if (llvm::Error err = readActivation(config, "activation", layer.activation,
                                       /*required=*/false, info))
    return err;
  if (llvm::Error err = config.readBool("use_bias", layer.useBias))
    return err;
  if (llvm::Error err = readInitializer(config, "depthwise_initializer",
                                        layer.depthwiseInitializer, info))
    return err;
  if (separable)
    if (llvm::Error err = readInitializer(config, "pointwise_initializer",
                                          layer.pointwiseInitializer, info))
      return err;
  if (llvm::Error err = readInitializer(config, "bias_initializer",
                                        layer.biasInitializer, info))
    return err;
  if (llvm::Error err = readRegularizer(config, "depthwise_regularizer",
                                        layer.kernelRegularizer, info))
    return err;
  if (separable)
    if (llvm::Error err = readRegularizer(config, "pointwise_regularizer",
                                          layer.pointwiseRegularizer, info))
      return err;
  if (!separable)
    if (llvm::Error err = config.requireNull("pointwise_regularizer"))
      return err;
  // TF.js also writes the kernel_* fields of its Conv base class, unused.
  for (llvm::StringRef key : {"depthwise_constraint", "pointwise_constraint",
                              "kernel_regularizer", "kernel_constraint"})
    if (llvm::Error err = config.requireNull(key))
      return err;
  return readRegularizers(config, layer, info);
}

/// Conv2DTranspose (keras/layers/convolutional/conv2d_transpose.py).
static llvm::Error readConv2DTranspose(const ConfigReader &config, Layer &layer,
                                       const KerasFileInfo &info) {
  if (llvm::Error err = config.readSize("filters", layer.filters, true))
    return err;
  if (llvm::Error err = readWindow(config, layer))
    return err;
  if (layer.dilation[0] != 1 || layer.dilation[1] != 1)
    return config.fail(config.field("dilation_rate"),
                       "Conv2DTranspose with 'dilation_rate' other than 1 is "
                       "not supported");
  JsonNode node = config.field("output_padding");
  if (!node.isNullOrMissing()) {
    auto amount = [&](const JsonNode &n, int64_t &value) -> llvm::Error {
      std::optional<int64_t> v =
          n.getValue() ? n.getValue()->getAsInteger() : std::nullopt;
      if (!v)
        return config.fail(n, "expected an integer in 'output_padding', "
                              "found " +
                                  n.describe());
      if (*v < 0)
        return config.fail(n, "'output_padding' must not be negative, found " +
                                  n.describe());
      value = *v;
      return llvm::Error::success();
    };
    std::array<int64_t, 2> pair;
    if (const llvm::json::Array *list = node.getArray()) {
      if (list->size() != 2)
        return config.fail(node, "expected 2 integers for 'output_padding', "
                                 "found " +
                                     llvm::Twine(list->size()));
      for (size_t i = 0; i < 2; ++i)
        if (llvm::Error err = amount(node.at(i), pair[i]))
          return err;
    } else {
      if (llvm::Error err = amount(node, pair[0]))
        return err;
      pair[1] = pair[0];
    }
    // Keras: "Strides ... must be greater than output padding ...".
    auto strides = layer.strides.value_or(std::array<int64_t, 2>{1, 1});
    if (pair[0] >= strides[0] || pair[1] >= strides[1])
      return config.fail(node, "'output_padding' (" + llvm::Twine(pair[0]) +
                                   ", " + llvm::Twine(pair[1]) +
                                   ") must be less than the strides (" +
                                   llvm::Twine(strides[0]) + ", " +
                                   llvm::Twine(strides[1]) + ")");
    layer.outputPadding = pair;
  }
  return readWeights(config, layer, info);
}

/// UpSampling2D (keras/layers/reshaping/up_sampling2d.py).
static llvm::Error readUpSampling2D(const ConfigReader &config, Layer &layer) {
  if (llvm::Error err = config.readSizePair("size", layer.upSize))
    return err;
  if (llvm::Error err = checkDataFormat(config))
    return err;
  std::string interpolation = "nearest";
  if (llvm::Error err = config.readString("interpolation", interpolation))
    return err;
  if (interpolation != "nearest" && interpolation != "bilinear")
    return config.fail(config.field("interpolation"),
                       "unsupported interpolation " +
                           config.field("interpolation").describe() +
                           " (cnnc has 'nearest' and 'bilinear')");
  layer.bilinear = interpolation == "bilinear";
  return llvm::Error::success();
}

llvm::Error cnnc::readLayerConfig(const ConfigReader &config, Layer &layer,
                                  const KerasFileInfo &info) {
  if (llvm::Error err = checkCommonLayerFields(config, &layer.trainable))
    return err;
  switch (layer.kind) {
  case LayerKind::Conv2D:
    return readConv2D(config, layer, info);
  case LayerKind::MaxPooling2D:
  case LayerKind::AveragePooling2D:
  case LayerKind::MinPooling2D:
    return readPooling(config, layer);
  case LayerKind::GlobalMaxPooling2D:
  case LayerKind::GlobalAveragePooling2D:
  case LayerKind::GlobalMinPooling2D:
    return readGlobalPooling(config, layer);
  case LayerKind::Flatten:
    return checkDataFormat(config);
  case LayerKind::Dense:
    return readDense(config, layer, info);
  case LayerKind::Dropout:
  case LayerKind::AlphaDropout:
    return readDropout(config, layer);
  case LayerKind::Activation:
    return readActivation(config, "activation", layer.activation,
                          /*required=*/true, info);
  case LayerKind::ReLU:
    return readReLU(config, layer);
  case LayerKind::LeakyReLU:
    return readLeakyReLU(config, layer);
  case LayerKind::ELU:
    return readELU(config, layer);
  case LayerKind::ThresholdedReLU:
    // tf.keras 2 refuses a negative theta; TF.js does not check it.
    layer.threshold = 1.0;
    return readNonNegative(config, "theta", layer.threshold);
  case LayerKind::PReLU:
    return readPReLU(config, layer, info);
  case LayerKind::ZeroPadding2D:
    layer.edges = {1, 1, 1, 1};
    if (llvm::Error err = checkDataFormat(config))
      return err;
    return readEdges(config, "padding", layer.edges);
  case LayerKind::Cropping2D:
    if (llvm::Error err = checkDataFormat(config))
      return err;
    return readEdges(config, "cropping", layer.edges);
  case LayerKind::Reshape:
    return readReshape(config, layer);
  case LayerKind::Permute:
    return readPermute(config, layer);
  case LayerKind::Rescaling:
    return readRescaling(config, layer);
  case LayerKind::SpatialDropout2D:
    if (llvm::Error err = checkDataFormat(config))
      return err;
    return readDropout(config, layer);
  case LayerKind::GaussianNoise:
    if (llvm::Error err = config.readNumber("stddev", layer.stddev, true))
      return err;
    return config.readOptionalInt("seed", layer.seed);
  case LayerKind::GaussianDropout:
    if (llvm::Error err = config.readNumber("rate", layer.rate, true))
      return err;
    return config.readOptionalInt("seed", layer.seed);
  case LayerKind::Softmax:
  case LayerKind::Concatenate:
    return config.readInt("axis", layer.axis);
  case LayerKind::BatchNormalization:
    return readBatchNormalization(config, layer, info);
  case LayerKind::LayerNormalization:
    return readLayerNormalization(config, layer, info);
  case LayerKind::Add:
  case LayerKind::Subtract:
  case LayerKind::Multiply:
  case LayerKind::Average:
  case LayerKind::Maximum:
  case LayerKind::Minimum:
    return llvm::Error::success();
  case LayerKind::DepthwiseConv2D:
  case LayerKind::SeparableConv2D:
    return readDepthwise(config, layer, info);
  case LayerKind::Conv2DTranspose:
    return readConv2DTranspose(config, layer, info);
  case LayerKind::UpSampling2D:
    return readUpSampling2D(config, layer);
  case LayerKind::RandomFlip:
  case LayerKind::RandomRotation:
  case LayerKind::RandomZoom:
  case LayerKind::RandomTranslation:
  case LayerKind::RandomContrast:
  case LayerKind::RandomBrightness:
    return readAugmentation(config, layer);
  }
  return llvm::Error::success();
}
