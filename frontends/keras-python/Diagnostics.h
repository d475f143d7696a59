//===- Diagnostics.h - Located errors from AST positions --------*- C++ -*-===//
//
// The AST carries bare line:column positions; every error the evaluator and
// the Keras builders report goes through here to become a LocatedError in
// the model file.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_KERASPYTHON_DIAGNOSTICS_H
#define CNNC_FRONTENDS_KERASPYTHON_DIAGNOSTICS_H

#include "frontends/common/LocatedError.h"
#include "frontends/keras-python/AST.h"

#include "llvm/ADT/StringRef.h"

namespace cnnc {
namespace py {

inline SourceLoc toSourceLoc(llvm::StringRef file, Position pos) {
  return SourceLoc{file.str(), pos.line, pos.column};
}

/// `return errorAt(file, pos, "unsupported layer '", name, "'");`
template <typename... Parts>
llvm::Error errorAt(llvm::StringRef file, Position pos, const Parts &...parts) {
  return makeError(toSourceLoc(file, pos), parts...);
}

} // namespace py
} // namespace cnnc

#endif // CNNC_FRONTENDS_KERASPYTHON_DIAGNOSTICS_H
