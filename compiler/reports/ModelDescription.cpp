//===- ModelDescription.cpp - A cnn module as the runtime sees it ---------===//

#include "compiler/reports/ModelDescription.h"
#include "dialects/cnn/CnnOps.h"

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

/// The optimizer update in @apply_gradients: its name, slots and settings.
static void describeOptimizer(func::FuncOp apply, ModelInfo &info) {
  apply.walk([&](Operation *op) {
    StringRef name = op->getName().stripDialect();
    if (!name.consume_back("_update"))
      return;
    info.optimizer = name.str();
    info.stateSlots = cast<ShapedType>(op->getOperand(1).getType()).getDimSize(0);
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
  auto name = module->getAttrOfType<StringAttr>(cnn::CnnDialect::kModelNameAttrName);
  info.name = name ? name.str() : "model";
  FunctionType type = forward.getFunctionType();
  info.inputShape = withoutBatch(type.getInput(0));
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
  for (unsigned i = 1; i < forward.getNumArguments(); ++i) {
    ParamInfo param;
    auto paramName =
        forward.getArgAttrOfType<StringAttr>(i, cnn::CnnDialect::kParamAttrName);
    param.name = paramName ? paramName.str() : "param_" + std::to_string(i - 1);
    auto shape = cast<ShapedType>(type.getInput(i)).getShape();
    param.shape.assign(shape.begin(), shape.end());
    param.initializer = initializerSpec(
        forward.getArgAttrOfType<DictionaryAttr>(
            i, cnn::CnnDialect::kInitializerAttrName),
        static_cast<int64_t>(param.shape.size()));
    info.params.push_back(std::move(param));
  }

  auto training =
      module->getAttrOfType<DictionaryAttr>(cnn::CnnDialect::kTrainingAttrName);
  auto gradients = module.lookupSymbol<func::FuncOp>("train_gradients");
  auto apply = module.lookupSymbol<func::FuncOp>("apply_gradients");
  if (gradients && apply) {
    info.trainable = true;
    auto loss = training ? training.getAs<StringAttr>("loss") : StringAttr();
    info.loss = loss ? loss.str() : "sparse_categorical_crossentropy";
    if (info.loss == "mean_squared_error")
      info.loss = "mse";
    info.sparseLabels = cast<ShapedType>(gradients.getArgumentTypes()[1])
                            .getElementType()
                            .isInteger(32);
    describeOptimizer(apply, info);
  }
  if (training) {
    for (StringRef key : {"epochs", "batch_size"})
      if (auto value = training.getAs<IntegerAttr>(key))
        info.fit[key.str()] = static_cast<double>(value.getInt());
    if (auto value = training.getAs<FloatAttr>("validation_split"))
      info.fit["validation_split"] = value.getValueAsDouble();
    if (auto value = training.getAs<BoolAttr>("shuffle"))
      info.fit["shuffle"] = value.getValue() ? 1 : 0;
  }
  return info;
}
