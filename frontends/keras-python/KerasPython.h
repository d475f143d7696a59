//===- KerasPython.h - Keras Sequential models from Python ------*- C++ -*-===//
//
// The Keras-Python frontend: reads a training script as people write it
// (any import style, constants, compile() and fit()) and returns the
// Sequential model it builds, with Keras 2's defaults applied.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_KERASPYTHON_KERASPYTHON_H
#define CNNC_FRONTENDS_KERASPYTHON_KERASPYTHON_H

#include "frontends/common/ModelSpec.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace cnnc {

/// Reads a Keras Sequential model from Python source. Errors are
/// LocatedErrors (file:line:col); only the first is reported. With an
/// `entry`, the model is what the script's function of that name returns
/// when called with its defaults (`--entry NAME`).
llvm::Expected<ModelSpec> parseKerasPython(llvm::StringRef source,
                                           llvm::StringRef fileName,
                                           llvm::StringRef entry = "");

} // namespace cnnc

#endif // CNNC_FRONTENDS_KERASPYTHON_KERASPYTHON_H
