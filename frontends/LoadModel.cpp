//===- LoadModel.cpp - Read any model file into `cnn` IR ------------------===//

#include "frontends/LoadModel.h"

#include "dialects/cnn/CnnDialect.h"
#include "dialects/cnn/ModelContract.h"
#include "frontends/common/LocatedError.h"
#include "frontends/common/ModelToCnn.h"
#include "frontends/keras-h5/KerasH5.h"
#include "frontends/keras-json/KerasJson.h"
#include "frontends/keras-python/KerasPython.h"
#include "frontends/keras3/KerasArchive.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;
using namespace cnnc;

void cnnc::registerModelDialects(DialectRegistry &registry) {
  registry.insert<cnn::CnnDialect, func::FuncDialect>();
}

/// Hands a frontend's LocatedError to the diagnostic engine.
static void report(llvm::Error error, MLIRContext &context) {
  llvm::handleAllErrors(
      std::move(error),
      [&](const LocatedError &located) {
        const SourceLoc &at = located.getLoc();
        Location loc =
            at.file.empty()
                ? cast<Location>(UnknownLoc::get(&context))
                : FileLineColLoc::get(&context, at.file, at.line, at.column);
        emitError(loc) << located.getMessage();
      },
      [&](const llvm::ErrorInfoBase &other) {
        emitError(UnknownLoc::get(&context)) << other.message();
      });
}

/// A Keras .h5: `model.save()`'s topology (and compile() configuration).
static llvm::Expected<ModelSpec> readKerasH5Model(StringRef path) {
  // The topology alone: the weights are read when they are bound.
  KerasH5ReadOptions options;
  options.weights = false;
  llvm::Expected<KerasH5Contents> contents = readKerasH5(path, options);
  if (!contents)
    return contents.takeError();
  if (!contents->modelConfig)
    return makeError(
        SourceLoc{path.str(), 0, 0},
        "the file holds weights only (save_weights): give the "
        "model's .py or .json as MODEL and this file as --weights");
  // Positions are within the attribute's JSON text, so the attribute is
  // named with the file: `m.h5: model_config:1:969: error: ...`.
  llvm::Expected<ModelSpec> model =
      parseKerasJson(*contents->modelConfig, (path + ": model_config").str());
  if (!model || !contents->trainingConfig)
    return model;
  if (llvm::Error err = parseKerasTrainingConfig(
          *contents->trainingConfig, (path + ": training_config").str(),
          /*isTfjs=*/false, model->training))
    return std::move(err);
  return model;
}

/// Model files are small: the lesson's .py is 1 KB, a 10,000-layer JSON
/// about 5 MB. A path that never ends (/dev/zero, /dev/urandom) or a huge
/// file is refused once it passes this, instead of being read until memory
/// runs out (docs/cli.md §9.1). (.h5 files are read by libhdf5 in a child
/// process with its own memory limit.)
static constexpr uint64_t kMaxModelFileBytes = uint64_t(64) << 20;

/// Reads a model file ("-": stdin) whole, up to kMaxModelFileBytes.
static llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
readModelFile(StringRef path) {
  auto cannotRead = [&](const std::string &why) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cannot read '" + path.str() + "': " + why);
  };
  llvm::Expected<llvm::sys::fs::file_t> file =
      path == "-" ? llvm::Expected<llvm::sys::fs::file_t>(
                        llvm::sys::fs::getStdinHandle())
                  : llvm::sys::fs::openNativeFileForRead(path);
  if (!file)
    return cannotRead(llvm::errorToErrorCode(file.takeError()).message());
  auto closeFile = llvm::make_scope_exit([&] {
    if (path != "-")
      llvm::sys::fs::closeFile(*file);
  });
  llvm::SmallString<0> data;
  char chunk[1 << 16];
  while (true) {
    llvm::Expected<size_t> got = llvm::sys::fs::readNativeFile(
        *file, llvm::MutableArrayRef<char>(chunk, sizeof chunk));
    if (!got)
      return cannotRead(llvm::errorToErrorCode(got.takeError()).message());
    if (*got == 0)
      break;
    if (data.size() + *got > kMaxModelFileBytes)
      return cannotRead("it is larger than the 64 MiB a model file may be "
                        "(a device such as /dev/zero?)");
    data.append(chunk, chunk + *got);
  }
  return llvm::MemoryBuffer::getMemBufferCopy(data, path);
}

/// A directory named like a model file (`dir.h5`) is not one.
static std::optional<std::string> directoryError(StringRef path) {
  if (!llvm::sys::fs::is_directory(path))
    return std::nullopt;
  return "'" + path.str() + "' is a directory, not a model file";
}

static std::string &pythonEntry() {
  static std::string name;
  return name;
}

void cnnc::setPythonEntry(StringRef name) { pythonEntry() = name.str(); }

llvm::Expected<ModelSpec> cnnc::readModelSpec(StringRef path) {
  if (std::optional<std::string> error = directoryError(path))
    return makeError(SourceLoc{}, *error);
  StringRef extension = llvm::sys::path::extension(path);
  // A model file other than a script holds its model itself.
  if (!pythonEntry().empty() && extension != ".py")
    return makeError(SourceLoc{},
                     "--entry calls a function of a .py script, "
                     "and '",
                     path.str(), "' is not one");
  if (extension == ".h5" || extension == ".hdf5")
    return readKerasH5Model(path);
  if (extension == ".keras")
    return readKerasArchiveModel(path);
  if (extension != ".py" && extension != ".json")
    return makeError(SourceLoc{path.str(), 0, 0}, "unknown model format '",
                     extension.str(),
                     "': expected a .py, .json, .h5, .keras or .mlir file");
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      readModelFile(path);
  if (!buffer)
    return makeError(SourceLoc{}, llvm::toString(buffer.takeError()));
  StringRef text = (*buffer)->getBuffer();
  return extension == ".py" ? parseKerasPython(text, path, pythonEntry())
                            : parseKerasJson(text, path);
}

void cnnc::reportModelError(llvm::Error error, MLIRContext &context) {
  report(std::move(error), context);
}

// A model holds only cnn and func ops, and the parsers of the pipeline's
// other dialects are not hardened against malformed input (MLIR 19's
// vector.contract parser crashes on some: fuzz-model-mlir), so a model is
// first parsed in a context that knows only the model's dialects.
OwningOpRef<ModuleOp> cnnc::parseModelMlir(llvm::SourceMgr &sourceMgr,
                                           MLIRContext &context, bool asModel) {
  DialectRegistry modelDialects;
  registerModelDialects(modelDialects);
  MLIRContext restricted(modelDialects);
  // Its diagnostics, re-emitted in `context` at the same place.
  ScopedDiagnosticHandler forward(&restricted, [&](Diagnostic &diagnostic) {
    Location loc = UnknownLoc::get(&context);
    if (auto at = dyn_cast<FileLineColLoc>(diagnostic.getLocation()))
      loc = FileLineColLoc::get(&context, at.getFilename().getValue(),
                                at.getLine(), at.getColumn());
    if (diagnostic.getSeverity() == DiagnosticSeverity::Error)
      emitError(loc) << diagnostic.str();
    return success();
  });
  if (!parseSourceFile<ModuleOp>(sourceMgr, &restricted))
    return nullptr;
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module || !asModel)
    return module;
  // The one check of a hand-written model: the verifier checks the
  // contract of a module marked as a model.
  cnn::markAsModel(*module);
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

OwningOpRef<ModuleOp> cnnc::loadModel(StringRef path, MLIRContext &context,
                                      bool asModel) {
  if (std::optional<std::string> error = directoryError(path)) {
    emitError(UnknownLoc::get(&context)) << *error;
    return nullptr;
  }
  if (llvm::sys::path::extension(path) == ".mlir") {
    if (!pythonEntry().empty()) {
      emitError(UnknownLoc::get(&context))
          << "--entry calls a function of a .py script, and '" << path
          << "' is not one";
      return nullptr;
    }
    llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> buffer =
        readModelFile(path);
    if (!buffer) {
      emitError(UnknownLoc::get(&context))
          << llvm::toString(buffer.takeError());
      return nullptr;
    }
    llvm::SourceMgr sourceMgr;
    sourceMgr.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
    return parseModelMlir(sourceMgr, context, asModel);
  }
  llvm::Expected<ModelSpec> model = readModelSpec(path);
  if (!model) {
    report(model.takeError(), context);
    return nullptr;
  }
  return buildCnnModule(*model, context);
}
