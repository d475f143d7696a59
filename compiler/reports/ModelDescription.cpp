//===- ModelDescription.cpp - A cnn module as the runtime sees it ---------===//

#include "compiler/reports/ModelDescription.h"
#include "dialects/cnn/CnnOps.h"
#include "dialects/cnn/ModelContract.h"
#include "dialects/cnn/Training.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

using namespace mlir;
using namespace cnnc;

/// The `cnn.initializer` dictionary as the runtime's spec (the runtime
/// knows no MLIR, so the translation lives here). Without one (a
/// hand-written .mlir), Keras's defaults for Conv2D and Dense: glorot_uniform
/// kernels, zero biases.
static InitializerSpec initializerSpec(DictionaryAttr dict, int64_t rank) {
  InitializerSpec spec;
  if (!dict) {
    if (rank >= 2) {
      spec.kind = "variance_scaling";
      spec.scale = 1.0;
      spec.mode = "fan_avg";
      spec.distribution = "uniform";
    }
    return spec;
  }
  auto str = [&](StringRef key, std::string &field) {
    if (auto value = dict.getAs<StringAttr>(key))
      field = value.str();
  };
  auto num = [&](StringRef key, double &field) {
    if (auto value = dict.getAs<FloatAttr>(key))
      field = value.getValueAsDouble();
  };
  str("kind", spec.kind);
  str("mode", spec.mode);
  str("distribution", spec.distribution);
  num("scale", spec.scale);
  num("mean", spec.mean);
  num("stddev", spec.stddev);
  num("minval", spec.minval);
  num("maxval", spec.maxval);
  num("value", spec.value);
  return spec;
}

static std::vector<int64_t> withoutBatch(Type type) {
  auto shape = cast<ShapedType>(type).getShape();
  return std::vector<int64_t>(shape.begin() + 1, shape.end());
}

static LossKind runtimeLoss(cnn::Loss loss) {
  switch (loss) {
  case cnn::Loss::SparseCategoricalCrossentropy:
    return LossKind::SparseCategoricalCrossentropy;
  case cnn::Loss::CategoricalCrossentropy:
    return LossKind::CategoricalCrossentropy;
  case cnn::Loss::MeanSquaredError:
    return LossKind::MSE;
  case cnn::Loss::BinaryCrossentropy:
    return LossKind::BinaryCrossentropy;
  }
  llvm_unreachable("unknown loss");
}

static OptimizerKind runtimeOptimizer(cnn::OptimizerKind kind) {
  switch (kind) {
  case cnn::OptimizerKind::Adam:
    return OptimizerKind::Adam;
  case cnn::OptimizerKind::SGD:
    return OptimizerKind::SGD;
  case cnn::OptimizerKind::RMSprop:
    return OptimizerKind::RMSprop;
  }
  llvm_unreachable("unknown optimizer");
}

/// The optimizer update in @apply_gradients: its kind, slots and settings.
static void describeOptimizer(func::FuncOp apply, ModelInfo &info) {
  apply.walk([&](Operation *op) {
    if (isa<cnn::AdamUpdateOp>(op))
      info.optimizer = OptimizerKind::Adam;
    else if (isa<cnn::SGDUpdateOp>(op))
      info.optimizer = OptimizerKind::SGD;
    else if (isa<cnn::RMSpropUpdateOp>(op))
      info.optimizer = OptimizerKind::RMSprop;
    else
      return;
    info.stateSlots =
        cast<ShapedType>(op->getOperand(1).getType()).getDimSize(0);
    for (NamedAttribute attr : op->getAttrs()) {
      if (auto f = dyn_cast<FloatAttr>(attr.getValue()))
        info.hyperParameters[attr.getName().str()] = f.getValueAsDouble();
      else if (auto b = dyn_cast<BoolAttr>(attr.getValue()))
        info.hyperParameters[attr.getName().str()] = b.getValue() ? 1 : 0;
    }
  });
}

ModelInfo cnnc::describeModel(ModuleOp module) {
  ModelInfo info;
  auto forward = module.lookupSymbol<func::FuncOp>("forward");
  auto name =
      module->getAttrOfType<StringAttr>(cnn::CnnDialect::kModelNameAttrName);
  info.name = name ? name.str() : "model";
  FunctionType type = forward.getFunctionType();
  unsigned numInputs = cnn::numModelInputs(forward);
  for (unsigned i = 0; i < numInputs; ++i)
    info.inputShapes.push_back(withoutBatch(type.getInput(i)));
  info.outputShape = withoutBatch(type.getResult(0));
  // What one image adds to a call's temporaries: every tensor @forward
  // computes (the runtime bounds a call's batch by it).
  info.activationBytesPerImage = 0;
  forward.walk([&](Operation *op) {
    for (Type result : op->getResultTypes())
      if (auto tensor = dyn_cast<RankedTensorType>(result)) {
        int64_t bytes = tensor.getElementTypeBitWidth() / 8;
        ArrayRef<int64_t> shape = tensor.getShape();
        for (int64_t dim : shape.drop_front(shape.empty() ? 0 : 1))
          if (!ShapedType::isDynamic(dim))
            bytes *= dim;
        info.activationBytesPerImage += bytes;
      }
  });
  // Parameters follow the inputs.
  for (unsigned i = numInputs; i < forward.getNumArguments(); ++i) {
    ParamInfo param;
    auto paramName = forward.getArgAttrOfType<StringAttr>(
        i, cnn::CnnDialect::kParamAttrName);
    param.name =
        paramName ? paramName.str() : "param_" + std::to_string(i - numInputs);
    auto shape = cast<ShapedType>(type.getInput(i)).getShape();
    param.shape.assign(shape.begin(), shape.end());
    param.initializer =
        initializerSpec(forward.getArgAttrOfType<DictionaryAttr>(
                            i, cnn::CnnDialect::kInitializerAttrName),
                        static_cast<int64_t>(param.shape.size()));
    info.params.push_back(std::move(param));
  }

  cnn::TrainingAttr training = cnn::getTraining(module);
  auto gradients = module.lookupSymbol<func::FuncOp>("train_gradients");
  auto apply = module.lookupSymbol<func::FuncOp>("apply_gradients");
  // The loss also says which labels a dataset must have, which the train
  // command checks before it builds the training step.
  info.loss = runtimeLoss(training.getLossOrDefault());
  // Several outputs: their names, for History's per-output series. The
  // step records them (cnn.outputs); before it is built, @forward's
  // results say them, as compile()'s per-output losses name them.
  if (auto names = gradients ? gradients->getAttrOfType<ArrayAttr>(
                                   cnn::CnnDialect::kOutputsAttrName)
                             : nullptr) {
    for (Attribute name : names)
      info.trainOutputs.push_back(cast<StringAttr>(name).str());
  } else if (!gradients && type.getNumResults() > 1) {
    auto losses = module->getAttrOfType<ArrayAttr>(
        cnn::CnnDialect::kOutputLossesAttrName);
    Operation *ret = forward.getBody().front().getTerminator();
    for (auto [index, result] : llvm::enumerate(ret->getOperands())) {
      std::string name = "output_" + std::to_string(index);
      StringAttr given;
      if (losses && index < losses.size())
        if (auto entry = dyn_cast<DictionaryAttr>(losses[index]))
          given = entry.getAs<StringAttr>("output");
      if (given)
        name = given.str();
      else if (Operation *op = result.getDefiningOp())
        if (auto layer = op->getAttrOfType<cnn::LayerAttr>(
                cnn::CnnDialect::kLayerAttrName))
          name = layer.getName().str();
      info.trainOutputs.push_back(name);
    }
  }
  if (gradients && apply) {
    info.trainable = true;
    info.sparseLabels = cast<ShapedType>(gradients.getArgumentTypes()[1])
                            .getElementType()
                            .isInteger(32);
    describeOptimizer(apply, info);
    // Results 0 and 1 are the loss sum and the count; then one slot per
    // parameter.
    for (auto [index, param] : llvm::enumerate(info.params))
      param.fromBatchStatistics = bool(gradients.getResultAttr(
          index + 2, cnn::CnnDialect::kNextValueAttrName));
  } else {
    // Not compiled yet (a run's inputs are checked before compiling): the
    // optimizer the step will have, from the module's settings.
    cnn::OptimizerKind kind = training.getOptimizerOrDefault().getKind();
    info.optimizer = runtimeOptimizer(kind);
    info.stateSlots = cnn::optimizerSlotCount(kind);
    // And the moving statistics it will update from the batch's: those of
    // every trainable batch_norm (--cnn-build-train-step's rule).
    forward.walk([&](cnn::BatchNormOp bn) {
      if (bn.getFrozen())
        return;
      for (Value moving : {bn.getMovingMean(), bn.getMovingVariance()})
        if (auto arg = dyn_cast<BlockArgument>(moving);
            arg && arg.getArgNumber() >= numInputs)
          info.params[arg.getArgNumber() - numInputs].fromBatchStatistics =
              true;
    });
  }
  if (std::optional<int64_t> epochs = training.getEpochs())
    info.fit["epochs"] = static_cast<double>(*epochs);
  if (std::optional<int64_t> batchSize = training.getBatchSize())
    info.fit["batch_size"] = static_cast<double>(*batchSize);
  if (std::optional<double> split = training.getValidationSplit())
    info.fit["validation_split"] = *split;
  if (std::optional<bool> shuffle = training.getShuffle())
    info.fit["shuffle"] = *shuffle ? 1 : 0;
  return info;
}
