//===- ModelToCnn.cpp - Build `cnn` IR from a ModelSpec -------------------===//
//
// The one place where a model becomes IR, so both frontends give the same IR
// for the same model. Each layer becomes one op (plus one for a fused
// activation); each weight becomes an argument of @forward, in Keras order.
// Shapes come from the dialect's ShapeRules, reported at the layer's place in
// the model file when they cannot work.
//
//===----------------------------------------------------------------------===//

#include "frontends/common/ModelToCnn.h"

#include "frontends/common/LocatedError.h"
#include "frontends/common/ModelGraph.h"
#include "frontends/common/OutputLosses.h"

#include "dialects/cnn/CnnOps.h"
#include "dialects/cnn/ModelContract.h"
#include "dialects/cnn/ShapeRules.h"
#include "dialects/cnn/SharedLayers.h"
#include "dialects/cnn/Training.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringMap.h"

#include <map>

using namespace mlir;
using namespace cnnc;

namespace {

class ModelToCnn {
public:
  ModelToCnn(const ModelSpec &model, MLIRContext &context)
      : model(model), context(context), builder(&context) {}

  OwningOpRef<ModuleOp> build();

private:
  Location loc(const SourceLoc &source) {
    if (source.file.empty())
      return builder.getUnknownLoc();
    return FileLineColLoc::get(&context, source.file, source.line,
                               source.column);
  }

  /// Adds a parameter argument `<layer>/<weight>` to @forward, or for a
  /// later call of a shared layer returns the one its first call added.
  /// `trainable` false for a weight Keras never trains (BN's moving
  /// statistics); a frozen layer's weights are all non-trainable.
  Value addParam(const Layer &layer, StringRef weight, ArrayRef<int64_t> shape,
                 const Initializer &init, bool trainable = true);
  /// BatchNormalization (its parameters in Keras order); null after
  /// reporting an error.
  Value emitBatchNorm(const Layer &layer, Value input, Location where,
                      cnn::LayerAttr layerAttr);
  /// LayerNormalization (gamma, then beta); null after reporting an error.
  Value emitLayerNorm(const Layer &layer, Value input, Location where,
                      cnn::LayerAttr layerAttr);
  /// An augmentation layer (RandomFlip, ...): one cnn.random_augmentation.
  Value emitAugmentation(const Layer &layer, Value input, Location where,
                         cnn::LayerAttr layerAttr);
  DictionaryAttr initializerAttr(const Initializer &init);
  DictionaryAttr regularizerAttr(const Regularizer &regularizer) {
    return builder.getDictionaryAttr(
        {builder.getNamedAttr("l1", builder.getF64FloatAttr(regularizer.l1)),
         builder.getNamedAttr("l2", builder.getF64FloatAttr(regularizer.l2))});
  }
  /// Emits `layer` and marks its output with the layer's
  /// activity_regularizer; null after reporting an error.
  Value emitRegularizedLayer(const Layer &layer, Value input) {
    Value output = emitLayer(layer, input);
    if (output && layer.activityRegularizer)
      if (Operation *op = output.getDefiningOp())
        op->setAttr(cnn::CnnDialect::kActivityRegularizerAttrName,
                    regularizerAttr(*layer.activityRegularizer));
    return output;
  }
  /// compile()'s and fit()'s settings; null after reporting an error.
  cnn::TrainingAttr trainingAttr(const TrainingSpec &training);

  /// Emits `layer` on `input`; null after reporting an error.
  Value emitLayer(const Layer &layer, Value input);
  /// Emits a merge layer on `inputs`; null after reporting an error.
  Value emitMerge(const Layer &layer, ArrayRef<Value> inputs);
  /// The input type of a model input's shape; null after reporting an error.
  RankedTensorType inputType(ArrayRef<int64_t> shape, const SourceLoc &where);
  /// Emits a graph model's layers and returns its outputs; failure after
  /// reporting an error.
  FailureOr<SmallVector<Value>> emitGraph();
  Value emitActivation(Activation activation, Value input, Location where,
                       cnn::LayerAttr layerAttr);
  /// DepthwiseConv2D, or SeparableConv2D as a depthwise_conv2d and a 1x1
  /// conv2d of the one layer; null after reporting an error.
  Value emitDepthwise(const Layer &layer, Value input, Location where,
                      cnn::LayerAttr layerAttr);
  /// A cnn.activation; null after reporting an error.
  Value emitActivationFunction(cnn::ActivationFunction function, Value input,
                               Location where, cnn::LayerAttr layerAttr,
                               double alpha = 0.0,
                               std::optional<double> maxValue = std::nullopt,
                               double threshold = 0.0);

  /// Creates an op whose result type `type` was checked by ShapeRules.
  template <typename OpTy, typename... Args>
  Value create(Location where, FailureOr<RankedTensorType> type,
               cnn::LayerAttr layerAttr, Args &&...args) {
    if (failed(type))
      return nullptr;
    auto op = builder.create<OpTy>(where, TypeRange{*type},
                                   std::forward<Args>(args)...);
    op->setAttr(cnn::CnnDialect::kLayerAttrName, layerAttr);
    if (callAttr)
      op->setAttr(cnn::kCallAttrName, callAttr);
    if (nestedAttr) {
      op->setAttr(cnn::CnnDialect::kNestedAttrName, nestedAttr);
      op->setAttr(cnn::CnnDialect::kNestedNodeAttrName, nestedNodeAttr);
    }
    return op.getResult();
  }

  const ModelSpec &model;
  MLIRContext &context;
  OpBuilder builder;
  func::FuncOp function;
  Block *body = nullptr;
  int64_t paramCount = 0;
  /// @forward's argument attributes, the input's first. Parameters become
  /// block arguments as layers are emitted, and the function's type and
  /// attributes are set once at the end: setting them per argument would
  /// make a new FunctionType and attribute array each time, quadratic in
  /// the layers (10,000 layers took 5 GB).
  SmallVector<DictionaryAttr> argAttrs;
  /// The outermost nested model of the layer being emitted, if any.
  cnn::LayerAttr nestedAttr;
  IntegerAttr nestedNodeAttr;
  /// The call of a shared layer being emitted, when not its first.
  IntegerAttr callAttr;
  /// The parameters added so far, by `<layer>/<weight>`: a shared layer's
  /// later calls use its first call's.
  llvm::StringMap<Value> params;
};

} // namespace

static RankedTensorType tensorType(MLIRContext &context,
                                   ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, Float32Type::get(&context));
}

/// A layer's size argument (filters, units, kernel extent) must be usable as
/// a tensor dimension before a parameter type is built from it.
static LogicalResult checkSize(Location where, StringRef what, int64_t value) {
  if (value > 0 && value <= cnn::kMaxDimSize)
    return success();
  return emitError(where) << what << " must be in [1, " << cnn::kMaxDimSize
                          << "], got " << value;
}

static cnn::Padding padding(Padding padding) {
  return padding == Padding::Same ? cnn::Padding::same : cnn::Padding::valid;
}

DictionaryAttr ModelToCnn::initializerAttr(const Initializer &init) {
  SmallVector<NamedAttribute> fields;
  auto add = [&](StringRef name, Attribute value) {
    fields.push_back(builder.getNamedAttr(name, value));
  };
  auto addF64 = [&](StringRef name, double value) {
    add(name, builder.getF64FloatAttr(value));
  };
  using Kind = Initializer::Kind;
  switch (init.kind) {
  case Kind::VarianceScaling: {
    add("kind", builder.getStringAttr("variance_scaling"));
    addF64("scale", init.scale);
    const char *mode = init.mode == Initializer::Mode::FanIn    ? "fan_in"
                       : init.mode == Initializer::Mode::FanOut ? "fan_out"
                                                                : "fan_avg";
    add("mode", builder.getStringAttr(mode));
    const char *distribution = "uniform";
    switch (init.distribution) {
    case Initializer::Distribution::Uniform:
      break;
    case Initializer::Distribution::TruncatedNormal:
      distribution = "truncated_normal";
      break;
    case Initializer::Distribution::UntruncatedNormal:
      distribution = "untruncated_normal";
      break;
    case Initializer::Distribution::TruncatedNormalUncorrected:
      distribution = "truncated_normal_uncorrected";
      break;
    }
    add("distribution", builder.getStringAttr(distribution));
    break;
  }
  case Kind::RandomNormal:
  case Kind::TruncatedNormal:
    add("kind", builder.getStringAttr(init.kind == Kind::RandomNormal
                                          ? "random_normal"
                                          : "truncated_normal"));
    addF64("mean", init.mean);
    addF64("stddev", init.stddev);
    break;
  case Kind::RandomUniform:
    add("kind", builder.getStringAttr("random_uniform"));
    addF64("minval", init.minval);
    addF64("maxval", init.maxval);
    break;
  case Kind::Constant:
    add("kind", builder.getStringAttr("constant"));
    addF64("value", init.value);
    break;
  }
  if (init.seed)
    add("seed", builder.getI64IntegerAttr(*init.seed));
  return builder.getDictionaryAttr(fields);
}

static cnn::OptimizerKind optimizerAttrValue(KerasOptimizer optimizer) {
  switch (optimizer) {
  case KerasOptimizer::Adam:
    return cnn::OptimizerKind::Adam;
  case KerasOptimizer::SGD:
    return cnn::OptimizerKind::SGD;
  case KerasOptimizer::RMSprop:
    return cnn::OptimizerKind::RMSprop;
  }
  llvm_unreachable("unknown optimizer");
}

cnn::TrainingAttr ModelToCnn::trainingAttr(const TrainingSpec &training) {
  cnn::OptimizerAttr optimizer;
  if (const std::optional<OptimizerSpec> &spec = training.optimizer) {
    cnn::OptimizerKind kind = optimizerAttrValue(spec->kind);
    optimizer = cnn::OptimizerAttr::get(&context, kind);
    for (const auto &[name, value] : spec->hyperParameters) {
      if (!llvm::is_contained(cnn::OptimizerAttr::settingNames(kind), name)) {
        emitError(loc(spec->loc))
            << "unsupported " << cnn::stringifyOptimizerKind(kind)
            << " setting '" << name << "'";
        return nullptr;
      }
      optimizer = optimizer.withSetting(name, value);
    }
    // The readers check what they read; the attribute's verifier has the
    // last word (finite numbers, fractions in [0, 1]).
    optimizer = cnn::OptimizerAttr::getChecked(
        [&] { return emitError(loc(spec->loc)); }, &context, kind,
        optimizer.getLearningRate(), optimizer.getBeta1(), optimizer.getBeta2(),
        optimizer.getEpsilon(), optimizer.getMomentum(),
        optimizer.getNesterov(), optimizer.getRho());
    if (!optimizer)
      return nullptr;
  }
  std::optional<cnn::Loss> loss;
  if (training.loss)
    loss = toCnnLoss(*training.loss);
  ArrayAttr metrics;
  if (!training.metrics.empty()) {
    SmallVector<Attribute> names;
    for (const std::string &metric : training.metrics)
      names.push_back(builder.getStringAttr(metric));
    metrics = builder.getArrayAttr(names);
  }
  std::optional<cnn::HashableDouble> validationSplit;
  if (training.validationSplit)
    validationSplit = *training.validationSplit;
  return cnn::TrainingAttr::getChecked(
      [&] { return emitError(loc(model.loc)); }, &context, loss,
      training.lossFromLogits, optimizer, metrics, training.epochs,
      training.batchSize, validationSplit, training.shuffle);
}

Value ModelToCnn::addParam(const Layer &layer, StringRef weight,
                           ArrayRef<int64_t> shape, const Initializer &init,
                           bool trainable) {
  std::string name = layer.name + "/" + weight.str();
  if (Value shared = params.lookup(name)) {
    // Keras builds a layer's weights at its first call; a later call on a
    // tensor they do not fit is its "incompatible with the layer" error.
    auto type = cast<RankedTensorType>(shared.getType());
    if (type.getShape() == shape)
      return shared;
    emitError(loc(layer.loc))
        << "layer '" << layer.name << "' is called on a tensor its weights "
        << "do not fit: '" << name << "' is "
        << cnn::kerasShapeString(type.getShape())
        << " from its first call, and this call needs "
        << cnn::kerasShapeString(shape);
    return nullptr;
  }
  // Each dimension is bounded already, so the products cannot overflow.
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  paramCount += count;
  if (paramCount > cnn::kMaxModelParams) {
    emitError(loc(layer.loc))
        << "layer '" << layer.name << "' takes the model to " << paramCount
        << " parameters; cnnc supports at most " << cnn::kMaxModelParams;
    return nullptr;
  }
  SmallVector<NamedAttribute, 3> attrs = {
      builder.getNamedAttr(cnn::CnnDialect::kParamAttrName,
                           builder.getStringAttr(name)),
      builder.getNamedAttr(cnn::CnnDialect::kInitializerAttrName,
                           initializerAttr(init))};
  if (!trainable || !layer.trainable)
    attrs.push_back(builder.getNamedAttr(cnn::CnnDialect::kTrainableAttrName,
                                         builder.getBoolAttr(false)));
  const std::optional<Regularizer> &regularizer =
      weight == "bias"               ? layer.biasRegularizer
      : weight == "pointwise_kernel" ? layer.pointwiseRegularizer
      : weight == "kernel" || weight == "depthwise_kernel"
          ? layer.kernelRegularizer
          : std::nullopt;
  if (regularizer)
    attrs.push_back(builder.getNamedAttr(cnn::CnnDialect::kRegularizerAttrName,
                                         regularizerAttr(*regularizer)));
  argAttrs.push_back(builder.getDictionaryAttr(attrs));
  Value param = body->addArgument(tensorType(context, shape), loc(layer.loc));
  params[name] = param;
  return param;
}

Value ModelToCnn::emitActivationFunction(cnn::ActivationFunction function,
                                         Value input, Location where,
                                         cnn::LayerAttr layerAttr, double alpha,
                                         std::optional<double> maxValue,
                                         double threshold) {
  auto type =
      cnn::inferActivationType(where, cast<RankedTensorType>(input.getType()),
                               function, alpha, maxValue, threshold);
  FloatAttr maxAttr = maxValue ? builder.getF64FloatAttr(*maxValue) : nullptr;
  return create<cnn::ApplyActivationOp>(
      where, type, layerAttr, input,
      cnn::ActivationFunctionAttr::get(&context, function),
      builder.getF64FloatAttr(alpha), maxAttr,
      builder.getF64FloatAttr(threshold));
}

Value ModelToCnn::emitActivation(Activation activation, Value input,
                                 Location where, cnn::LayerAttr layerAttr) {
  auto type = cast<RankedTensorType>(input.getType());
  using Fn = cnn::ActivationFunction;
  auto function = [&](Fn fn, double alpha = 0.0,
                      std::optional<double> maxValue = std::nullopt) {
    return emitActivationFunction(fn, input, where, layerAttr, alpha, maxValue);
  };
  switch (activation) {
  case Activation::Elu:
    return function(Fn::elu, 1.0);
  case Activation::Selu:
    return function(Fn::selu);
  case Activation::Softplus:
    return function(Fn::softplus);
  case Activation::Softsign:
    return function(Fn::softsign);
  case Activation::Swish:
    return function(Fn::swish);
  case Activation::Gelu:
    return function(Fn::gelu);
  case Activation::GeluTanh:
    return function(Fn::gelu_tanh);
  case Activation::HardSigmoid:
    return function(Fn::hard_sigmoid, 0.2);
  case Activation::HardSigmoidKeras3:
    return function(Fn::hard_sigmoid, 1.0 / 6.0);
  case Activation::Relu6:
    return function(Fn::relu, 0.0, 6.0);
  case Activation::Mish:
    return function(Fn::mish);
  case Activation::Exponential:
    return function(Fn::exponential);
  case Activation::Linear:
    return input;
  case Activation::ReLU:
    return create<cnn::ReluOp>(where, type, layerAttr, input);
  case Activation::Sigmoid:
    return create<cnn::SigmoidOp>(where, type, layerAttr, input);
  case Activation::Tanh:
    return create<cnn::TanhOp>(where, type, layerAttr, input);
  case Activation::Softmax:
    return create<cnn::SoftmaxOp>(where, cnn::inferSoftmaxType(where, type, -1),
                                  layerAttr, input, -1);
  }
  return input;
}

Value ModelToCnn::emitDepthwise(const Layer &layer, Value input, Location where,
                                cnn::LayerAttr layerAttr) {
  auto inputType = cast<RankedTensorType>(input.getType());
  bool separable = layer.kind == LayerKind::SeparableConv2D;
  if ((separable && failed(checkSize(where, "filters", layer.filters))) ||
      failed(checkSize(where, "kernel rows", layer.kernelSize[0])) ||
      failed(checkSize(where, "kernel columns", layer.kernelSize[1])) ||
      failed(checkSize(where, "depth_multiplier", layer.depthMultiplier)))
    return nullptr;
  if (inputType.getRank() != 4) {
    emitError(where) << "expected a 4-D input (batch, rows, columns, "
                        "channels), got "
                     << cnn::kerasShapeString(inputType.getShape());
    return nullptr;
  }
  int64_t channels = inputType.getShape().back();
  if (failed(checkSize(where, "channels * depth_multiplier",
                       channels * layer.depthMultiplier)))
    return nullptr;
  int64_t wide = channels * layer.depthMultiplier;
  // Keras's variables, in its order: depthwise_kernel, [pointwise_kernel,]
  // bias.
  Value depthwise = addParam(layer, "depthwise_kernel",
                             {layer.kernelSize[0], layer.kernelSize[1],
                              channels, layer.depthMultiplier},
                             layer.depthwiseInitializer);
  if (!depthwise)
    return nullptr;
  Value pointwise;
  if (separable && !(pointwise = addParam(layer, "pointwise_kernel",
                                          {1, 1, wide, layer.filters},
                                          layer.pointwiseInitializer)))
    return nullptr;
  Value bias;
  if (layer.useBias &&
      !(bias = addParam(layer, "bias", {separable ? layer.filters : wide},
                        layer.biasInitializer)))
    return nullptr;
  auto strides = layer.strides.value_or(std::array<int64_t, 2>{1, 1});
  Value depthwiseBias = separable ? Value() : bias;
  auto type = cnn::inferDepthwiseConv2DType(
      where, inputType, cast<RankedTensorType>(depthwise.getType()),
      depthwiseBias ? cast<RankedTensorType>(depthwiseBias.getType()) : nullptr,
      strides, layer.dilation, padding(layer.padding));
  Value result = create<cnn::DepthwiseConv2DOp>(
      where, type, layerAttr, input, depthwise, depthwiseBias,
      builder.getDenseI64ArrayAttr(strides),
      builder.getDenseI64ArrayAttr(layer.dilation),
      cnn::PaddingAttr::get(&context, padding(layer.padding)));
  if (result && separable) {
    // The pointwise step: a 1x1 convolution of the same layer, so the
    // summary shows one row and the weights stay Keras's three.
    int64_t unit[2] = {1, 1};
    auto pointType = cnn::inferConv2DType(
        where, cast<RankedTensorType>(result.getType()),
        cast<RankedTensorType>(pointwise.getType()),
        bias ? cast<RankedTensorType>(bias.getType()) : nullptr, unit, unit,
        cnn::Padding::valid);
    result = create<cnn::Conv2DOp>(
        where, pointType, layerAttr, result, pointwise, bias,
        builder.getDenseI64ArrayAttr(unit), builder.getDenseI64ArrayAttr(unit),
        cnn::PaddingAttr::get(&context, cnn::Padding::valid));
  }
  return result ? emitActivation(layer.activation, result, where, layerAttr)
                : nullptr;
}

Value ModelToCnn::emitLayer(const Layer &layer, Value input) {
  Location where = loc(layer.loc);
  auto inputType = cast<RankedTensorType>(input.getType());
  auto layerAttr =
      cnn::LayerAttr::get(&context, layer.name, kerasClassName(layer.kind));
  int64_t lastDim = inputType.getShape().back();

  switch (layer.kind) {
  case LayerKind::Conv2D: {
    SmallVector<int64_t> kernelShape = {
        layer.kernelSize[0], layer.kernelSize[1], lastDim, layer.filters};
    if (failed(checkSize(where, "filters", layer.filters)) ||
        failed(checkSize(where, "kernel rows", layer.kernelSize[0])) ||
        failed(checkSize(where, "kernel columns", layer.kernelSize[1])))
      return nullptr;
    Value kernel =
        addParam(layer, "kernel", kernelShape, layer.kernelInitializer);
    Value bias =
        kernel && layer.useBias
            ? addParam(layer, "bias", {layer.filters}, layer.biasInitializer)
            : Value();
    if (!kernel || (layer.useBias && !bias))
      return nullptr;
    auto strides = layer.strides.value_or(std::array<int64_t, 2>{1, 1});
    auto type = cnn::inferConv2DType(
        where, inputType, cast<RankedTensorType>(kernel.getType()),
        bias ? cast<RankedTensorType>(bias.getType()) : nullptr, strides,
        layer.dilation, padding(layer.padding));
    Value conv = create<cnn::Conv2DOp>(
        where, type, layerAttr, input, kernel, bias,
        builder.getDenseI64ArrayAttr(strides),
        builder.getDenseI64ArrayAttr(layer.dilation),
        cnn::PaddingAttr::get(&context, padding(layer.padding)));
    return conv ? emitActivation(layer.activation, conv, where, layerAttr)
                : nullptr;
  }
  case LayerKind::Dense: {
    if (failed(checkSize(where, "units", layer.units)))
      return nullptr;
    Value kernel = addParam(layer, "kernel", {lastDim, layer.units},
                            layer.kernelInitializer);
    Value bias =
        kernel && layer.useBias
            ? addParam(layer, "bias", {layer.units}, layer.biasInitializer)
            : Value();
    if (!kernel || (layer.useBias && !bias))
      return nullptr;
    auto type = cnn::inferDenseType(
        where, inputType, cast<RankedTensorType>(kernel.getType()),
        bias ? cast<RankedTensorType>(bias.getType()) : nullptr);
    Value dense =
        create<cnn::DenseOp>(where, type, layerAttr, input, kernel, bias);
    return dense ? emitActivation(layer.activation, dense, where, layerAttr)
                 : nullptr;
  }
  case LayerKind::MaxPooling2D:
  case LayerKind::AveragePooling2D:
  case LayerKind::MinPooling2D: {
    auto strides = layer.strides.value_or(layer.poolSize);
    auto type = cnn::inferPool2DType(where, inputType, layer.poolSize, strides,
                                     padding(layer.padding));
    auto poolSize = builder.getDenseI64ArrayAttr(layer.poolSize);
    auto stridesAttr = builder.getDenseI64ArrayAttr(strides);
    auto paddingAttr = cnn::PaddingAttr::get(&context, padding(layer.padding));
    if (layer.kind == LayerKind::MaxPooling2D)
      return create<cnn::MaxPool2DOp>(where, type, layerAttr, input, poolSize,
                                      stridesAttr, paddingAttr);
    if (layer.kind == LayerKind::AveragePooling2D)
      return create<cnn::AvgPool2DOp>(where, type, layerAttr, input, poolSize,
                                      stridesAttr, paddingAttr);
    return create<cnn::MinPool2DOp>(where, type, layerAttr, input, poolSize,
                                    stridesAttr, paddingAttr);
  }
  case LayerKind::GlobalMaxPooling2D:
  case LayerKind::GlobalAveragePooling2D:
  case LayerKind::GlobalMinPooling2D: {
    auto type = cnn::inferGlobalPool2DType(where, inputType, layer.keepDims);
    if (layer.kind == LayerKind::GlobalMaxPooling2D)
      return create<cnn::GlobalMaxPool2DOp>(where, type, layerAttr, input,
                                            layer.keepDims);
    if (layer.kind == LayerKind::GlobalAveragePooling2D)
      return create<cnn::GlobalAvgPool2DOp>(where, type, layerAttr, input,
                                            layer.keepDims);
    return create<cnn::GlobalMinPool2DOp>(where, type, layerAttr, input,
                                          layer.keepDims);
  }
  case LayerKind::Flatten:
    return create<cnn::FlattenOp>(
        where, cnn::inferFlattenType(where, inputType), layerAttr, input);
  case LayerKind::Dropout:
  case LayerKind::SpatialDropout2D: {
    bool spatial = layer.kind == LayerKind::SpatialDropout2D;
    auto type = cnn::inferDropoutType(where, inputType, layer.rate, spatial);
    IntegerAttr seed =
        layer.seed ? builder.getI64IntegerAttr(*layer.seed) : IntegerAttr();
    return create<cnn::DropoutOp>(where, type, layerAttr, input,
                                  builder.getF64FloatAttr(layer.rate), seed,
                                  spatial ? builder.getUnitAttr() : UnitAttr());
  }
  case LayerKind::AlphaDropout: {
    IntegerAttr seed =
        layer.seed ? builder.getI64IntegerAttr(*layer.seed) : IntegerAttr();
    return create<cnn::AlphaDropoutOp>(
        where, cnn::inferNoiseType(where, inputType, "rate", layer.rate, true),
        layerAttr, input, builder.getF64FloatAttr(layer.rate), seed);
  }
  case LayerKind::GaussianNoise:
  case LayerKind::GaussianDropout: {
    IntegerAttr seed =
        layer.seed ? builder.getI64IntegerAttr(*layer.seed) : IntegerAttr();
    if (layer.kind == LayerKind::GaussianNoise)
      return create<cnn::GaussianNoiseOp>(
          where,
          cnn::inferNoiseType(where, inputType, "stddev", layer.stddev, false),
          layerAttr, input, builder.getF64FloatAttr(layer.stddev), seed);
    return create<cnn::GaussianDropoutOp>(
        where, cnn::inferNoiseType(where, inputType, "rate", layer.rate, true),
        layerAttr, input, builder.getF64FloatAttr(layer.rate), seed);
  }
  case LayerKind::Activation:
    if (layer.activation == Activation::Linear)
      return create<cnn::LinearOp>(where, inputType, layerAttr, input);
    return emitActivation(layer.activation, input, where, layerAttr);
  case LayerKind::ReLU:
    // ReLU() with Keras's defaults is plain relu, which fuses with a
    // convolution; any argument makes it the general function.
    if (layer.alpha == 0.0 && !layer.maxValue && layer.threshold == 0.0)
      return create<cnn::ReluOp>(where, inputType, layerAttr, input);
    return emitActivationFunction(cnn::ActivationFunction::relu, input, where,
                                  layerAttr, layer.alpha, layer.maxValue,
                                  layer.threshold);
  case LayerKind::LeakyReLU:
    return emitActivationFunction(cnn::ActivationFunction::relu, input, where,
                                  layerAttr, layer.alpha);
  case LayerKind::ELU:
    return emitActivationFunction(cnn::ActivationFunction::elu, input, where,
                                  layerAttr, layer.alpha);
  case LayerKind::ThresholdedReLU:
    // Keras 2's x * (x > theta): relu's threshold with no slope below it.
    return emitActivationFunction(cnn::ActivationFunction::relu, input, where,
                                  layerAttr, /*alpha=*/0.0, std::nullopt,
                                  layer.threshold);
  case LayerKind::ZeroPadding2D:
    return create<cnn::ZeroPadding2DOp>(
        where, cnn::inferZeroPadding2DType(where, inputType, layer.edges),
        layerAttr, input, builder.getDenseI64ArrayAttr(layer.edges));
  case LayerKind::Cropping2D:
    return create<cnn::Cropping2DOp>(
        where, cnn::inferCropping2DType(where, inputType, layer.edges),
        layerAttr, input, builder.getDenseI64ArrayAttr(layer.edges));
  case LayerKind::Reshape:
    return create<cnn::ReshapeOp>(
        where, cnn::inferReshapeType(where, inputType, layer.targetShape),
        layerAttr, input);
  case LayerKind::Permute:
    return create<cnn::PermuteOp>(
        where, cnn::inferPermuteType(where, inputType, layer.permuteDims),
        layerAttr, input, builder.getDenseI64ArrayAttr(layer.permuteDims));
  case LayerKind::Rescaling:
    return create<cnn::RescalingOp>(
        where,
        cnn::inferRescalingType(where, inputType, layer.scale, layer.offset),
        layerAttr, input, builder.getF64FloatAttr(layer.scale),
        builder.getF64FloatAttr(layer.offset));
  case LayerKind::PReLU: {
    // alpha: the input's shape without the batch, 1 on each shared axis.
    SmallVector<int64_t> alphaShape(inputType.getShape().drop_front());
    for (int64_t axis : layer.sharedAxes) {
      if (axis < 1 || axis >= inputType.getRank()) {
        emitError(where) << "shared axis " << axis << " is out of range for "
                         << cnn::kerasShapeString(inputType.getShape())
                         << " (axes count from 1, after the batch)";
        return nullptr;
      }
      alphaShape[axis - 1] = 1;
    }
    Value alpha = addParam(layer, "alpha", alphaShape, layer.alphaInitializer);
    if (!alpha)
      return nullptr;
    return create<cnn::PReluOp>(
        where,
        cnn::inferPReluType(where, inputType,
                            cast<RankedTensorType>(alpha.getType())),
        layerAttr, input, alpha);
  }
  case LayerKind::BatchNormalization:
    return emitBatchNorm(layer, input, where, layerAttr);
  case LayerKind::LayerNormalization:
    return emitLayerNorm(layer, input, where, layerAttr);
  case LayerKind::Add:
  case LayerKind::Subtract:
  case LayerKind::Multiply:
  case LayerKind::Average:
  case LayerKind::Maximum:
  case LayerKind::Minimum:
  case LayerKind::Concatenate:
    // A Sequential model calls each layer on one tensor.
    emitError(where) << kerasClassName(layer.kind) << " layer '" << layer.name
                     << "' merges several tensors: it can be used only in a "
                        "Functional model";
    return nullptr;
  case LayerKind::DepthwiseConv2D:
  case LayerKind::SeparableConv2D:
    return emitDepthwise(layer, input, where, layerAttr);
  case LayerKind::Conv2DTranspose: {
    if (failed(checkSize(where, "filters", layer.filters)) ||
        failed(checkSize(where, "kernel rows", layer.kernelSize[0])) ||
        failed(checkSize(where, "kernel columns", layer.kernelSize[1])))
      return nullptr;
    // Keras's layout: (rows, columns, filters, input channels).
    Value kernel = addParam(
        layer, "kernel",
        {layer.kernelSize[0], layer.kernelSize[1], layer.filters, lastDim},
        layer.kernelInitializer);
    Value bias =
        kernel && layer.useBias
            ? addParam(layer, "bias", {layer.filters}, layer.biasInitializer)
            : Value();
    if (!kernel || (layer.useBias && !bias))
      return nullptr;
    auto strides = layer.strides.value_or(std::array<int64_t, 2>{1, 1});
    std::optional<ArrayRef<int64_t>> outputPadding;
    if (layer.outputPadding)
      outputPadding = ArrayRef<int64_t>(*layer.outputPadding);
    auto type = cnn::inferConv2DTransposeType(
        where, inputType, cast<RankedTensorType>(kernel.getType()),
        bias ? cast<RankedTensorType>(bias.getType()) : nullptr, strides,
        padding(layer.padding), outputPadding);
    Value conv = create<cnn::Conv2DTransposeOp>(
        where, type, layerAttr, input, kernel, bias,
        builder.getDenseI64ArrayAttr(strides),
        cnn::PaddingAttr::get(&context, padding(layer.padding)),
        outputPadding ? builder.getDenseI64ArrayAttr(*outputPadding)
                      : DenseI64ArrayAttr());
    return conv ? emitActivation(layer.activation, conv, where, layerAttr)
                : nullptr;
  }
  case LayerKind::UpSampling2D:
    return create<cnn::UpSampling2DOp>(
        where, cnn::inferUpSampling2DType(where, inputType, layer.upSize),
        layerAttr, input, builder.getDenseI64ArrayAttr(layer.upSize),
        layer.bilinear ? builder.getUnitAttr() : UnitAttr());
  case LayerKind::Softmax: {
    // One spelling per axis (TF.js writes axis 1 for the last of two), so
    // that equal models give equal IR.
    int64_t axis = layer.axis;
    if (axis >= 0 && axis < inputType.getRank())
      axis -= inputType.getRank();
    return create<cnn::SoftmaxOp>(where,
                                  cnn::inferSoftmaxType(where, inputType, axis),
                                  layerAttr, input, axis);
  }
  case LayerKind::RandomFlip:
  case LayerKind::RandomRotation:
  case LayerKind::RandomZoom:
  case LayerKind::RandomTranslation:
  case LayerKind::RandomContrast:
  case LayerKind::RandomBrightness:
    return emitAugmentation(layer, input, where, layerAttr);
  }
  return nullptr;
}

Value ModelToCnn::emitAugmentation(const Layer &layer, Value input,
                                   Location where, cnn::LayerAttr layerAttr) {
  cnn::AugmentationKind kind;
  switch (layer.kind) {
  case LayerKind::RandomFlip:
    kind = cnn::AugmentationKind::flip;
    break;
  case LayerKind::RandomRotation:
    kind = cnn::AugmentationKind::rotation;
    break;
  case LayerKind::RandomZoom:
    kind = cnn::AugmentationKind::zoom;
    break;
  case LayerKind::RandomTranslation:
    kind = cnn::AugmentationKind::translation;
    break;
  case LayerKind::RandomContrast:
    kind = cnn::AugmentationKind::contrast;
    break;
  default:
    kind = cnn::AugmentationKind::brightness;
    break;
  }
  IntegerAttr seed =
      layer.seed ? builder.getI64IntegerAttr(*layer.seed) : IntegerAttr();
  return create<cnn::RandomAugmentationOp>(
      where,
      cnn::inferAugmentationType(where,
                                 cast<RankedTensorType>(input.getType())),
      layerAttr, input, cnn::AugmentationKindAttr::get(&context, kind), seed);
}

Value ModelToCnn::emitBatchNorm(const Layer &layer, Value input, Location where,
                                cnn::LayerAttr layerAttr) {
  auto inputType = cast<RankedTensorType>(input.getType());
  int64_t rank = inputType.getRank();
  // cnnc normalizes the channel axis, the last: Keras's default (-1), also
  // written as its positive number (3 for an image).
  if (layer.axis != -1 && layer.axis != rank - 1) {
    emitError(where) << "BatchNormalization normalizes the last (channel) "
                        "axis, -1 or "
                     << rank - 1 << " for input "
                     << cnn::kerasShapeString(inputType.getShape()) << "; axis "
                     << layer.axis << " is not supported";
    return nullptr;
  }
  // The attributes first, so that a bad epsilon is reported before any
  // parameter is added.
  SmallVector<RankedTensorType> none;
  if (failed(cnn::inferBatchNormType(where, inputType, none, layer.epsilon,
                                     layer.momentum)))
    return nullptr;
  SmallVector<int64_t, 1> shape = {inputType.getShape().back()};
  // Keras's order: gamma, beta (trainable), then the moving statistics.
  Value gamma, beta;
  if (layer.scaleGamma &&
      !(gamma = addParam(layer, "gamma", shape, layer.gammaInitializer)))
    return nullptr;
  if (layer.center &&
      !(beta = addParam(layer, "beta", shape, layer.betaInitializer)))
    return nullptr;
  Value mean = addParam(layer, "moving_mean", shape,
                        layer.movingMeanInitializer, /*trainable=*/false);
  Value variance =
      mean ? addParam(layer, "moving_variance", shape,
                      layer.movingVarianceInitializer, /*trainable=*/false)
           : Value();
  if (!variance)
    return nullptr;
  auto paramType = [](Value v) {
    return v ? cast<RankedTensorType>(v.getType()) : RankedTensorType();
  };
  RankedTensorType params[] = {paramType(gamma), paramType(beta),
                               paramType(mean), paramType(variance)};
  return create<cnn::BatchNormOp>(
      where,
      cnn::inferBatchNormType(where, inputType, params, layer.epsilon,
                              layer.momentum),
      layerAttr, input, gamma, beta, mean, variance,
      builder.getF64FloatAttr(layer.epsilon),
      builder.getF64FloatAttr(layer.momentum),
      layer.trainable ? UnitAttr() : builder.getUnitAttr());
}

Value ModelToCnn::emitLayerNorm(const Layer &layer, Value input, Location where,
                                cnn::LayerAttr layerAttr) {
  auto inputType = cast<RankedTensorType>(input.getType());
  int64_t rank = inputType.getRank();
  std::string shape = cnn::kerasShapeString(inputType.getShape());
  // Keras's rule first (each axis in range, none twice), then cnnc's: the
  // axes must run from one of them to the last, in order, which is what
  // cnn.layer_norm computes and what makes Keras's parameter shape
  // ([input_shape[a] for a in axis]) the input's trailing shape.
  SmallVector<int64_t> axes;
  for (int64_t axis : layer.normAxes) {
    int64_t positive = axis < 0 ? axis + rank : axis;
    if (positive < 0 || positive >= rank) {
      emitError(where) << "LayerNormalization axis " << axis
                       << " is out of range for input " << shape;
      return nullptr;
    }
    if (llvm::is_contained(axes, positive)) {
      emitError(where) << "LayerNormalization axis " << axis
                       << " is given twice";
      return nullptr;
    }
    axes.push_back(positive);
  }
  int64_t first = axes.empty() ? rank : axes.front();
  bool trailing = first >= 1 && !axes.empty();
  for (auto [i, axis] : llvm::enumerate(axes))
    trailing &= axis == first + static_cast<int64_t>(i);
  if (!trailing || axes.back() != rank - 1) {
    std::string list;
    for (auto [i, axis] : llvm::enumerate(layer.normAxes))
      list += (i ? ", " : "") + std::to_string(axis);
    emitError(where) << "LayerNormalization over axes [" << list
                     << "] of input " << shape
                     << " is not supported: cnnc normalizes each sample over "
                        "its last axes, in order (-1, or from an axis >= 1 "
                        "to "
                     << rank - 1 << ")";
    return nullptr;
  }
  // The attributes first, so that a bad epsilon is reported before any
  // parameter is added.
  SmallVector<RankedTensorType> none;
  if (failed(cnn::inferLayerNormType(where, inputType, none, first,
                                     layer.epsilon)))
    return nullptr;
  SmallVector<int64_t> paramShape(inputType.getShape().drop_front(first));
  // Keras's order: gamma, then beta.
  Value gamma, beta;
  if (layer.scaleGamma &&
      !(gamma = addParam(layer, "gamma", paramShape, layer.gammaInitializer)))
    return nullptr;
  if (layer.center &&
      !(beta = addParam(layer, "beta", paramShape, layer.betaInitializer)))
    return nullptr;
  auto paramType = [](Value v) {
    return v ? cast<RankedTensorType>(v.getType()) : RankedTensorType();
  };
  RankedTensorType params[] = {paramType(gamma), paramType(beta)};
  return create<cnn::LayerNormOp>(
      where,
      cnn::inferLayerNormType(where, inputType, params, first, layer.epsilon),
      layerAttr, input, gamma, beta, builder.getI64IntegerAttr(first),
      builder.getF64FloatAttr(layer.epsilon));
}

OwningOpRef<ModuleOp> ModelToCnn::build() {
  Location modelLoc = loc(model.loc);
  // A Functional model may return its inputs unchanged (Keras builds
  // `Model(x, x)`); a Sequential model without layers has no input at all.
  if (model.layers.empty() && !model.isGraph) {
    emitError(modelLoc) << "model '" << model.name << "' has no layers";
    return nullptr;
  }
  SmallVector<Type> inputTypes;
  if (model.isGraph) {
    for (const ModelInput &input : model.inputs) {
      RankedTensorType type = inputType(input.shape, input.loc);
      if (!type)
        return nullptr;
      inputTypes.push_back(type);
    }
  } else {
    if (model.inputShape.empty()) {
      emitError(loc(model.layers.front().loc))
          << "the model has no input shape: give the first layer "
             "input_shape=(...) or start with keras.Input(shape=(...))";
      return nullptr;
    }
    RankedTensorType type = inputType(model.inputShape, model.inputLoc);
    if (!type)
      return nullptr;
    inputTypes.push_back(type);
  }

  OwningOpRef<ModuleOp> module = ModuleOp::create(modelLoc);
  // The verifier below checks @forward's contract.
  cnn::markAsModel(*module);
  (*module)->setAttr(cnn::CnnDialect::kModelNameAttrName,
                     builder.getStringAttr(model.name));
  if (!model.training.empty()) {
    cnn::TrainingAttr training = trainingAttr(model.training);
    if (!training)
      return nullptr;
    (*module)->setAttr(cnn::CnnDialect::kTrainingAttrName, training);
  }

  builder.setInsertionPointToEnd(module->getBody());
  function = builder.create<func::FuncOp>(
      modelLoc, "forward", builder.getFunctionType(inputTypes, {}));
  body = function.addEntryBlock();
  for (size_t i = 0; i < inputTypes.size(); ++i) {
    // A graph model's inputs keep their Keras names (the summary's rows);
    // a Sequential that nests models has no InputLayer row.
    if (model.isGraph && !model.sequentialView) {
      const ModelInput &input = model.inputs[i];
      body->getArgument(i).setLoc(loc(input.loc));
      argAttrs.push_back(builder.getDictionaryAttr(builder.getNamedAttr(
          cnn::CnnDialect::kInputAttrName, builder.getStringAttr(input.name))));
    } else {
      argAttrs.push_back(builder.getDictionaryAttr({}));
    }
  }
  builder.setInsertionPointToEnd(body);

  SmallVector<Value> outputs;
  if (model.isGraph) {
    FailureOr<SmallVector<Value>> values = emitGraph();
    if (failed(values))
      return nullptr;
    outputs = std::move(*values);
  } else {
    Value value = function.getArgument(0);
    for (const Layer &layer : model.layers) {
      value = emitRegularizedLayer(layer, value);
      if (!value)
        return nullptr;
    }
    outputs.push_back(value);
  }
  builder.create<func::ReturnOp>(modelLoc, outputs);
  function.setType(builder.getFunctionType(body->getArgumentTypes(),
                                           ValueRange(outputs).getTypes()));
  function.setAllArgAttrs(argAttrs);
  // compile()'s loss and loss_weights per output, checked against the
  // outputs' names (the output layers', or a Keras 3 dict's keys), which
  // Keras also names History's series by.
  std::vector<std::string> outputNames;
  if (model.isGraph)
    for (const TensorRef &output : model.outputs)
      outputNames.push_back(output.name.empty() ? output.layer : output.name);
  else if (!model.layers.empty())
    outputNames.push_back(model.layers.back().name);
  FailureOr<ArrayAttr> outputLosses =
      buildOutputLosses(model.training, outputNames, context,
                        [&](const SourceLoc &where) { return loc(where); });
  if (failed(outputLosses))
    return nullptr;
  if (*outputLosses)
    (*module)->setAttr(cnn::CnnDialect::kOutputLossesAttrName, *outputLosses);
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

RankedTensorType ModelToCnn::inputType(ArrayRef<int64_t> shape,
                                       const SourceLoc &where) {
  SmallVector<int64_t> inputShape = {ShapedType::kDynamic};
  inputShape.append(shape.begin(), shape.end());
  // A rank-1 input shape would otherwise fail the check with an odd message.
  for (int64_t dim : shape)
    if (dim <= 0 || dim > cnn::kMaxDimSize) {
      emitError(loc(where))
          << "input shape " << cnn::kerasShapeString(inputShape)
          << " must have dimensions in [1, " << cnn::kMaxDimSize << "]";
      return nullptr;
    }
  auto type = tensorType(context, inputShape);
  if (failed(cnn::verifyActivationType(loc(where), type)))
    return nullptr;
  return type;
}

static std::optional<cnn::MergeKind> mergeKind(LayerKind kind) {
  switch (kind) {
  case LayerKind::Add:
    return cnn::MergeKind::add;
  case LayerKind::Subtract:
    return cnn::MergeKind::subtract;
  case LayerKind::Multiply:
    return cnn::MergeKind::multiply;
  case LayerKind::Average:
    return cnn::MergeKind::average;
  case LayerKind::Maximum:
    return cnn::MergeKind::maximum;
  case LayerKind::Minimum:
    return cnn::MergeKind::minimum;
  default:
    return std::nullopt;
  }
}

Value ModelToCnn::emitMerge(const Layer &layer, ArrayRef<Value> inputs) {
  Location where = loc(layer.loc);
  auto layerAttr =
      cnn::LayerAttr::get(&context, layer.name, kerasClassName(layer.kind));
  SmallVector<RankedTensorType> types;
  for (Value input : inputs)
    types.push_back(cast<RankedTensorType>(input.getType()));
  if (std::optional<cnn::MergeKind> kind = mergeKind(layer.kind))
    return create<cnn::MergeOp>(where, cnn::inferMergeType(where, *kind, types),
                                layerAttr, *kind, inputs);
  // One spelling per axis, as softmax: the negative one.
  int64_t axis = layer.axis;
  int64_t rank = types.front().getRank();
  if (axis >= 0 && axis < rank)
    axis -= rank;
  return create<cnn::ConcatenateOp>(
      where, cnn::inferConcatenateType(where, types, axis), layerAttr, inputs,
      axis);
}

FailureOr<SmallVector<Value>> ModelToCnn::emitGraph() {
  llvm::Expected<std::vector<size_t>> order = scheduleGraph(model);
  if (!order) {
    llvm::Error rest =
        llvm::handleErrors(order.takeError(), [&](const LocatedError &err) {
          emitError(loc(err.getLoc())) << err.getMessage();
        });
    if (rest)
      emitError(loc(model.loc)) << llvm::toString(std::move(rest));
    return failure();
  }
  // Each tensor by the input or layer call that computes it; a value used
  // by several layers is computed once.
  std::map<std::pair<std::string, int64_t>, Value> values;
  auto valueOf = [&](const TensorRef &ref) {
    return values.at({ref.layer, ref.node});
  };
  for (auto [index, input] : llvm::enumerate(model.inputs))
    values[{input.name, 0}] = function.getArgument(index);
  for (size_t index : *order) {
    const Layer &layer = model.layers[index];
    nestedAttr = nullptr;
    if (!layer.scopes.empty()) {
      const NestedScope &scope = layer.scopes.front();
      nestedAttr = cnn::LayerAttr::get(&context, scope.name, scope.className);
      nestedNodeAttr = builder.getI64IntegerAttr(scope.callNode);
    }
    callAttr =
        layer.call != 0 ? builder.getI64IntegerAttr(layer.call) : IntegerAttr();
    SmallVector<Value> inputs;
    for (const TensorRef &ref : layer.inbound)
      inputs.push_back(valueOf(ref));
    Value value = isMergeLayer(layer.kind)
                      ? emitMerge(layer, inputs)
                      : emitRegularizedLayer(layer, inputs.front());
    if (!value)
      return failure();
    values[{layer.name, layer.call}] = value;
  }
  SmallVector<Value> outputs;
  for (const TensorRef &output : model.outputs)
    outputs.push_back(valueOf(output));
  return outputs;
}

OwningOpRef<ModuleOp> cnnc::buildCnnModule(const ModelSpec &model,
                                           MLIRContext &context) {
  context.loadDialect<cnn::CnnDialect, func::FuncDialect>();
  return ModelToCnn(model, context).build();
}
