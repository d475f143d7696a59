//===- Pipeline.h - cnn IR to LLVM, stage by stage --------------*- C++ -*-===//

#ifndef CNNC_COMPILER_BACKEND_PIPELINE_H
#define CNNC_COMPILER_BACKEND_PIPELINE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"

#include <string>

namespace cnnc {

/// The stages `cnnc --emit=` shows, in pipeline order.
enum class Stage {
  Cnn,   // the frontend's IR
  Fused, // after --cnn-fuse-conv-relu-pool
  Tiled, // linalg on tensors, tiled for the caches and fused
  Loops, // bufferized, register-tiled and vectorized: scf / vector / memref
  LLVM,  // the LLVM dialect, with the C entry point
};

/// The arithmetic convolutions and dense layers multiply in
/// (`--precision`). bf16 rounds the operands of the Dense layers'
/// contractions to bf16 and accumulates in f32 (vdpbf16ps, AVX512-BF16);
/// weights, gradients and the optimizer stay f32. int8 runs the layers a
/// `cnnc quantize` file names (the module's cnn.int8) on uint8 inputs and
/// int8 kernels with exact integer sums (--cnn-quantize-int8); inference
/// only.
enum class Precision { FP32, BF16, Int8 };

struct PipelineOptions {
  bool fuse = true;
  bool tile = true;
  /// Derive the training step (--cnn-build-train-step) too.
  bool train = false;
  Precision precision = Precision::FP32;
  /// Whether --precision was given: a `cnnc quantize` file runs int8
  /// unless it was (fp32 then runs its dequantized weights).
  bool precisionGiven = false;
  /// For profiling: write the tiled IR (linalg on tensors) to this file and
  /// give the generated code line tables that point into it, so that a
  /// profiler attributes samples to the linalg op each loop came from.
  std::string lineTablesFile;
  /// For profiling the JIT: tell perf about its code (a jitdump in
  /// $JITDUMPDIR or $HOME/.debug/jit, for `perf inject --jit`). Off, the
  /// JIT writes nothing outside the user's paths.
  bool perfMap = false;
};

/// Lowers `module` in place up to `stage`. Failures are reported as located
/// diagnostics through the module's context.
mlir::LogicalResult lowerToStage(mlir::ModuleOp module, Stage stage,
                                 const PipelineOptions &options);

/// Adds the passes that take `cnn` IR up to `stage` to `pm` (which runs on
/// the module).
void buildPipeline(mlir::OpPassManager &pm, Stage stage,
                   const PipelineOptions &options);

/// Registers `--cnn-pipeline` (buildPipeline) for cnnc-opt.
void registerPipeline();

/// Registers the dialects, passes and LLVM translations the pipeline uses.
void registerPipelineDialects(mlir::DialectRegistry &registry);

} // namespace cnnc

#endif // CNNC_COMPILER_BACKEND_PIPELINE_H
