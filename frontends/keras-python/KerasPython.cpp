//===- KerasPython.cpp - Keras Sequential models from Python source -------===//
//
// Parse the whole file (so that a syntax error anywhere is reported first,
// as Python would), evaluate its statements, and take the first Sequential
// model it builds.
//
//===----------------------------------------------------------------------===//

#include "frontends/keras-python/KerasPython.h"

#include "frontends/keras-python/Interpreter.h"
#include "frontends/keras-python/ModelBuilder.h"
#include "frontends/keras-python/Parser.h"

using namespace cnnc;

llvm::Expected<ModelSpec> cnnc::parseKerasPython(llvm::StringRef source,
                                                 llvm::StringRef fileName,
                                                 llvm::StringRef entry) {
  auto module = py::parseModule(source, fileName);
  if (!module)
    return module.takeError();
  py::ModelBuilder models(fileName);
  py::Interpreter interpreter(fileName, models);
  if (llvm::Error err = interpreter.run(**module))
    return std::move(err);
  if (!entry.empty()) {
    llvm::Expected<unsigned> id = interpreter.callEntry(entry);
    if (!id)
      return id.takeError();
    models.choose(*id);
  }
  return models.finish(interpreter.hints());
}
