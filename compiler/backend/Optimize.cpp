//===- Optimize.cpp - LLVM's optimizations, as cnnc's code needs them -----===//

#include "compiler/backend/Optimize.h"

#include "llvm/Analysis/CGSCCPassManager.h"
#include "llvm/Analysis/LoopAnalysisManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/PassManager.h"
#include "llvm/Passes/OptimizationLevel.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Passes/StandardInstrumentations.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Transforms/IPO/DeadArgumentElimination.h"

std::function<llvm::Error(llvm::Module *)>
cnnc::makeModuleOptimizer(unsigned optLevel,
                          llvm::TargetMachine *targetMachine) {
  return [optLevel, targetMachine](llvm::Module *module) -> llvm::Error {
    llvm::LoopAnalysisManager loops;
    llvm::FunctionAnalysisManager functions;
    llvm::CGSCCAnalysisManager sccs;
    llvm::ModuleAnalysisManager modules;
    llvm::PipelineTuningOptions tuning;
    tuning.LoopUnrolling = false;
    // LLVM's own instrumentation, so that its -time-passes and
    // -print-after-all flags (cnnc parses LLVM's options) cover this
    // pipeline too.
    llvm::PassInstrumentationCallbacks callbacks;
    llvm::StandardInstrumentations instrumentations(module->getContext(),
                                                    /*DebugLogging=*/false);
    instrumentations.registerCallbacks(callbacks, &modules);
    llvm::PassBuilder builder(targetMachine, tuning, std::nullopt, &callbacks);
    builder.registerModuleAnalyses(modules);
    builder.registerCGSCCAnalyses(sccs);
    builder.registerFunctionAnalyses(functions);
    builder.registerLoopAnalyses(loops);
    builder.crossRegisterProxies(loops, functions, sccs, modules);
    llvm::OptimizationLevel level =
        optLevel == 0   ? llvm::OptimizationLevel::O0
        : optLevel == 1 ? llvm::OptimizationLevel::O1
        : optLevel == 2 ? llvm::OptimizationLevel::O2
                        : llvm::OptimizationLevel::O3;
    llvm::ModulePassManager passes;
    if (optLevel == 0) {
      passes = builder.buildO0DefaultPipeline(level);
    } else {
      // -O3 without its interprocedural simplification. cnnc's module is a
      // few top-level functions that call the same outlined loop nests
      // from a call site per layer (--cnn-outline-loop-nests); IPSCCP and
      // CalledValuePropagation solve over every call site's arguments and
      // grew quadratically with depth (10 of 12.7 s at 400 layers), while
      // they find nothing to propagate: shapes are constants in the nests
      // already, and the batch differs per call. Inlining has nothing to
      // do either (the nests are noinline). Every pass here runs on one
      // function at a time, so the cost is linear in the module.
      passes.addPass(llvm::createModuleToFunctionPassAdaptor(
          builder.buildFunctionSimplificationPipeline(
              level, llvm::ThinOrFullLTOPhase::None)));
      // Memref descriptors' unused fields out of the internal signatures.
      passes.addPass(llvm::DeadArgumentEliminationPass());
      passes.addPass(builder.buildModuleOptimizationPipeline(
          level, llvm::ThinOrFullLTOPhase::None));
    }
    passes.run(*module, modules);
    return llvm::Error::success();
  };
}
