//===- CompileFlags.cpp - cnnc MODEL's options ----------------------------===//
//
//   cnnc MODEL --summary                 Keras's model.summary() table
//   cnnc MODEL --memory                  the memory plan of the forward pass
//   cnnc MODEL --emit=STAGE [-o FILE]    one stage of the pipeline
//   cnnc MODEL -o FILE.o                 an object and FILE.h (C ABI)
//
//===----------------------------------------------------------------------===//

#include "compiler/support/Diagnostics.h"
#include "compiler/tools/cnnc/Flags.h"
#include "frontends/weights/QuantizedModelWeights.h"

using namespace cnnc;
namespace cl = llvm::cl;

static cl::opt<std::string> modelPath(cl::Positional, cl::desc("MODEL"),
                                      cl::cat(cnncCategory));
static cl::opt<bool> summary("summary",
                             cl::desc("Print Keras's model.summary() table"),
                             cl::cat(cnncCategory));
static cl::opt<bool> memory(
    "memory",
    cl::desc("Print the memory plan: the weights, and the workspace of the "
             "forward pass buffer by buffer"),
    cl::cat(cnncCategory));
static cl::opt<std::string> weightsPath(
    "weights",
    cl::desc("With --summary: weights that must fit the model (the table "
             "does not depend on them)"),
    cl::value_desc("FILE"), cl::cat(cnncCategory));
static cl::opt<EmitStage>
    emit("emit", cl::desc("The pipeline stage to output"),
         cl::init(EmitStage::Default),
         cl::values(clEnumValN(EmitStage::Cnn, "cnn",
                               "the frontend's `cnn` IR, before any pass"),
                    clEnumValN(EmitStage::Fused, "fused",
                               "after conv+relu+pool fusion"),
                    clEnumValN(EmitStage::Tiled, "tiled",
                               "linalg on tensors, tiled and fused"),
                    clEnumValN(EmitStage::Loops, "loops", "bufferized loops"),
                    clEnumValN(EmitStage::LLVM, "llvm", "the LLVM dialect"),
                    clEnumValN(EmitStage::LLVMIR, "llvm-ir", "LLVM IR"),
                    clEnumValN(EmitStage::Asm, "asm",
                               "assembly (AT&T), as llc prints it"),
                    clEnumValN(EmitStage::Obj, "obj", "an object file")),
         cl::cat(cnncCategory));
static cl::opt<std::string> outputPath("o",
                                       cl::desc("Output file ('-' = stdout)"),
                                       cl::value_desc("FILE"), cl::init("-"),
                                       cl::cat(cnncCategory));
// -O2 by default: the code is register-tiled and unrolled by cnnc already;
// -O3's further unrolling doubled the time to an object with the training
// step (4.0 s -> 1.9 s at -O2) and measured no faster.
static cl::opt<char> optLevel("O",
                              cl::desc("Optimization level (0-3, default 2)"),
                              cl::Prefix, cl::init('2'), cl::cat(cnncCategory));
static cl::opt<std::string> mcpu("mcpu",
                                 cl::desc("Target CPU (default: this host)"),
                                 cl::cat(cnncCategory));
static cl::opt<std::string>
    mattr("mattr",
          cl::desc("Target features to add (+f) or remove (-f), as llc's "
                   "-mattr (default: the CPU's)"),
          cl::value_desc("+f,-g"), cl::cat(cnncCategory));
static cl::opt<std::string>
    mtriple("mtriple", cl::desc("Target triple (default: this host)"),
            cl::cat(cnncCategory));
static cl::opt<bool>
    trainStep("train-step",
              cl::desc("Also compile the training step: cnnc_train_gradients, "
                       "cnnc_apply_gradients and cnnc_evaluate"),
              cl::cat(cnncCategory));

std::optional<CompileRequest> cnnc::compileRequestFromFlags() {
  if (modelPath.empty()) {
    reportError("no model given: cnnc MODEL [--summary | --emit=STAGE] "
                "[-o FILE] (see --help)");
    return std::nullopt;
  }
  if (optLevel < '0' || optLevel > '3') {
    reportError(std::string("invalid optimization level -O") +
                optLevel.getValue());
    return std::nullopt;
  }
  // A `cnnc quantize` file is the exception: its scales are compiled in
  // (int8), though the code still takes its weights when it runs.
  if (weightsPath.getNumOccurrences() && !summary &&
      !isQuantizedWeightsFile(weightsPath)) {
    reportError("--weights goes with --summary here: compiled code takes its "
                "weights when it runs (see predict, train, eval, export)");
    return std::nullopt;
  }
  if (memory && (summary || emit.getNumOccurrences() || trainStep)) {
    reportError("--memory prints a report of its own: it does not go with "
                "--summary, --emit or --train-step");
    return std::nullopt;
  }
  CompileRequest request;
  request.modelPath = modelPath;
  request.memory = memory;
  request.outputPath = outputPath;
  request.summary = summary;
  request.summaryWeightsPath = weightsPath;
  request.emit = emit;
  request.target = {mtriple, mcpu, unsigned(optLevel - '0'), mattr};
  request.pipeline = pipelineOptionsFromFlags();
  request.pipeline.train = trainStep;
  request.training = trainingOverridesFromFlags();
  return request;
}
