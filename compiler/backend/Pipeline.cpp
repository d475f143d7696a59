//===- Pipeline.cpp - cnn IR to LLVM, stage by stage ----------------------===//
//
// The one place that orders the passes. cnnc's own passes are created
// directly; upstream ones are named as in mlir-opt, so that each stage can
// be reproduced with `cnnc-opt` and read in `--mlir-print-ir-after-all`.
//
//===----------------------------------------------------------------------===//

#include "compiler/backend/Pipeline.h"
#include "compiler/Passes.h"
#include "dialects/cnn/BufferizableOpInterfaceImpl.h"

#include "mlir/Dialect/Bufferization/Transforms/OneShotAnalysis.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/Transforms/Passes.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Transforms/LocationSnapshot.h"
#include "mlir/Transforms/Passes.h"

#include <mutex>

using namespace mlir;
using namespace cnnc;

void cnnc::registerPipelineDialects(DialectRegistry &registry) {
  // The lowering passes through most upstream dialects, and bufferization
  // needs their external interface models; registering all keeps that
  // in step with MLIR.
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registry.insert<cnn::CnnDialect>();
  cnn::registerBufferizableOpInterfaceExternalModels(registry);
}

/// Upstream passes are parsed from their mlir-opt names, so they must be
/// registered once per process.
static void registerPipelinePasses() {
  static std::once_flag once;
  std::call_once(once, [] {
    registerAllPasses();
    cnnc::registerCnncPasses();
  });
}

/// Appends upstream passes given as an mlir-opt pipeline string. The
/// strings are this file's constants: one that does not parse is a bug.
static void addPasses(OpPassManager &pm, StringRef pipeline) {
  std::string errors;
  llvm::raw_string_ostream os(errors);
  if (failed(parsePassPipeline(pipeline, pm, os)))
    llvm::report_fatal_error("internal pipeline '" + pipeline +
                             "' does not parse: " + errors);
}

/// One-shot bufferization with identity-layout memrefs at @forward's
/// boundary (strided layouts would turn every vector access scalar), and
/// copies as linalg.copy: memref.copy of a strided view becomes a call into
/// MLIR's runtime library, which neither the JIT nor an object links.
static std::unique_ptr<Pass> createBufferizePass() {
  bufferization::OneShotBufferizationOptions options;
  options.bufferizeFunctionBoundaries = true;
  options.setFunctionBoundaryTypeConversion(
      bufferization::LayoutMapOption::IdentityLayoutMap);
  options.memCpyFn = [](OpBuilder &b, Location loc, Value from,
                        Value to) -> LogicalResult {
    b.create<linalg::CopyOp>(loc, from, to);
    return success();
  };
  return bufferization::createOneShotBufferizePass(options);
}

/// MLIR's canonicalization without FoldInsertPadIntoFill, which in MLIR 19
/// folds insert_slice(pad(x), fill) into an insert of x at offset `low`
/// even when the insert is strided, where x's first cell belongs at
/// `low * stride`: a ZeroPadding2D before a strided Conv2DTranspose (or a
/// Cropping2D after a strided convolution, in training) then shifted the
/// result (test/Conversion/strided-insert-of-pad.mlir). Only the one run on
/// tensors needs it: the other runs see buffers.
static std::unique_ptr<Pass> createTensorCanonicalizerPass() {
  return createCanonicalizerPass(
      GreedyRewriteConfig(),
      /*disabledPatterns=*/{"(anonymous namespace)::FoldInsertPadIntoFill"});
}

/// After bufferization: the caller's output is written in place, and
/// every function's allocations move to its start.
static constexpr llvm::StringLiteral kAfterBufferize =
    "drop-equivalent-buffer-results,"
    // A fused tile's temporary has a static size: allocate it once, outside
    // the tile loops, not once per tile.
    "func.func(buffer-hoisting,buffer-loop-hoisting),"
    // Folds what the memory plan reads: buffers passed through loops'
    // iter_args, sizes read from them.
    "canonicalize";

/// After the memory plan: what is left to free is freed.
static constexpr llvm::StringLiteral kDeallocate =
    "buffer-deallocation-pipeline,"
    "canonicalize,cse";

// From here on, whatever can run function by function does (nested in
// func.func, then llvm.func): with a function per loop nest
// (--cnn-outline-loop-nests), MLIR's pass manager then runs them on all
// cores, and no pass's work depends on the rest of the module.
static constexpr llvm::StringLiteral kToLoops =
    "func.func(convert-linalg-to-loops,"
    // Unrolled: the alternative stages n-D transfers through allocas inside
    // the loops, which grow the stack until it overflows.
    "convert-vector-to-scf{full-unroll=true},"
    "lower-affine,"
    "canonicalize,cse)";

static constexpr llvm::StringLiteral kToLLVM =
    // LLVM's intrinsics first: a vector square root is one instruction,
    // where libm's conversion would unroll it into a call per lane. What
    // has no intrinsic (tanh, erf) goes to libm.
    "func.func(convert-math-to-llvm),"
    // Module passes: they declare the functions they call.
    "convert-math-to-libm,"
    "func.func(convert-scf-to-cf,"
    "convert-vector-to-llvm,"
    "expand-strided-metadata,"
    "lower-affine),"
    "finalize-memref-to-llvm,"
    "func.func(convert-arith-to-llvm,"
    "convert-index-to-llvm),"
    "convert-cf-to-llvm,"
    "convert-func-to-llvm,"
    "llvm.func(reconcile-unrealized-casts,"
    "canonicalize,cse)";

void cnnc::buildPipeline(OpPassManager &pm, Stage stage,
                         const PipelineOptions &options) {
  registerPipelinePasses();
  if (stage >= Stage::Fused)
    pm.addPass(createCheckModelSize());
  if (stage >= Stage::Fused) {
    // On @forward, before the training step is derived from it.
    pm.addNestedPass<func::FuncOp>(createCropUnpooledBorder());
    // After the crop, which then still sees conv -> relu -> pooling.
    if (options.precision == Precision::Int8)
      pm.addPass(createQuantizeInt8());
    if (options.train) {
      pm.addPass(createBuildTrainStep());
      pm.addPass(createForwardFirstOutput());
    }
    pm.addPass(createEmitModelInfo());
    // Before fusion, so that conv -> BN -> relu -> pooling fuses.
    pm.addNestedPass<func::FuncOp>(createFoldBatchNorm());
    if (options.fuse)
      pm.addNestedPass<func::FuncOp>(createFuseConvReluPool());
  }
  if (stage >= Stage::Tiled) {
    pm.addPass(createConvertCnnToLinalg());
    if (options.precision == Precision::BF16)
      pm.addNestedPass<func::FuncOp>(createBf16Contractions());
    // An inference BN after a fused conv's relu joins its tile loop.
    if (options.tile && options.fuse)
      pm.addNestedPass<func::FuncOp>(createFuseEpilogue());
    if (options.tile)
      pm.addNestedPass<func::FuncOp>(createTileAndFuse());
    pm.addPass(createTensorCanonicalizerPass());
    pm.addPass(createCSEPass());
    if (!options.lineTablesFile.empty())
      pm.addPass(createLocationSnapshotPass(OpPrintingFlags(),
                                            options.lineTablesFile));
  }
  if (stage >= Stage::Loops) {
    // A same-padded convolution's input is written into the interior of
    // its padded buffer by the layer before, and only the border is filled.
    pm.addNestedPass<func::FuncOp>(createPadInPlace());
    pm.addPass(createMaterializeOutput());
    // Lets the last op compute straight into the caller's output buffer
    // instead of into a temporary that is then copied there (the training
    // step's gradients: a copy of every parameter's worth per call).
    // MaterializeOutput has given each result its own tensor.empty, without
    // which MLIR 19's elimination could give two results one buffer.
    addPasses(pm, "eliminate-empty-tensors");
    pm.addPass(createBufferizePass());
    addPasses(pm, kAfterBufferize);
    // Where the last layers' gradients are final, a call that lets an MPI
    // rank start summing them while the backward pass goes on (on the
    // writes as bufferization left them, before the memory plan and the
    // outlining hide them behind views and calls).
    if (options.train)
      pm.addPass(createGradientReadyHook());
    pm.addPass(createEmitCInterface());
    // Each function's buffers become views of one workspace (one block of
    // steps by now, so liveness is in program order); cnnc_forward_ws
    // takes @forward's from the caller. Before deallocation, which then
    // frees one workspace per function rather than every buffer (its
    // simplification is quadratic in the buffers of a block).
    PlanMemoryOptions plan;
    plan.freeWorkspaces = false;
    pm.addPass(createPlanMemory(plan));
    addPasses(pm, kDeallocate);
    // From here on no function holds more than one layer step's loops:
    // every pass after this costs the same per layer at any depth.
    pm.addPass(createOutlineLoopNests());
    pm.addPass(createEmitWorkspaceInterface());
    if (options.tile) {
      pm.addNestedPass<func::FuncOp>(createVectorize());
      if (options.precision == Precision::BF16)
        pm.addNestedPass<func::FuncOp>(createLowerBf16Dot());
      pm.addNestedPass<func::FuncOp>(createLowerVectors());
    }
    addPasses(pm, kToLoops);
  }
  if (stage >= Stage::LLVM) {
    // The runtime's hook for the sums across a batch's chunks.
    pm.addPass(createLowerChunkSums());
    addPasses(pm, kToLLVM);
  }
  if (stage >= Stage::LLVM && !options.lineTablesFile.empty())
    pm.addPass(LLVM::createDIScopeForLLVMFuncOpPass());
}

LogicalResult cnnc::lowerToStage(ModuleOp module, Stage stage,
                                 const PipelineOptions &options) {
  PassManager pm(module.getContext());
  // --mlir-print-ir-after-all and friends, when the tool registered them
  // (it fails, harmlessly, when it did not, as in the unit tests).
  (void)applyPassManagerCLOptions(pm);
  buildPipeline(pm, stage, options);
  return pm.run(module);
}

namespace {
/// `cnnc-opt --cnn-pipeline="stage=loops train=true"`: the passes `cnnc
/// --emit=STAGE` runs, for reproducing any of its steps with cnnc-opt.
struct PipelineFlags : PassPipelineOptions<PipelineFlags> {
  Option<Stage> stage{
      *this, "stage", llvm::cl::desc("The last stage"),
      llvm::cl::init(Stage::LLVM),
      llvm::cl::values(clEnumValN(Stage::Fused, "fused", "fused"),
                       clEnumValN(Stage::Tiled, "tiled", "tiled"),
                       clEnumValN(Stage::Loops, "loops", "loops"),
                       clEnumValN(Stage::LLVM, "llvm", "the LLVM dialect"))};
  Option<bool> train{*this, "train",
                     llvm::cl::desc("Derive the training step too"),
                     llvm::cl::init(false)};
  Option<bool> fuse{*this, "fuse", llvm::cl::desc("Fuse conv+relu+pool"),
                    llvm::cl::init(true)};
  Option<bool> tile{*this, "tile", llvm::cl::desc("Tile loop nests"),
                    llvm::cl::init(true)};
  Option<Precision> precision{
      *this, "precision",
      llvm::cl::desc("What the Dense layers multiply in (--precision)"),
      llvm::cl::init(Precision::FP32),
      llvm::cl::values(clEnumValN(Precision::FP32, "fp32", "fp32"),
                       clEnumValN(Precision::BF16, "bf16", "bf16"),
                       clEnumValN(Precision::Int8, "int8", "int8"))};
};
} // namespace

void cnnc::registerPipeline() {
  PassPipelineRegistration<PipelineFlags>(
      "cnn-pipeline", "cnnc's pipeline from `cnn` IR up to a stage",
      [](OpPassManager &pm, const PipelineFlags &flags) {
        PipelineOptions options;
        options.train = flags.train;
        options.fuse = flags.fuse;
        options.tile = flags.tile;
        options.precision = flags.precision;
        buildPipeline(pm, flags.stage, options);
      });
}
