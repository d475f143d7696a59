//===- LoadModel.cpp - Read any model file into `cnn` IR ------------------===//

#include "frontends/LoadModel.h"

#include "dialects/cnn/CnnDialect.h"
#include "frontends/common/LocatedError.h"
#include "frontends/common/ModelToCnn.h"
#include "frontends/keras-json/KerasJson.h"
#include "frontends/keras-python/KerasPython.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
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
        Location loc = at.file.empty()
                           ? cast<Location>(UnknownLoc::get(&context))
                           : FileLineColLoc::get(&context, at.file, at.line,
                                                 at.column);
        emitError(loc) << located.getMessage();
      },
      [&](const llvm::ErrorInfoBase &other) {
        emitError(UnknownLoc::get(&context)) << other.message();
      });
}

OwningOpRef<ModuleOp> cnnc::loadModel(StringRef path, MLIRContext &context) {
  Location fileLoc = FileLineColLoc::get(&context, path, 0, 0);
  auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/false,
                                                   /*RequiresNullTerminator=*/true);
  if (std::error_code ec = buffer.getError()) {
    emitError(UnknownLoc::get(&context))
        << "cannot read '" << path << "': " << ec.message();
    return nullptr;
  }

  StringRef extension = llvm::sys::path::extension(path);
  if (extension == ".mlir") {
    llvm::SourceMgr sourceMgr;
    sourceMgr.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
    return parseSourceFile<ModuleOp>(sourceMgr, &context);
  }

  if (extension != ".py" && extension != ".json") {
    emitError(fileLoc) << "unknown model format '" << extension
                       << "': expected a .py, .json or .mlir file";
    return nullptr;
  }
  StringRef text = (*buffer)->getBuffer();
  llvm::Expected<ModelSpec> model = extension == ".py"
                                        ? parseKerasPython(text, path)
                                        : parseKerasJson(text, path);
  if (!model) {
    report(model.takeError(), context);
    return nullptr;
  }
  return buildCnnModule(*model, context);
}
