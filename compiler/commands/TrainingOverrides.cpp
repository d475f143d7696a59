//===- TrainingOverrides.cpp - compile() settings from the command line ---===//

#include "compiler/commands/TrainingOverrides.h"
#include "compiler/support/Diagnostics.h"
#include "dialects/cnn/CnnDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace cnnc;

LogicalResult cnnc::applyTrainingOverrides(ModuleOp module,
                                          const TrainingOverrides &overrides) {
  Builder b(module.getContext());
  auto training = module->getAttrOfType<DictionaryAttr>(
      cnn::CnnDialect::kTrainingAttrName);
  NamedAttrList fields(training ? training.getValue() : ArrayRef<NamedAttribute>{});
  if (overrides.loss) {
    const std::string &loss = *overrides.loss;
    std::string name = llvm::StringSwitch<std::string>(loss)
                           .Case("mean_squared_error", "mse")
                           .Default(loss);
    if (name != "sparse_categorical_crossentropy" &&
        name != "categorical_crossentropy" && name != "mse") {
      reportError("--loss: unsupported loss '" + loss +
                  "' (sparse_categorical_crossentropy, "
                  "categorical_crossentropy or mse)");
      return failure();
    }
    fields.set("loss", b.getStringAttr(name));
    fields.erase("from_logits");
  }
  if (overrides.optimizer || overrides.learningRate) {
    auto current = dyn_cast_or_null<DictionaryAttr>(fields.get("optimizer"));
    NamedAttrList settings(current ? current.getValue() : ArrayRef<NamedAttribute>{});
    if (overrides.optimizer) {
      std::string name = llvm::StringRef(*overrides.optimizer).lower();
      if (name != "adam" && name != "sgd" && name != "rmsprop") {
        reportError("--optimizer: unsupported optimizer '" +
                    *overrides.optimizer + "' (adam, sgd or rmsprop)");
        return failure();
      }
      auto currentName = dyn_cast_or_null<StringAttr>(settings.get("name"));
      // compile()'s settings belong to compile()'s optimizer.
      if (!currentName || currentName.getValue() != name)
        settings = NamedAttrList();
      settings.set("name", b.getStringAttr(name));
    }
    if (overrides.learningRate) {
      if (!(*overrides.learningRate >= 0.0)) {
        reportError("--lr must be a non-negative number");
        return failure();
      }
      settings.set("learning_rate", b.getF64FloatAttr(*overrides.learningRate));
    }
    fields.set("optimizer", settings.getDictionary(module.getContext()));
  }
  module->setAttr(cnn::CnnDialect::kTrainingAttrName,
                  fields.getDictionary(module.getContext()));
  return success();
}
