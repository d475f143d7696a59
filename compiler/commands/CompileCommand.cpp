//===- CompileCommand.cpp - cnnc MODEL: a summary, IR or code -------------===//

#include "compiler/commands/CompileCommand.h"
#include "compiler/commands/Int8Weights.h"
#include "compiler/commands/Output.h"
#include "compiler/reports/CHeader.h"
#include "compiler/reports/MemoryReport.h"
#include "compiler/reports/ModelDescription.h"
#include "compiler/reports/ModelSummary.h"
#include "compiler/support/Diagnostics.h"
#include "frontends/LoadModel.h"
#include "frontends/weights/ModelWeights.h"
#include "runtime/support/AtomicFile.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace cnnc;

static std::optional<Stage> pipelineStage(EmitStage emit) {
  switch (emit) {
  case EmitStage::Default:
  case EmitStage::Cnn:
    return std::nullopt;
  case EmitStage::Fused:
    return Stage::Fused;
  case EmitStage::Tiled:
    return Stage::Tiled;
  case EmitStage::Loops:
    return Stage::Loops;
  case EmitStage::LLVM:
  case EmitStage::LLVMIR:
  case EmitStage::Asm:
  case EmitStage::Obj:
    return Stage::LLVM;
  }
  return std::nullopt;
}

/// Writes an object and its header beside it (FILE.o, FILE.h): both or
/// neither, since an object without its header (or the reverse) misleads.
/// An object written into a device or a pipe goes alone.
static int writeObject(const CompileRequest &request, const std::string &code,
                       const std::string &header) {
  if (request.outputPath == "-") {
    reportError("an object file needs -o FILE");
    return 1;
  }
  llvm::SmallString<256> headerPath(request.outputPath);
  llvm::sys::path::replace_extension(headerPath, ".h");
  std::vector<std::pair<std::string, std::string>> files = {
      {request.outputPath, code}};
  // An object sent to a device or a pipe (-o /dev/null) has no place for
  // a header beside it (/dev/null.h).
  if (isRegularOrNew(request.outputPath))
    files.push_back({headerPath.str().str(), header});
  std::string error;
  if (!writeFilesAtomically(files, error)) {
    reportError(error);
    return 1;
  }
  return 0;
}

/// Binds the summary's weights to the model, reporting what does not fit.
static LogicalResult checkWeightsFit(ModuleOp module,
                                     const CompileRequest &request,
                                     MLIRContext &context) {
  auto weights = loadModelWeights(describeModel(module), request.modelPath,
                                  request.summaryWeightsPath);
  if (!weights) {
    reportModelError(weights.takeError(), context);
    return failure();
  }
  return success();
}

int cnnc::runCompile(const CompileRequest &request, MLIRContext &context) {
  std::string error;
  if (!checkNotAnInput("-o", request.outputPath,
                       {{"the model file", request.modelPath},
                        {"the --weights file", request.summaryWeightsPath}},
                       error)) {
    reportError(error);
    return 1;
  }
  EmitStage emit = request.emit;
  // Without --emit: an object (and its header) for any -o FILE, the cnn IR
  // on stdout (docs/cli.md).
  if (emit == EmitStage::Default)
    emit = request.outputPath == "-" ? EmitStage::Cnn : EmitStage::Obj;
  std::optional<Stage> stage = pipelineStage(emit);
  // What is compiled, or given weights, must be a model (the header is
  // built from @forward before lowering); the IR alone may be printed or
  // summarised as it is.
  bool asModel = request.summary ? !request.summaryWeightsPath.empty()
                                 : stage.has_value() || request.memory;
  OwningOpRef<ModuleOp> module = loadModel(request.modelPath, context, asModel);
  if (!module)
    return 1;

  // --weights Q (a `cnnc quantize` file) compiles the int8 model; the
  // object still takes the (dequantized) weights when it runs.
  PipelineOptions pipeline = request.pipeline;
  if (!request.summary)
    if (llvm::Error error = prepareInt8(*module, describeModel(*module),
                                        request.summaryWeightsPath, pipeline)) {
      report(std::move(error));
      return 1;
    }

  std::string text;
  llvm::raw_string_ostream os(text);
  if (request.summary) {
    if (!request.summaryWeightsPath.empty() &&
        failed(checkWeightsFit(*module, request, context)))
      return 1;
    if (failed(printModelSummary(*module, os)))
      return 1;
    return writeOutput(request.outputPath, text) ? 0 : 1;
  }

  if (request.memory) {
    // The plan is made at the loops stage, on a copy: the report names
    // layers and parameters from the `cnn` IR.
    OwningOpRef<ModuleOp> lowered = module->clone();
    if (failed(lowerToStage(*lowered, Stage::Loops, pipeline)) ||
        failed(printMemoryPlan(*module, *lowered, os)))
      return 1;
    return writeOutput(request.outputPath, text) ? 0 : 1;
  }

  if (pipeline.train &&
      failed(applyTrainingOverrides(*module, request.training)))
    return 1;
  if (!stage) {
    module->print(os);
    os << '\n';
    return writeOutput(request.outputPath, text) ? 0 : 1;
  }

  // Code the target could not run is refused before anything is lowered.
  if (emit == EmitStage::LLVMIR || emit == EmitStage::Asm ||
      emit == EmitStage::Obj)
    if (llvm::Error error =
            checkTargetPrecision(request.target, pipeline.precision)) {
      reportError(llvm::toString(std::move(error)));
      return 1;
    }
  // The header describes the model as the frontend gave it.
  std::string header;
  if (*stage == Stage::LLVM)
    header = buildCHeader(
        *module, pipeline.train,
        llvm::sys::path::filename(request.outputPath) == "-"
            ? "model.h"
            : (llvm::sys::path::stem(request.outputPath) + ".h").str(),
        llvm::sys::path::filename(request.modelPath));
  if (failed(lowerToStage(*module, *stage, pipeline)))
    return 1;
  if (emit == EmitStage::Fused || emit == EmitStage::Tiled ||
      emit == EmitStage::Loops || emit == EmitStage::LLVM) {
    module->print(os);
    os << '\n';
    return writeOutput(request.outputPath, text) ? 0 : 1;
  }

  OutputKind kind = emit == EmitStage::LLVMIR ? OutputKind::LLVMIR
                    : emit == EmitStage::Asm  ? OutputKind::Assembly
                                              : OutputKind::Object;
  llvm::Expected<std::string> code = emitCode(*module, request.target, kind);
  if (!code) {
    reportError(llvm::toString(code.takeError()));
    return 1;
  }
  if (kind == OutputKind::Object)
    return writeObject(request, *code, header);
  return writeOutput(request.outputPath, *code) ? 0 : 1;
}
