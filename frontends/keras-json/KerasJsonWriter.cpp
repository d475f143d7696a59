//===- KerasJsonWriter.cpp - A ModelSpec as Keras's model JSON ------------===//
//
// The reverse of the reader: tf.keras 2.x `model.to_json()` (an InputLayer
// entry, then every layer's full config), the form that Keras loads from an
// .h5's `model_config` and TF.js from a converted model.json. Values the
// reader defaulted are written out, so the file says everything.
//
//===----------------------------------------------------------------------===//

#include "dialects/cnn/KerasDefaults.h"
#include "frontends/common/LocatedError.h"
#include "frontends/common/ModelGraph.h"
#include "frontends/keras-json/KerasJson.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/JSON.h"

#include <map>

using namespace cnnc;
using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;

static Value pair(const std::array<int64_t, 2> &v) { return Array{v[0], v[1]}; }

static Value seedValue(const std::optional<int64_t> &seed) {
  return seed ? Value(*seed) : Value(nullptr);
}

/// The activation's name for `target`, or an error for one the target's
/// reader would compute differently or not know.
static llvm::Expected<Value>
activationValue(const Layer &layer, Activation activation, KerasTarget target) {
  auto cannot = [&](const char *what) {
    return makeError(layer.loc, kerasClassName(layer.kind), " '", layer.name,
                     "' uses ", what);
  };
  bool tfjs = target == KerasTarget::Tfjs;
  switch (activation) {
  case Activation::HardSigmoidKeras3:
    // Both targets read 'hard_sigmoid' as Keras 2's function.
    return cannot("Keras 3's hard_sigmoid, which tf.keras 2 and TF.js "
                  "define differently");
  case Activation::GeluTanh:
    if (!tfjs)
      return cannot("gelu's tanh approximation, which Keras cannot name as "
                    "an activation string");
    break;
  case Activation::Exponential:
    if (tfjs)
      return cannot("the 'exponential' activation, which TF.js lacks");
    break;
  default:
    break;
  }
  return Value(kerasActivationName(activation));
}

static Value initializerValue(const Initializer &init, KerasTarget target) {
  using Kind = Initializer::Kind;
  switch (init.kind) {
  case Kind::Constant:
    if (init.value == 0.0)
      return Object{{"class_name", "Zeros"}, {"config", Object{}}};
    if (init.value == 1.0)
      return Object{{"class_name", "Ones"}, {"config", Object{}}};
    return Object{{"class_name", "Constant"},
                  {"config", Object{{"value", init.value}}}};
  case Kind::RandomNormal:
  case Kind::TruncatedNormal:
    return Object{{"class_name", init.kind == Kind::RandomNormal
                                     ? "RandomNormal"
                                     : "TruncatedNormal"},
                  {"config", Object{{"mean", init.mean},
                                    {"stddev", init.stddev},
                                    {"seed", seedValue(init.seed)}}}};
  case Kind::RandomUniform:
    return Object{{"class_name", "RandomUniform"},
                  {"config", Object{{"minval", init.minval},
                                    {"maxval", init.maxval},
                                    {"seed", seedValue(init.seed)}}}};
  case Kind::VarianceScaling:
    break;
  }
  using Mode = Initializer::Mode;
  const char *mode = init.mode == Mode::FanIn    ? "fan_in"
                     : init.mode == Mode::FanOut ? "fan_out"
                                                 : "fan_avg";
  // Each reader's name for the distribution. TF.js knows no untruncated
  // normal; its 'normal' (truncated, uncorrected) is the nearest. Only a
  // re-initialisation would see it: the file carries the weights.
  using D = Initializer::Distribution;
  const char *distribution = "uniform";
  switch (init.distribution) {
  case D::Uniform:
    distribution = "uniform";
    break;
  case D::TruncatedNormal:
    distribution = "truncated_normal";
    break;
  case D::UntruncatedNormal:
    distribution =
        target == KerasTarget::Tfjs ? "normal" : "untruncated_normal";
    break;
  case D::TruncatedNormalUncorrected:
    distribution = "normal";
    break;
  }
  return Object{{"class_name", "VarianceScaling"},
                {"config", Object{{"scale", init.scale},
                                  {"mode", mode},
                                  {"distribution", distribution},
                                  {"seed", seedValue(init.seed)}}}};
}

static llvm::Error setActivation(Object &config, const Layer &layer,
                                 KerasTarget target) {
  llvm::Expected<Value> name = activationValue(layer, layer.activation, target);
  if (!name)
    return name.takeError();
  config["activation"] = std::move(*name);
  return llvm::Error::success();
}

/// The fields every layer's config has.
static Object baseConfig(const Layer &layer) {
  return Object{{"name", layer.name},
                {"trainable", layer.trainable},
                {"dtype", "float32"}};
}

/// A regularizer as L1L2, which Keras 2, Keras 3 and TF.js all read with
/// both factors (and `l2(0.01)` is L1L2(0, 0.01) in each).
static Value regularizerValue(const std::optional<Regularizer> &regularizer) {
  if (!regularizer)
    return nullptr;
  return Object{
      {"class_name", "L1L2"},
      {"config", Object{{"l1", regularizer->l1}, {"l2", regularizer->l2}}}};
}

static void addWeightFields(Object &config, const Layer &layer,
                            KerasTarget target) {
  config["use_bias"] = layer.useBias;
  config["kernel_initializer"] =
      initializerValue(layer.kernelInitializer, target);
  config["bias_initializer"] = initializerValue(layer.biasInitializer, target);
  config["kernel_regularizer"] = regularizerValue(layer.kernelRegularizer);
  config["bias_regularizer"] = regularizerValue(layer.biasRegularizer);
  config["activity_regularizer"] = regularizerValue(layer.activityRegularizer);
  config["kernel_constraint"] = config["bias_constraint"] = nullptr;
}

/// A factor as the file gave it: one number or a [lower, upper] pair.
static Value factorValue(const std::vector<double> &factor) {
  if (factor.size() == 1)
    return factor[0];
  if (factor.empty())
    return nullptr;
  return Array{factor[0], factor[1]};
}

/// An augmentation layer's config in tf.keras 2.x's form, which Keras 3
/// also loads.
static void addAugmentationFields(Object &config, const Layer &layer) {
  const AugmentationConfig &aug = layer.augmentation;
  switch (layer.kind) {
  case LayerKind::RandomFlip:
    config["mode"] = aug.mode;
    break;
  case LayerKind::RandomRotation:
  case LayerKind::RandomZoom:
  case LayerKind::RandomTranslation:
    if (layer.kind == LayerKind::RandomRotation) {
      config["factor"] = factorValue(aug.factor);
    } else {
      config["height_factor"] = factorValue(aug.factor);
      config["width_factor"] = factorValue(aug.widthFactor);
    }
    config["fill_mode"] = aug.fillMode;
    config["fill_value"] = aug.fillValue;
    config["interpolation"] = aug.interpolation;
    break;
  case LayerKind::RandomContrast:
    config["factor"] = factorValue(aug.factor);
    break;
  case LayerKind::RandomBrightness:
    config["factor"] = factorValue(aug.factor);
    config["value_range"] = Array{aug.valueRange[0], aug.valueRange[1]};
    break;
  default:
    break;
  }
  config["seed"] = seedValue(layer.seed);
}

static llvm::Expected<Value> layerValue(const Layer &layer,
                                        KerasTarget target) {
  Object config = baseConfig(layer);
  const char *padding = layer.padding == Padding::Same ? "same" : "valid";
  switch (layer.kind) {
  case LayerKind::Conv2D:
    config["filters"] = layer.filters;
    config["kernel_size"] = pair(layer.kernelSize);
    config["strides"] =
        pair(layer.strides.value_or(std::array<int64_t, 2>{1, 1}));
    config["padding"] = padding;
    config["data_format"] = "channels_last";
    config["dilation_rate"] = pair(layer.dilation);
    config["groups"] = 1;
    if (llvm::Error err = setActivation(config, layer, target))
      return std::move(err);
    addWeightFields(config, layer, target);
    break;
  case LayerKind::MaxPooling2D:
  case LayerKind::AveragePooling2D:
    config["pool_size"] = pair(layer.poolSize);
    config["strides"] = pair(layer.strides.value_or(layer.poolSize));
    config["padding"] = padding;
    config["data_format"] = "channels_last";
    break;
  case LayerKind::GlobalMaxPooling2D:
  case LayerKind::GlobalAveragePooling2D:
    config["data_format"] = "channels_last";
    if (layer.keepDims) {
      if (target == KerasTarget::Tfjs)
        return makeError(layer.loc, kerasClassName(layer.kind), " '",
                         layer.name,
                         "' keeps its dimensions (keepdims=True), which "
                         "TF.js cannot express");
      config["keepdims"] = true;
    }
    break;
  case LayerKind::Flatten:
    config["data_format"] = "channels_last";
    break;
  case LayerKind::Dense:
    config["units"] = layer.units;
    if (llvm::Error err = setActivation(config, layer, target))
      return std::move(err);
    addWeightFields(config, layer, target);
    break;
  case LayerKind::Dropout:
  case LayerKind::AlphaDropout:
    config["rate"] = layer.rate;
    config["noise_shape"] = nullptr;
    config["seed"] = seedValue(layer.seed);
    break;
  case LayerKind::Activation:
    if (llvm::Error err = setActivation(config, layer, target))
      return std::move(err);
    break;
  case LayerKind::ReLU:
    if (target == KerasTarget::Tfjs &&
        (layer.alpha != 0.0 || layer.threshold != 0.0))
      return makeError(layer.loc, "ReLU '", layer.name,
                       "' has a negative_slope or threshold, which TF.js's "
                       "ReLU lacks");
    config["max_value"] = layer.maxValue ? Value(*layer.maxValue) : nullptr;
    config["negative_slope"] = layer.alpha;
    config["threshold"] = layer.threshold;
    break;
  case LayerKind::LeakyReLU:
  case LayerKind::ELU:
    config["alpha"] = layer.alpha;
    break;
  case LayerKind::ThresholdedReLU:
    config["theta"] = layer.threshold;
    break;
  case LayerKind::ZeroPadding2D:
  case LayerKind::Cropping2D: {
    const auto &e = layer.edges;
    config[layer.kind == LayerKind::ZeroPadding2D ? "padding" : "cropping"] =
        Array{Array{e[0], e[1]}, Array{e[2], e[3]}};
    config["data_format"] = "channels_last";
    break;
  }
  case LayerKind::Reshape: {
    Array shape;
    for (int64_t d : layer.targetShape)
      shape.push_back(d);
    config["target_shape"] = std::move(shape);
    break;
  }
  case LayerKind::Permute: {
    Array dims;
    for (int64_t d : layer.permuteDims)
      dims.push_back(d);
    config["dims"] = std::move(dims);
    break;
  }
  case LayerKind::Rescaling:
    config["scale"] = layer.scale;
    config["offset"] = layer.offset;
    break;
  case LayerKind::SpatialDropout2D:
    if (target == KerasTarget::Tfjs)
      return makeError(layer.loc, "SpatialDropout2D '", layer.name,
                       "' has no TF.js layer to load it as (TF.js has "
                       "SpatialDropout1D only)");
    config["rate"] = layer.rate;
    config["data_format"] = "channels_last";
    config["seed"] = seedValue(layer.seed);
    break;
  case LayerKind::GaussianNoise:
    config["stddev"] = layer.stddev;
    config["seed"] = seedValue(layer.seed);
    break;
  case LayerKind::GaussianDropout:
    config["rate"] = layer.rate;
    config["seed"] = seedValue(layer.seed);
    break;
  case LayerKind::PReLU: {
    config["alpha_initializer"] =
        initializerValue(layer.alphaInitializer, target);
    config["alpha_regularizer"] = nullptr;
    config["alpha_constraint"] = nullptr;
    if (layer.sharedAxes.empty()) {
      config["shared_axes"] = nullptr;
    } else {
      Array axes;
      for (int64_t axis : layer.sharedAxes)
        axes.push_back(axis);
      config["shared_axes"] = std::move(axes);
    }
    break;
  }
  case LayerKind::Softmax:
  case LayerKind::Concatenate:
    config["axis"] = layer.axis;
    break;
  case LayerKind::DepthwiseConv2D:
  case LayerKind::SeparableConv2D: {
    bool separable = layer.kind == LayerKind::SeparableConv2D;
    if (separable)
      config["filters"] = layer.filters;
    config["kernel_size"] = pair(layer.kernelSize);
    config["strides"] =
        pair(layer.strides.value_or(std::array<int64_t, 2>{1, 1}));
    config["padding"] = padding;
    config["data_format"] = "channels_last";
    config["dilation_rate"] = pair(layer.dilation);
    config["depth_multiplier"] = layer.depthMultiplier;
    if (llvm::Error err = setActivation(config, layer, target))
      return std::move(err);
    config["use_bias"] = layer.useBias;
    config["depthwise_initializer"] =
        initializerValue(layer.depthwiseInitializer, target);
    if (separable)
      config["pointwise_initializer"] =
          initializerValue(layer.pointwiseInitializer, target);
    config["bias_initializer"] =
        initializerValue(layer.biasInitializer, target);
    config["depthwise_regularizer"] = regularizerValue(layer.kernelRegularizer);
    config["bias_regularizer"] = regularizerValue(layer.biasRegularizer);
    config["activity_regularizer"] =
        regularizerValue(layer.activityRegularizer);
    config["depthwise_constraint"] = config["bias_constraint"] = nullptr;
    if (separable) {
      config["pointwise_regularizer"] =
          regularizerValue(layer.pointwiseRegularizer);
      config["pointwise_constraint"] = nullptr;
    }
    break;
  }
  case LayerKind::Conv2DTranspose:
    if (layer.outputPadding && target == KerasTarget::Tfjs)
      return makeError(layer.loc, "Conv2DTranspose '", layer.name,
                       "' has an output_padding, which TF.js's "
                       "Conv2DTranspose lacks");
    config["filters"] = layer.filters;
    config["kernel_size"] = pair(layer.kernelSize);
    config["strides"] =
        pair(layer.strides.value_or(std::array<int64_t, 2>{1, 1}));
    config["padding"] = padding;
    config["output_padding"] =
        layer.outputPadding ? pair(*layer.outputPadding) : Value(nullptr);
    config["data_format"] = "channels_last";
    config["dilation_rate"] = pair(layer.dilation);
    if (llvm::Error err = setActivation(config, layer, target))
      return std::move(err);
    addWeightFields(config, layer, target);
    break;
  case LayerKind::UpSampling2D:
    if (layer.bilinear && target == KerasTarget::Tfjs)
      return makeError(layer.loc, "UpSampling2D '", layer.name,
                       "' is bilinear, which TF.js computes without Keras's "
                       "half-pixel centres");
    config["size"] = pair(layer.upSize);
    config["data_format"] = "channels_last";
    config["interpolation"] = layer.bilinear ? "bilinear" : "nearest";
    break;
  case LayerKind::BatchNormalization:
    // Keras and TF.js both read the plain integer form of the axis.
    config["axis"] = layer.axis;
    config["momentum"] = layer.momentum;
    config["epsilon"] = layer.epsilon;
    config["center"] = layer.center;
    config["scale"] = layer.scaleGamma;
    config["beta_initializer"] =
        initializerValue(layer.betaInitializer, target);
    config["gamma_initializer"] =
        initializerValue(layer.gammaInitializer, target);
    config["moving_mean_initializer"] =
        initializerValue(layer.movingMeanInitializer, target);
    config["moving_variance_initializer"] =
        initializerValue(layer.movingVarianceInitializer, target);
    for (const char *key : {"beta_regularizer", "gamma_regularizer",
                            "beta_constraint", "gamma_constraint"})
      config[key] = nullptr;
    break;
  case LayerKind::LayerNormalization: {
    // Keras and TF.js read one axis or a list.
    if (layer.normAxes.size() == 1) {
      config["axis"] = layer.normAxes[0];
    } else {
      Array axes;
      for (int64_t axis : layer.normAxes)
        axes.push_back(axis);
      config["axis"] = std::move(axes);
    }
    config["epsilon"] = layer.epsilon;
    config["center"] = layer.center;
    config["scale"] = layer.scaleGamma;
    config["beta_initializer"] =
        initializerValue(layer.betaInitializer, target);
    config["gamma_initializer"] =
        initializerValue(layer.gammaInitializer, target);
    for (const char *key : {"beta_regularizer", "gamma_regularizer",
                            "beta_constraint", "gamma_constraint"})
      config[key] = nullptr;
    break;
  }
  case LayerKind::Add:
  case LayerKind::Subtract:
  case LayerKind::Multiply:
  case LayerKind::Average:
  case LayerKind::Maximum:
  case LayerKind::Minimum:
    break;
  case LayerKind::MinPooling2D:
  case LayerKind::GlobalMinPooling2D:
    return makeError(layer.loc, kerasClassName(layer.kind), " '", layer.name,
                     "' is cnnc's own layer: Keras and TF.js have no "
                     "min pooling to load it as");
  case LayerKind::RandomFlip:
  case LayerKind::RandomRotation:
  case LayerKind::RandomZoom:
  case LayerKind::RandomTranslation:
  case LayerKind::RandomContrast:
  case LayerKind::RandomBrightness:
    if (target == KerasTarget::Tfjs)
      return makeError(layer.loc, kerasClassName(layer.kind), " '", layer.name,
                       "' has no TF.js layer to load it as (TF.js 4.22 has "
                       "no image augmentation layers but RandomWidth)");
    addAugmentationFields(config, layer);
    break;
  }
  return Object{{"class_name", kerasClassName(layer.kind)},
                {"config", std::move(config)}};
}

/// `["name", node, 0]`: the one tensor of a layer's call `node`, which is
/// all a cnnc graph has.
static Array tensorTriple(const TensorRef &ref) {
  return Array{ref.layer, ref.node, 0};
}

/// A graph model in tf.keras 2.x's Functional form, which Keras 2, Keras 3
/// and TF.js all load: InputLayers, then the layers the outputs need in an
/// order they compute in, each once with its calls in `inbound_nodes` (a
/// shared layer's in call order, as the references' node indices count).
static llvm::Expected<Value> functionalValue(const ModelSpec &model,
                                             KerasTarget target) {
  llvm::Expected<std::vector<size_t>> order = scheduleGraph(model);
  if (!order)
    return order.takeError();
  Array layers, inputLayers, outputLayers;
  for (const ModelInput &input : model.inputs) {
    Array batchInputShape{nullptr};
    for (int64_t d : input.shape)
      batchInputShape.push_back(d);
    layers.push_back(Object{
        {"class_name", "InputLayer"},
        {"config", Object{{"batch_input_shape", std::move(batchInputShape)},
                          {"dtype", "float32"},
                          {"sparse", false},
                          {"ragged", false},
                          {"name", input.name}}},
        {"name", input.name},
        {"inbound_nodes", Array{}}});
    TensorRef ref;
    ref.layer = input.name;
    inputLayers.push_back(tensorTriple(ref));
  }
  // A shared layer's calls by number, written where its first one computes.
  llvm::StringMap<std::map<int64_t, const Layer *>> calls;
  for (size_t index : *order)
    calls[model.layers[index].name][model.layers[index].call] =
        &model.layers[index];
  for (size_t index : *order) {
    const Layer &layer = model.layers[index];
    auto found = calls.find(layer.name);
    if (found == calls.end())
      continue; // written with its first call
    llvm::Expected<Value> value = layerValue(layer, target);
    if (!value)
      return value.takeError();
    Array nodes;
    int64_t expected = 0;
    for (auto [number, call] : found->second) {
      // Keras numbers a layer's calls in the file 0, 1, ...: a call the
      // outputs do not need would leave a gap the references cannot skip.
      if (number != expected++)
        return makeError(call->loc, "cannot export layer '", layer.name,
                         "': the model's outputs need its call ",
                         std::to_string(number), " but not call ",
                         std::to_string(expected - 1));
      Array tensors;
      for (const TensorRef &ref : call->inbound)
        tensors.push_back(Array{ref.layer, ref.node, 0, Object{}});
      nodes.push_back(std::move(tensors));
    }
    calls.erase(found);
    Object &object = *value->getAsObject();
    object["name"] = layer.name;
    object["inbound_nodes"] = std::move(nodes);
    layers.push_back(std::move(*value));
  }
  for (const TensorRef &output : model.outputs)
    outputLayers.push_back(tensorTriple(output));
  return Object{{"class_name", "Functional"},
                {"config", Object{{"name", model.name},
                                  {"layers", std::move(layers)},
                                  {"input_layers", std::move(inputLayers)},
                                  {"output_layers", std::move(outputLayers)}}}};
}

llvm::Expected<std::string> cnnc::writeKerasModelConfig(const ModelSpec &model,
                                                        KerasTarget target) {
  if (model.isGraph) {
    llvm::Expected<Value> graph = functionalValue(model, target);
    if (!graph)
      return graph.takeError();
    Object &root = *graph->getAsObject();
    root["keras_version"] =
        target == KerasTarget::Tfjs ? "tfjs-layers 4.22.0" : "2.15.0";
    root["backend"] =
        target == KerasTarget::Tfjs ? "tensor_flow.js" : "tensorflow";
    std::string text;
    llvm::raw_string_ostream(text) << *graph;
    return text;
  }
  Array layers;
  Array batchInputShape{nullptr};
  for (int64_t d : model.inputShape)
    batchInputShape.push_back(d);
  std::string inputName =
      (model.layers.empty() ? std::string("input") : model.layers[0].name) +
      "_input";
  layers.push_back(Object{
      {"class_name", "InputLayer"},
      {"config", Object{{"batch_input_shape", std::move(batchInputShape)},
                        {"dtype", "float32"},
                        {"sparse", false},
                        {"ragged", false},
                        {"name", inputName}}}});
  for (const Layer &layer : model.layers) {
    llvm::Expected<Value> value = layerValue(layer, target);
    if (!value)
      return value.takeError();
    layers.push_back(std::move(*value));
  }
  Value root = Object{
      {"class_name", "Sequential"},
      {"config", Object{{"name", model.name}, {"layers", std::move(layers)}}},
      {"keras_version",
       target == KerasTarget::Tfjs ? "tfjs-layers 4.22.0" : "2.15.0"},
      {"backend",
       target == KerasTarget::Tfjs ? "tensor_flow.js" : "tensorflow"}};
  std::string text;
  llvm::raw_string_ostream(text) << root;
  return text;
}

//===----------------------------------------------------------------------===//
// compile()
//===----------------------------------------------------------------------===//

static const char *lossClassName(KerasLoss loss) {
  switch (loss) {
  case KerasLoss::SparseCategoricalCrossentropy:
    return "SparseCategoricalCrossentropy";
  case KerasLoss::CategoricalCrossentropy:
    return "CategoricalCrossentropy";
  case KerasLoss::MSE:
    return "MeanSquaredError";
  case KerasLoss::BinaryCrossentropy:
    return "BinaryCrossentropy";
  }
  return "?";
}

/// Keras's defaults for every setting of `kind` (dialects/cnn/KerasDefaults.h).
static std::map<std::string, double> defaultSettings(KerasOptimizer kind) {
  namespace keras = mlir::cnn::keras_defaults;
  switch (kind) {
  case KerasOptimizer::Adam:
    return {{"learning_rate", keras::kAdamLearningRate},
            {"beta_1", keras::kAdamBeta1},
            {"beta_2", keras::kAdamBeta2},
            {"epsilon", keras::kAdamEpsilon}};
  case KerasOptimizer::SGD:
    return {{"learning_rate", keras::kSgdLearningRate},
            {"momentum", keras::kSgdMomentum},
            {"nesterov", keras::kSgdNesterov ? 1.0 : 0.0}};
  case KerasOptimizer::RMSprop:
    return {{"learning_rate", keras::kRmspropLearningRate},
            {"rho", keras::kRmspropRho},
            {"epsilon", keras::kRmspropEpsilon}};
  }
  return {};
}

/// The optimizer as Keras 2's `optimizer_config` or TF.js's, whose class
/// names and keys differ (camelCase; RMSProp's rho is `decay`; SGD with
/// momentum is the class `Momentum`).
static Value optimizerValue(const OptimizerSpec &optimizer,
                            KerasTarget target) {
  bool tfjs = target == KerasTarget::Tfjs;
  // Keras's defaults written out: TF.js's optimizers take their settings
  // positionally from the config and have no defaults for missing ones.
  std::map<std::string, double> hyper = defaultSettings(optimizer.kind);
  for (const auto &[name, value] : optimizer.hyperParameters)
    hyper[name] = value;
  auto get = [&](llvm::StringRef name) -> std::optional<double> {
    auto it = hyper.find(name.str());
    if (it == hyper.end())
      return std::nullopt;
    return it->second;
  };
  Object config;
  std::string className;
  auto put = [&](llvm::StringRef keras, llvm::StringRef js) {
    if (std::optional<double> value = get(keras))
      config[tfjs ? js : keras] = *value;
  };
  put("learning_rate", "learningRate");
  switch (optimizer.kind) {
  case KerasOptimizer::Adam:
    className = "Adam";
    put("beta_1", "beta1");
    put("beta_2", "beta2");
    put("epsilon", "epsilon");
    break;
  case KerasOptimizer::SGD: {
    bool momentum = get("momentum").value_or(0.0) != 0.0;
    className = tfjs && momentum ? "Momentum" : "SGD";
    put("momentum", "momentum");
    if (std::optional<double> nesterov = get("nesterov"))
      config[tfjs ? "useNesterov" : "nesterov"] = *nesterov != 0.0;
    break;
  }
  case KerasOptimizer::RMSprop:
    className = tfjs ? "RMSProp" : "RMSprop";
    put("rho", "decay");
    put("epsilon", "epsilon");
    if (tfjs)
      config["momentum"] = 0.0;
    break;
  }
  if (!tfjs)
    config["name"] = className;
  return Object{{"class_name", className}, {"config", std::move(config)}};
}

std::optional<std::string>
cnnc::writeKerasTrainingConfig(const TrainingSpec &training,
                               KerasTarget target) {
  if (!training.optimizer && !training.loss && training.outputLosses.empty())
    return std::nullopt;
  // TF.js's losses take probabilities only: a loss from logits would be
  // compiled as something else, so TF.js gets the model uncompiled. So
  // does a model with loss weights, which TF.js 4.22's compile() refuses.
  bool anyFromLogits = training.lossFromLogits;
  for (const OutputLossSpec &one : training.outputLosses)
    anyFromLogits |= one.fromLogits;
  if (target == KerasTarget::Tfjs &&
      (anyFromLogits || !training.lossWeights.empty()))
    return std::nullopt;
  Object config;
  if (training.optimizer)
    config["optimizer_config"] = optimizerValue(*training.optimizer, target);
  auto lossValue = [](KerasLoss loss, bool fromLogits) -> Value {
    if (fromLogits)
      return Object{{"class_name", lossClassName(loss)},
                    {"config", Object{{"from_logits", true}}}};
    return kerasName(loss);
  };
  // Several outputs' losses as compile() gave them: a dict by output name
  // or a list in output order.
  auto perOutput = [](const auto &entries, auto value) -> Value {
    bool named = !entries.empty() && !entries.front().output.empty();
    Object byName;
    Array list;
    for (const auto &entry : entries) {
      if (named)
        byName[entry.output] = value(entry);
      else
        list.push_back(value(entry));
    }
    return named ? Value(std::move(byName)) : Value(std::move(list));
  };
  if (training.outputLosses.size() > 1)
    config["loss"] =
        perOutput(training.outputLosses, [&](const OutputLossSpec &one) {
          return one.loss ? lossValue(*one.loss, one.fromLogits)
                          : Value(nullptr);
        });
  else if (training.loss)
    config["loss"] = lossValue(*training.loss, training.lossFromLogits);
  Array metrics;
  for (const std::string &metric : training.metrics)
    metrics.push_back(metric);
  config["metrics"] = std::move(metrics);
  config["loss_weights"] = nullptr;
  if (!training.lossWeights.empty())
    config["loss_weights"] =
        perOutput(training.lossWeights, [](const OutputWeightSpec &one) {
          return Value(one.weight);
        });
  std::string text;
  llvm::raw_string_ostream(text) << Value(std::move(config));
  return text;
}
