//===- cnnc.cpp - The cnnc driver -----------------------------------------===//
//
//   cnnc MODEL --summary                 Keras's model.summary() table
//   cnnc MODEL --emit=STAGE [-o FILE]    one stage of the pipeline
//   cnnc MODEL -o FILE.o                 an object and FILE.h (C ABI)
//   cnnc predict MODEL [--weights W] --input X.npy -o Y.npy
//   cnnc train MODEL [options] / cnnc eval MODEL --weights W
//   cnnc export MODEL [--weights W] --format tfjs|h5 -o PATH
//
// MODEL is a Keras Python file (.py), Keras / TF.js JSON (.json), a Keras
// .h5 or MLIR (.mlir). Bad input is one located error line and exit code 1; outputs are
// written whole or not at all.
//
//===----------------------------------------------------------------------===//

#include "compiler/tools/cnnc/Commands.h"

#include "compiler/CHeader.h"
#include "compiler/Codegen.h"
#include "compiler/Diagnostics.h"
#include "compiler/ModelSummary.h"
#include "compiler/Pipeline.h"
#include "frontends/LoadModel.h"
#include "runtime/support/AtomicFile.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace cnnc;
namespace cl = llvm::cl;

namespace {
enum class Emit { Default, Cnn, Fused, Tiled, Loops, LLVM, LLVMIR, Asm, Obj };
} // namespace

cl::OptionCategory cnnc::cnncCategory("cnnc options");
cl::SubCommand cnnc::predictCommand("predict",
                                    "Run the forward pass on a .npy input");

static cl::opt<std::string> modelPath(cl::Positional, cl::desc("MODEL"),
                                      cl::cat(cnncCategory));

static cl::opt<bool> summary("summary",
                             cl::desc("Print Keras's model.summary() table"),
                             cl::cat(cnncCategory));

static cl::opt<Emit> emit(
    "emit", cl::desc("The pipeline stage to output"), cl::init(Emit::Default),
    cl::values(
        clEnumValN(Emit::Cnn, "cnn", "the frontend's `cnn` IR, before any pass"),
        clEnumValN(Emit::Fused, "fused", "after conv+relu+pool fusion"),
        clEnumValN(Emit::Tiled, "tiled", "linalg on tensors, tiled and fused"),
        clEnumValN(Emit::Loops, "loops", "bufferized loops"),
        clEnumValN(Emit::LLVM, "llvm", "the LLVM dialect"),
        clEnumValN(Emit::LLVMIR, "llvm-ir", "LLVM IR"),
        clEnumValN(Emit::Asm, "asm", "assembly (AT&T), as llc prints it"),
        clEnumValN(Emit::Obj, "obj", "an object file")),
    cl::cat(cnncCategory));

static cl::opt<std::string> outputPath("o", cl::desc("Output file ('-' = stdout)"),
                                       cl::value_desc("FILE"), cl::init("-"),
                                       cl::cat(cnncCategory));

// -O2 by default: the code is register-tiled and unrolled by cnnc already;
// -O3's further unrolling doubled the time to an object with the training
// step (4.0 s -> 1.9 s at -O2) and measured no faster.
static cl::opt<char> optLevel("O", cl::desc("Optimization level (0-3, default 2)"),
                              cl::Prefix, cl::init('2'),
                              cl::cat(cnncCategory));
static cl::opt<std::string> mcpu("mcpu", cl::desc("Target CPU (default: this host)"),
                                 cl::cat(cnncCategory));
static cl::opt<std::string> mtriple("mtriple",
                                    cl::desc("Target triple (default: this host)"),
                                    cl::cat(cnncCategory));
static cl::opt<bool> noFuse("no-fuse", cl::desc("Do not fuse conv+relu+pool"),
                            cl::cat(cnncCategory),
                            cl::sub(cl::SubCommand::getAll()));
static cl::opt<bool> trainStep(
    "train-step",
    cl::desc("Also compile the training step: cnnc_train_gradients, "
             "cnnc_apply_gradients and cnnc_evaluate"),
    cl::cat(cnncCategory));
static cl::opt<bool> noTile("no-tile", cl::desc("Do not tile loop nests"),
                            cl::cat(cnncCategory),
                            cl::sub(cl::SubCommand::getAll()));
static cl::opt<std::string> lineTables(
    "line-tables",
    cl::desc("For profiling: write the tiled IR to FILE and give the code "
             "line tables into it (perf report --sort srcline)"),
    cl::value_desc("FILE"), cl::Hidden, cl::sub(cl::SubCommand::getAll()));

PipelineOptions cnnc::pipelineOptionsFromFlags() {
  PipelineOptions options;
  options.fuse = !noFuse;
  options.tile = !noTile;
  options.train = trainStep;
  options.lineTablesFile = lineTables;
  return options;
}

bool cnnc::writeOutput(const std::string &path, const std::string &text) {
  if (path == "-") {
    llvm::outs() << text;
    return true;
  }
  std::string error;
  if (!writeFileAtomically(path, text, error)) {
    reportError(error);
    return false;
  }
  return true;
}

/// `cnnc MODEL [--summary | --emit=STAGE] [-o FILE]`.
static int compileCommand(MLIRContext &context) {
  if (modelPath.empty()) {
    reportError("no model given: cnnc MODEL [--summary | --emit=STAGE] "
                "[-o FILE] (see --help)");
    return 1;
  }
  if (optLevel < '0' || optLevel > '3') {
    reportError(std::string("invalid optimization level -O") + optLevel.getValue());
    return 1;
  }
  // No --emit: an object (with its header) when -o names a .o, else the IR.
  Emit stage = emit;
  if (stage == Emit::Default)
    stage = llvm::sys::path::extension(outputPath) == ".o" ? Emit::Obj : Emit::Cnn;

  // What is compiled must be a model (the header is built from @forward
  // before lowering); the IR alone may be printed or summarised.
  bool asModel = !summary && stage != Emit::Cnn;
  OwningOpRef<ModuleOp> module = loadModel(modelPath, context, asModel);
  if (!module)
    return 1;

  std::string text;
  llvm::raw_string_ostream os(text);
  if (summary) {
    if (failed(printModelSummary(*module, os)))
      return 1;
    return writeOutput(outputPath, text) ? 0 : 1;
  }
  if (trainStep && failed(applyTrainingFlags(*module)))
    return 1;

  auto lowerTo = [&](Stage target) {
    return succeeded(lowerToStage(*module, target, pipelineOptionsFromFlags()));
  };
  switch (stage) {
  case Emit::Default:
  case Emit::Cnn:
    break;
  case Emit::Fused:
    if (!lowerTo(Stage::Fused))
      return 1;
    break;
  case Emit::Tiled:
    if (!lowerTo(Stage::Tiled))
      return 1;
    break;
  case Emit::Loops:
    if (!lowerTo(Stage::Loops))
      return 1;
    break;
  case Emit::LLVM:
  case Emit::LLVMIR:
  case Emit::Asm:
  case Emit::Obj: {
    // The header describes the model as the frontend gave it.
    std::string header = buildCHeader(
        *module, trainStep,
        llvm::sys::path::filename(outputPath).str() == "-"
            ? "model.h"
            : (llvm::sys::path::stem(outputPath) + ".h").str(),
        llvm::sys::path::filename(modelPath));
    if (!lowerTo(Stage::LLVM))
      return 1;
    if (stage == Emit::LLVM)
      break;
    TargetOptions target{mtriple, mcpu, unsigned(optLevel - '0')};
    OutputKind kind = stage == Emit::LLVMIR ? OutputKind::LLVMIR
                      : stage == Emit::Asm  ? OutputKind::Assembly
                                            : OutputKind::Object;
    llvm::Expected<std::string> code = emitCode(*module, target, kind);
    if (!code) {
      reportError(llvm::toString(code.takeError()));
      return 1;
    }
    if (kind == OutputKind::Object) {
      if (outputPath == "-") {
        reportError("an object file needs -o FILE");
        return 1;
      }
      llvm::SmallString<256> headerPath(outputPath);
      llvm::sys::path::replace_extension(headerPath, ".h");
      // Both or neither: an object without its header (or the reverse)
      // would mislead.
      std::string error;
      if (!writeFilesAtomically(
              {{outputPath, *code}, {headerPath.str().str(), header}}, error)) {
        reportError(error);
        return 1;
      }
      return 0;
    }
    return writeOutput(outputPath, *code) ? 0 : 1;
  }
  }
  module->print(os);
  os << '\n';
  return writeOutput(outputPath, text) ? 0 : 1;
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  installFatalErrorHandler();
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  registerPassManagerCLOptions();
  cl::ParseCommandLineOptions(argc, argv, "cnnc: Keras CNNs to native code\n");

  DialectRegistry registry;
  registerModelDialects(registry);
  registerPipelineDialects(registry);
  MLIRContext context(registry);
  // The contract allows one line per error: no dump of the failing op.
  context.printOpOnDiagnostic(false);
  OneLineDiagnosticHandler diagnostics(&context);

  if (predictCommand)
    return predictMain(context);
  if (trainCommand)
    return trainMain(context, /*evaluateOnly=*/false);
  if (evalCommand)
    return trainMain(context, /*evaluateOnly=*/true);
  if (exportCommand)
    return exportMain(context);
  return compileCommand(context);
}
