//===- LoadModel.h - Read any model file into `cnn` IR ----------*- C++ -*-===//

#ifndef CNNC_FRONTENDS_LOADMODEL_H
#define CNNC_FRONTENDS_LOADMODEL_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

namespace llvm {
class SourceMgr;
} // namespace llvm

namespace cnnc {

struct ModelSpec; // frontends/common/ModelSpec.h

/// Reads MODEL as `cnn` IR: a Keras Python file (.py), Keras / TF.js JSON
/// (.json), a Keras .h5 (`model.save`) or MLIR (.mlir). Every error, the
/// frontends' included, is reported through the context's diagnostic engine at
/// its place in the file, and null is returned.
///
/// The module is a model, marked `cnn.model`, whose contract the verifier
/// has checked (dialects/cnn/ModelContract.h): the frontends build models,
/// and a .mlir is marked and verified here. With `asModel` false a .mlir is
/// read as the IR it is, model or not (to print it).
mlir::OwningOpRef<mlir::ModuleOp> loadModel(llvm::StringRef path,
                                            mlir::MLIRContext &context,
                                            bool asModel = true);

/// Reads a Keras model file (.py, .json, .h5) as the frontends see it,
/// before any IR exists. Errors are LocatedError (file:line:col) or, for
/// files without positions, a plain message naming the file.
llvm::Expected<ModelSpec> readModelSpec(llvm::StringRef path);

/// `--entry NAME`: a .py model is what the script's function NAME returns
/// when called with its defaults ("" for the model the script builds). The
/// setting holds for the process, as the command line does; a model of
/// another kind with an entry set is an error.
void setPythonEntry(llvm::StringRef name);

/// Reports an error of readModelSpec (or of a weight reader) through the
/// context's diagnostic engine, at its place in the file.
void reportModelError(llvm::Error error, mlir::MLIRContext &context);

/// Parses a .mlir model: first knowing only the model's dialects (an op,
/// type or attribute of another is an error at its place), then into
/// `context`; with `asModel`, marks it `cnn.model` and verifies it, which
/// checks the model's contract. Null on error, reported through `context`.
mlir::OwningOpRef<mlir::ModuleOp> parseModelMlir(llvm::SourceMgr &sourceMgr,
                                                 mlir::MLIRContext &context,
                                                 bool asModel = true);

/// Registers what a `cnn` module may contain (cnn, func).
void registerModelDialects(mlir::DialectRegistry &registry);

} // namespace cnnc

#endif // CNNC_FRONTENDS_LOADMODEL_H
