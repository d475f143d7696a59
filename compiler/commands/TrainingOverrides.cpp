//===- TrainingOverrides.cpp - compile() settings from flags --------------===//

#include "compiler/commands/TrainingOverrides.h"
#include "compiler/support/Diagnostics.h"

using namespace mlir;
using namespace cnnc;

LogicalResult cnnc::applyTrainingOverrides(ModuleOp module,
                                           const TrainingOverrides &overrides) {
  llvm::Expected<cnn::TrainingAttr> training =
      cnn::withOverrides(cnn::getTraining(module), overrides);
  if (!training) {
    reportError(llvm::toString(training.takeError()));
    return failure();
  }
  module->setAttr(cnn::CnnDialect::kTrainingAttrName, *training);
  return success();
}
