//===- Predict.cpp - cnnc predict: the forward pass on a .npy -------------===//

#include "compiler/tools/cnnc/Commands.h"
#include "compiler/tools/cnnc/Weights.h"

#include "compiler/CompiledModel.h"
#include "compiler/Diagnostics.h"
#include "compiler/ModelDescription.h"
#include "frontends/LoadModel.h"
#include "runtime/npy/Npy.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using namespace cnnc;
namespace cl = llvm::cl;

static cl::opt<std::string> modelPath(cl::Positional, cl::desc("MODEL"),
                                      cl::Required, cl::sub(predictCommand));
static cl::opt<std::string> inputPath("input", cl::desc("Input images (.npy, float32 NHWC)"),
                                      cl::value_desc("X.npy"), cl::Required,
                                      cl::sub(predictCommand));
static cl::opt<std::string> outputPath("o", cl::desc("Output (.npy)"),
                                       cl::value_desc("Y.npy"), cl::Required,
                                       cl::sub(predictCommand));
static cl::opt<std::string> weightsPath(
    "weights",
    cl::desc("Weights: a cnnc checkpoint, a Keras .h5 or a TF.js model.json "
             "(default: MODEL's own, else its initializers)"),
    cl::value_desc("FILE"), cl::sub(predictCommand));
static cl::opt<uint64_t> seed("seed", cl::desc("Seed of the initializers"),
                              cl::init(0), cl::sub(predictCommand));
static cl::opt<unsigned> threads("threads",
                                 cl::desc("Threads (default: all cores)"),
                                 cl::init(0), cl::sub(predictCommand));

int cnnc::predictMain(MLIRContext &context) {
  OwningOpRef<ModuleOp> module = loadModel(modelPath, context);
  if (!module)
    return 1;
  // The model is checked (loadModel); the input against it, before
  // compiling anything.
  auto forward = module->lookupSymbol<func::FuncOp>("forward");

  NpyArray input;
  std::string error;
  if (!readNpy(inputPath, input, error)) {
    reportError(error);
    return 1;
  }
  auto expected = cast<ShapedType>(forward.getArgument(0).getType()).getShape();
  std::vector<int64_t> expectedShape(expected.begin(), expected.end());
  bool matches = input.shape.size() == expectedShape.size();
  for (size_t i = 1; matches && i < expectedShape.size(); ++i)
    matches = input.shape[i] == expectedShape[i];
  if (!matches) {
    expectedShape[0] = -1;
    reportError("'" + inputPath + "' has shape " + formatNpyShape(input.shape) +
                "; the model expects (batch" +
                formatNpyShape(std::vector<int64_t>(expectedShape.begin() + 1,
                                                    expectedShape.end()))
                    .substr(1)
                    .insert(0, expectedShape.size() > 1 ? ", " : "") +
                ", float32 NHWC");
    return 1;
  }

  // The weights, checked against the model before anything is compiled.
  ModelInfo info = describeModel(*module);
  auto params = weightsOrInitializers(info, modelPath, weightsPath, seed);
  if (!params) {
    reportModelError(params.takeError(), context);
    return 1;
  }

  auto compiled = CompiledModel::compile(*module, pipelineOptionsFromFlags());
  if (!compiled) {
    report(compiled.takeError());
    return 1;
  }
  int64_t batch = input.shape.empty() ? 0 : input.shape[0];
  NpyArray output;
  output.shape.push_back(batch);
  for (int64_t d : (*compiled)->outputShape())
    output.shape.push_back(d);
  output.data.assign(size_t(batch * (*compiled)->outputElementsPerImage()), 0.0f);
  // Each parameter's buffer is its stretch of the flat vector.
  std::vector<const float *> paramPointers;
  const float *p = params->data();
  for (const ParamInfo &param : info.params) {
    paramPointers.push_back(p);
    p += param.elements();
  }
  (*compiled)->forward(input.data.data(), batch, paramPointers.data(),
                       output.data.data(), threads);
  if (!writeNpy(outputPath, output, error)) {
    reportError(error);
    return 1;
  }
  return 0;
}
