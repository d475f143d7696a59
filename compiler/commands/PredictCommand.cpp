//===- PredictCommand.cpp - cnnc predict: the forward pass on a .npy ------===//

#include "compiler/commands/PredictCommand.h"
#include "compiler/backend/CompiledModel.h"
#include "compiler/reports/ModelDescription.h"
#include "compiler/support/Diagnostics.h"
#include "frontends/LoadModel.h"
#include "frontends/weights/ModelWeights.h"
#include "runtime/infer/ForwardRunner.h"
#include "runtime/npy/Npy.h"
#include "runtime/support/AtomicFile.h"

using namespace mlir;
using namespace cnnc;

/// Checks the input's shape against the model's: (batch, *inputShape).
static bool checkInputShape(const PredictRequest &request,
                            const NpyArray &input, const ModelInfo &info) {
  const std::vector<int64_t> &expected = info.inputShape;
  bool matches =
      input.shape.size() == expected.size() + 1 &&
      std::equal(expected.begin(), expected.end(), input.shape.begin() + 1);
  if (matches)
    return true;
  std::string wanted = "(batch";
  for (int64_t d : expected)
    wanted += ", " + std::to_string(d);
  reportError("'" + request.inputPath + "' has shape " +
              formatNpyShape(input.shape) + "; the model expects " + wanted +
              "), float32 NHWC");
  return false;
}

int cnnc::runPredict(const PredictRequest &request, MLIRContext &context) {
  // The output may not be what is read; then the model (loadModel checks
  // its contract), the input and the weights against it, before compiling
  // anything.
  std::string error;
  if (!checkNotAnInput("-o", request.outputPath,
                       {{"the model file", request.modelPath},
                        {"the --input file", request.inputPath},
                        {"the --weights file", request.weightsPath}},
                       error)) {
    reportError(error);
    return 1;
  }
  OwningOpRef<ModuleOp> module = loadModel(request.modelPath, context);
  if (!module)
    return 1;
  ModelInfo info = describeModel(*module);
  NpyArray input;
  if (!readNpy(request.inputPath, input, error)) {
    reportError(error);
    return 1;
  }
  if (!checkInputShape(request, input, info))
    return 1;
  auto params = weightsOrInitializers(info, request.modelPath,
                                      request.weightsPath, request.seed);
  if (!params) {
    reportModelError(params.takeError(), context);
    return 1;
  }

  auto compiled = CompiledModel::compile(*module, request.pipeline);
  if (!compiled) {
    report(compiled.takeError());
    return 1;
  }
  int64_t batch = input.shape[0];
  NpyArray output;
  output.shape.push_back(batch);
  output.shape.insert(output.shape.end(), info.outputShape.begin(),
                      info.outputShape.end());
  output.data.assign(size_t(batch * info.outputElements()), 0.0f);
  WorkerPool pool(request.threads);
  runForward((*compiled)->kernels(), pool, input.data.data(), batch,
             paramPointers(info, params->data()).data(), output.data.data());
  if (!writeNpy(request.outputPath, output, error)) {
    reportError(error);
    return 1;
  }
  return 0;
}
