//===- Builtins.h - Python builtin functions on constants -------*- C++ -*-===//
//
// The builtins scripts use on their constants (`int(28 * 28 / 2)`,
// `tuple(shape)`, `range(3)`, `enumerate(widths)`, `dict(activation='relu')`,
// `max(a, b)`);
// every other builtin returns Unknown.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_KERASPYTHON_BUILTINS_H
#define CNNC_FRONTENDS_KERASPYTHON_BUILTINS_H

#include "frontends/keras-python/Value.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace cnnc {
namespace py {

/// Whether `name` is a Python builtin (and so never an undefined name).
bool isPythonBuiltin(llvm::StringRef name);

/// Calls builtin `name`; Unknown when it is not one the evaluator computes
/// or its arguments are not constants.
Value callBuiltin(llvm::StringRef name, llvm::ArrayRef<CallArgValue> args);

} // namespace py
} // namespace cnnc

#endif // CNNC_FRONTENDS_KERASPYTHON_BUILTINS_H
