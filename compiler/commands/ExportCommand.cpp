//===- ExportCommand.cpp - cnnc export: a model TF.js or Keras loads ------===//

#include "compiler/commands/ExportCommand.h"
#include "compiler/reports/ModelDescription.h"
#include "compiler/support/Diagnostics.h"
#include "frontends/LoadModel.h"
#include "frontends/common/ModelToCnn.h"
#include "frontends/weights/ModelWeights.h"
#include "runtime/support/AtomicFile.h"

using namespace mlir;
using namespace cnnc;

int cnnc::runExport(const ExportRequest &request, MLIRContext &context) {
  std::string error;
  for (const std::string &file :
       exportedFiles(request.format, request.outputPath))
    if (!checkNotAnInput("-o", file,
                         {{"the model file", request.modelPath},
                          {"the --weights file", request.weightsPath}},
                         error)) {
      reportError(error);
      return 1;
    }
  llvm::Expected<ModelSpec> model =
      readExportableModel(request.modelPath, request.format);
  if (!model) {
    reportModelError(model.takeError(), context);
    return 1;
  }
  // The IR only describes the parameters the weights must fit.
  OwningOpRef<ModuleOp> module = buildCnnModule(*model, context);
  if (!module)
    return 1;
  ModelInfo info = describeModel(*module);
  auto params = weightsOrInitializers(info, request.modelPath,
                                      request.weightsPath, request.seed);
  if (!params) {
    reportModelError(params.takeError(), context);
    return 1;
  }
  if (llvm::Error err = exportModel(*model, info, *params, request.format,
                                    request.outputPath)) {
    reportModelError(std::move(err), context);
    return 1;
  }
  return 0;
}
