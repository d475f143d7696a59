//===- CnnDialect.cpp - The cnn dialect and its attributes ----------------===//

#include "dialects/cnn/CnnDialect.h"
#include "dialects/cnn/CnnOps.h"
#include "dialects/cnn/ModelContract.h"
#include "dialects/cnn/SharedLayers.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::cnn;

#include "dialects/cnn/CnnDialect.cpp.inc"
#include "dialects/cnn/CnnEnums.cpp.inc"

void CnnDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/cnn/CnnOps.cpp.inc"
      >();
  registerAttributes();
}

/// A regularizer: {l1 = <f64>, l2 = <f64>}, both finite and at least 0.
static LogicalResult verifyRegularizer(Attribute attribute) {
  auto dict = dyn_cast<DictionaryAttr>(attribute);
  if (!dict || dict.size() != 2)
    return failure();
  for (StringRef key : {"l1", "l2"}) {
    auto value = dict.getAs<FloatAttr>(key);
    if (!value || !(value.getValueAsDouble() >= 0.0) ||
        !std::isfinite(value.getValueAsDouble()))
      return failure();
  }
  return success();
}

/// `cnn.layer` must be a #cnn.layer; `cnn.model_name` a string,
/// `cnn.training` a #cnn.training and `cnn.model` a unit attribute, on a
/// module, whose model contract it then is to check.
LogicalResult CnnDialect::verifyOperationAttribute(Operation *op,
                                                   NamedAttribute attribute) {
  StringRef name = attribute.getName().strref();
  if (name == kLayerAttrName) {
    if (!isa<LayerAttr>(attribute.getValue()))
      return op->emitError() << "'" << name << "' must be a #cnn.layer";
    return success();
  }
  if (name == kActivityRegularizerAttrName) {
    if (failed(verifyRegularizer(attribute.getValue())))
      return op->emitError() << "'" << name
                             << "' must be {l1 = <f64>, l2 = <f64>}, each "
                                "finite and at least 0";
    return success();
  }
  if (name == kNestedAttrName) {
    if (!isa<LayerAttr>(attribute.getValue()))
      return op->emitError() << "'" << name << "' must be a #cnn.layer";
    return success();
  }
  if (name == kNestedNodeAttrName) {
    if (!isa<IntegerAttr>(attribute.getValue()))
      return op->emitError() << "'" << name << "' must be an integer";
    return success();
  }
  if (name == kCallAttrName) {
    auto call = dyn_cast<IntegerAttr>(attribute.getValue());
    if (!call || !call.getType().isSignlessInteger() ||
        !call.getValue().isStrictlyPositive())
      return op->emitError() << "'" << name
                             << "' must be a positive integer (a shared "
                                "layer's call after its first)";
    return success();
  }
  // On the linalg convolution of a lowered fused_conv2d with a relu
  // (compiler/Transforms/ConvEpilogue.h: kFusedConvAttr).
  if (name == kFusionRootAttrName || name == "cnn.fused_conv") {
    if (!isa<UnitAttr>(attribute.getValue()))
      return op->emitError() << "'" << name << "' must be a unit attribute";
    return success();
  }
  if (name == kModelNameAttrName || name == kTrainingAttrName ||
      name == kModelAttrName) {
    auto module = dyn_cast<ModuleOp>(op);
    if (!module)
      return op->emitError() << "'" << name << "' belongs on the module";
    if (name == kModelNameAttrName && !isa<StringAttr>(attribute.getValue()))
      return op->emitError() << "'" << name << "' must be a string";
    if (name == kTrainingAttrName && !isa<TrainingAttr>(attribute.getValue()))
      return op->emitError() << "'" << name << "' must be a #cnn.training";
    if (name == kModelAttrName) {
      if (!isa<UnitAttr>(attribute.getValue()))
        return op->emitError() << "'" << name << "' must be a unit attribute";
      return verifyModelContract(module);
    }
    return success();
  }
  // A `cnnc quantize` file's table (compiler/Transforms/QuantizeInt8.h);
  // --cnn-quantize-int8 checks its entries against the layers.
  if (name == "cnn.int8") {
    if (!isa<ModuleOp>(op) || !isa<DictionaryAttr>(attribute.getValue()))
      return op->emitError()
             << "'" << name << "' must be a dictionary on the module";
    return success();
  }
  // compile()'s per-output losses: one dictionary per output, whose
  // fields --cnn-build-train-step reads (and checks against @forward).
  if (name == kOutputLossesAttrName) {
    if (!isa<ModuleOp>(op))
      return op->emitError() << "'" << name << "' belongs on the module";
    auto array = dyn_cast<ArrayAttr>(attribute.getValue());
    if (!array || !llvm::all_of(array, llvm::IsaPred<DictionaryAttr>))
      return op->emitError()
             << "'" << name << "' must be an array of dictionaries";
    return success();
  }
  if (name == kOutputsAttrName) {
    auto array = dyn_cast<ArrayAttr>(attribute.getValue());
    if (!array || !llvm::all_of(array, llvm::IsaPred<StringAttr>))
      return op->emitError() << "'" << name << "' must be an array of strings";
    return success();
  }
  return op->emitError() << "unknown cnn attribute '" << name << "'";
}

/// Parameter arguments name their Keras weight (`conv2d/kernel`) and say how
/// Keras would initialise them.
LogicalResult CnnDialect::verifyRegionArgAttribute(Operation *op,
                                                   unsigned regionIndex,
                                                   unsigned argIndex,
                                                   NamedAttribute attribute) {
  StringRef name = attribute.getName().strref();
  if (name == kParamAttrName) {
    auto value = dyn_cast<StringAttr>(attribute.getValue());
    if (!value || !value.getValue().contains('/'))
      return op->emitError() << "'" << name << "' of argument " << argIndex
                             << " must be a string \"<layer>/<weight>\"";
    return success();
  }
  if (name == kInitializerAttrName) {
    if (!isa<DictionaryAttr>(attribute.getValue()))
      return op->emitError() << "'" << name << "' of argument " << argIndex
                             << " must be a dictionary";
    return success();
  }
  if (name == kRegularizerAttrName) {
    if (failed(verifyRegularizer(attribute.getValue())))
      return op->emitError() << "'" << name << "' of argument " << argIndex
                             << " must be {l1 = <f64>, l2 = <f64>}, each "
                                "finite and at least 0";
    return success();
  }
  if (name == kTrainableAttrName) {
    if (!isa<BoolAttr>(attribute.getValue()))
      return op->emitError() << "'" << name << "' of argument " << argIndex
                             << " must be a boolean";
    return success();
  }
  if (name == kInputAttrName) {
    if (!isa<StringAttr>(attribute.getValue()))
      return op->emitError() << "'" << name << "' of argument " << argIndex
                             << " must be a string (the input's name)";
    return success();
  }
  return op->emitError() << "unknown cnn argument attribute '" << name << "'";
}

/// `cnn.next_value` marks a result of @train_gradients that is a parameter's
/// next value rather than its gradient.
LogicalResult
CnnDialect::verifyRegionResultAttribute(Operation *op, unsigned regionIndex,
                                        unsigned resultIndex,
                                        NamedAttribute attribute) {
  StringRef name = attribute.getName().strref();
  if (name == kNextValueAttrName) {
    if (!isa<UnitAttr>(attribute.getValue()))
      return op->emitError() << "'" << name << "' of result " << resultIndex
                             << " must be a unit attribute";
    return success();
  }
  return op->emitError() << "unknown cnn result attribute '" << name << "'";
}
