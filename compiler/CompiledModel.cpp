//===- CompiledModel.cpp - A model, JIT-compiled --------------------------===//

#include "compiler/CompiledModel.h"
#include "compiler/Optimize.h"
#include "compiler/Diagnostics.h"
#include "dialects/cnn/ModelContract.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/TargetSelect.h"

#include <thread>

using namespace mlir;
using namespace cnnc;

CompiledModel::~CompiledModel() = default;

static std::vector<int64_t> withoutBatch(Type type) {
  auto shape = cast<ShapedType>(type).getShape();
  return std::vector<int64_t>(shape.begin() + 1, shape.end());
}

static int64_t product(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

llvm::Expected<std::unique_ptr<CompiledModel>>
CompiledModel::compile(ModuleOp module, const PipelineOptions &options) {
  // The model's contract, which the verifier checked when the module was
  // marked (loadModel, buildCnnModule), is what makes the shapes below, and
  // the code's bounds, trustworthy.
  if (!cnn::isModel(module))
    return llvm::createStringError(
        "the module is not a cnn model (it is not marked 'cnn.model')");
  auto forward = module.lookupSymbol<func::FuncOp>("forward");

  std::unique_ptr<CompiledModel> model(new CompiledModel());
  FunctionType type = forward.getFunctionType();
  model->inputDims = withoutBatch(type.getInput(0));
  model->outputDims = withoutBatch(type.getResult(0));
  model->inputElements = product(model->inputDims);
  model->outputElements = product(model->outputDims);
  // Intermediate tensors are allocated per call, batch-sized: bound a call's
  // batch so that they fit in about 1 GiB whatever the batch asked for.
  int64_t activationBytes = 4 * model->inputElements;
  forward.walk([&](Operation *op) {
    for (Type result : op->getResultTypes())
      if (auto tensor = dyn_cast<RankedTensorType>(result))
        activationBytes += 4 * product(withoutBatch(tensor));
  });
  constexpr int64_t kCallBudgetBytes = int64_t(1) << 30;
  model->maxImagesPerCall =
      std::clamp<int64_t>(kCallBudgetBytes / std::max<int64_t>(activationBytes, 1),
                          1, 256);
  for (Type param : type.getInputs().drop_front()) {
    auto shape = cast<ShapedType>(param).getShape();
    model->params.emplace_back(shape.begin(), shape.end());
  }

  if (failed(lowerToStage(module, Stage::LLVM, options)))
    return alreadyReported();

  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  // Optimise for this CPU (AVX-512 where it has it), as the JIT runs here.
  auto machineBuilder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!machineBuilder)
    return machineBuilder.takeError();
  auto targetMachine = machineBuilder->createTargetMachine();
  if (!targetMachine)
    return targetMachine.takeError();

  ExecutionEngineOptions engineOptions;
  // `transformer` is a function_ref: the function must outlive create().
  // -O2 as `cnnc -o` (see its -O): -O3 doubles the compile time for nothing.
  std::function<llvm::Error(llvm::Module *)> optimize =
      makeModuleOptimizer(2, targetMachine->get());
  engineOptions.transformer = optimize;
  engineOptions.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Default;
  auto engine = ExecutionEngine::create(module, engineOptions);
  if (!engine)
    return engine.takeError();
  model->engine = std::move(*engine);
  auto symbol = [&](StringRef name) -> llvm::Expected<void *> {
    return model->engine->lookup(name);
  };
  ModelKernels &kernels = model->entries;
  auto forwardEntry = symbol("cnnc_forward");
  auto infoText = symbol("cnnc_model_info");
  if (!forwardEntry)
    return forwardEntry.takeError();
  if (!infoText)
    return infoText.takeError();
  kernels.forward = reinterpret_cast<ForwardFn>(*forwardEntry);
  std::string error;
  if (!parseModelInfo(static_cast<const char *>(*infoText), kernels.info, error))
    return llvm::createStringError(error);
  if (options.train) {
    auto gradients = symbol("cnnc_train_gradients");
    auto evaluate = symbol("cnnc_evaluate");
    auto apply = symbol("cnnc_apply_gradients");
    if (!gradients)
      return gradients.takeError();
    if (!evaluate)
      return evaluate.takeError();
    if (!apply)
      return apply.takeError();
    kernels.trainGradients = reinterpret_cast<TrainGradientsFn>(*gradients);
    kernels.evaluate = reinterpret_cast<EvaluateFn>(*evaluate);
    kernels.applyGradients = reinterpret_cast<ApplyGradientsFn>(*apply);
  }
  return model;
}

void CompiledModel::forward(const float *input, int64_t batch,
                            const float *const *params, float *output,
                            unsigned threads) const {
  if (batch <= 0)
    return;
  // Runs images [start, start + count) in calls of at most maxImagesPerCall.
  auto run = [&](int64_t start, int64_t count) {
    for (int64_t done = 0; done < count; done += maxImagesPerCall) {
      int64_t images = std::min(maxImagesPerCall, count - done);
      entries.forward(input + (start + done) * inputElements, images, params,
            output + (start + done) * outputElements);
    }
  };
  if (threads == 0)
    threads = std::max(1u, std::thread::hardware_concurrency());
  int64_t workers = std::min<int64_t>(threads, batch);
  if (workers == 1) {
    run(0, batch);
    return;
  }
  // Images are independent: each thread runs a contiguous slice.
  std::vector<std::thread> pool;
  int64_t chunk = (batch + workers - 1) / workers;
  for (int64_t start = 0; start < batch; start += chunk)
    pool.emplace_back(run, start, std::min(chunk, batch - start));
  for (std::thread &t : pool)
    t.join();
}
