//===- CompiledModel.cpp - A model, JIT-compiled --------------------------===//

#include "compiler/backend/CompiledModel.h"
#include "compiler/backend/Optimize.h"
#include "compiler/backend/TargetFeatures.h"
#include "compiler/support/Diagnostics.h"
#include "dialects/cnn/ModelContract.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/TargetSelect.h"

using namespace mlir;
using namespace cnnc;

CompiledModel::~CompiledModel() = default;

llvm::Expected<std::unique_ptr<CompiledModel>>
CompiledModel::compile(ModuleOp module, const PipelineOptions &options) {
  // The model's contract, which the verifier checked when the module was
  // marked (loadModel, buildCnnModule), is what makes the shapes below, and
  // the code's bounds, trustworthy.
  if (!cnn::isModel(module))
    return llvm::createStringError(
        "the module is not a cnn model (it is not marked 'cnn.model')");

  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  // Optimise for this CPU (AVX-512 where it has it), as the JIT runs here;
  // a precision it cannot run is refused before anything is compiled.
  auto machineBuilder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!machineBuilder)
    return machineBuilder.takeError();
  auto targetMachine = machineBuilder->createTargetMachine();
  if (!targetMachine)
    return targetMachine.takeError();
  if (llvm::Error error = checkPrecisionSupported(
          **targetMachine, options.precision, "this CPU"))
    return std::move(error);

  std::unique_ptr<CompiledModel> model(new CompiledModel());
  if (failed(lowerToStage(module, Stage::LLVM, options)))
    return alreadyReported();

  ExecutionEngineOptions engineOptions;
  // `transformer` is a function_ref: the function must outlive create().
  // -O2 as `cnnc -o` (see its -O): -O3 doubles the compile time for nothing.
  std::function<llvm::Error(llvm::Module *)> optimize =
      makeModuleOptimizer(2, targetMachine->get());
  engineOptions.transformer = optimize;
  engineOptions.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Default;
  // MLIR's default writes a jitdump directory per run into ~/.debug/jit
  // (and warns where it cannot): only when asked for.
  engineOptions.enablePerfNotificationListener = options.perfMap;
  auto engine = ExecutionEngine::create(module, engineOptions);
  if (!engine)
    return engine.takeError();
  model->engine = std::move(*engine);
  auto symbol = [&](StringRef name) -> llvm::Expected<void *> {
    return model->engine->lookup(name);
  };
  ModelKernels &kernels = model->entries;
  auto infoText = symbol("cnnc_model_info");
  if (!infoText)
    return infoText.takeError();
  std::string error;
  if (!parseModelInfo(static_cast<const char *>(*infoText), kernels.info,
                      error))
    return llvm::createStringError(error);
  // Several inputs: cnnc_forward's arity is the model's, so the runtime
  // calls the form that takes them as an array.
  bool severalInputs = kernels.info.inputShapes.size() > 1;
  auto forwardEntry =
      symbol(severalInputs ? "cnnc_forward_inputs" : "cnnc_forward");
  if (!forwardEntry)
    return forwardEntry.takeError();
  if (severalInputs)
    kernels.forwardInputs = reinterpret_cast<ForwardInputsFn>(*forwardEntry);
  else
    kernels.forward = reinterpret_cast<ForwardFn>(*forwardEntry);
  // The allocation-free form, where the code has one: the runner keeps a
  // workspace per thread across calls instead of cnnc_forward's allocation
  // per call, which at batch 256 is mapped and faulted in every time.
  if (!severalInputs) {
    auto withWorkspace = symbol("cnnc_forward_ws");
    auto bytes = symbol("cnnc_workspace_bytes");
    if (withWorkspace && bytes) {
      kernels.forwardWorkspace =
          reinterpret_cast<ForwardWorkspaceFn>(*withWorkspace);
      kernels.workspaceBytes = reinterpret_cast<WorkspaceBytesFn>(*bytes);
    } else {
      llvm::consumeError(withWorkspace.takeError());
      llvm::consumeError(bytes.takeError());
    }
  }
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
    // Only where the step has a point to report (GradientReadyHook.cpp).
    if (auto hook = symbol("cnnc_gradient_ready_hook"))
      kernels.gradientReadyHook = reinterpret_cast<GradientReadyFn *>(*hook);
    else
      llvm::consumeError(hook.takeError());
    // Only where the step has sums across chunks (LowerChunkSums.cpp).
    if (auto hook = symbol("cnnc_sum_across_chunks_hook"))
      kernels.sumAcrossChunksHook =
          reinterpret_cast<SumAcrossChunksFn *>(*hook);
    else
      llvm::consumeError(hook.takeError());
  }
  return model;
}
