//===- SharedLayers.h - A shared layer's calls in cnn IR --------*- C++ -*-===//
//
// A shared layer (one Keras layer applied several times, with one set of
// weights) is one op group per call, each taking the same parameter
// arguments of @forward. The ops of every call after the first carry
// `cnn.call = k` (an i64 >= 1, Keras's node index) beside `cnn.layer`, so
// that the summary folds them into the layer's row and names a later
// call's output "dense[1][0]"; the dialect's verifier checks it.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_DIALECTS_CNN_SHAREDLAYERS_H
#define CNNC_DIALECTS_CNN_SHAREDLAYERS_H

#include "llvm/ADT/StringRef.h"

namespace mlir::cnn {

inline constexpr llvm::StringLiteral kCallAttrName = "cnn.call";

} // namespace mlir::cnn

#endif // CNNC_DIALECTS_CNN_SHAREDLAYERS_H
