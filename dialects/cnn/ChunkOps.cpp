//===- ChunkOps.cpp - Verifiers of the sums across a batch's chunks -------===//
//
// The runtime's hook adds a known number of doubles from a contiguous
// buffer, so both forms need a static size, and the buffer an identity
// layout.
//
//===----------------------------------------------------------------------===//

#include "dialects/cnn/CnnOps.h"

using namespace mlir;
using namespace mlir::cnn;

LogicalResult SumAcrossChunksOp::verify() {
  if (!getPartial().getType().hasStaticShape())
    return emitOpError("expects a vector of static size, got ")
           << getPartial().getType();
  return success();
}

LogicalResult SumAcrossChunksInPlaceOp::verify() {
  auto type = getBuffer().getType();
  if (!type.hasStaticShape() || !type.getLayout().isIdentity())
    return emitOpError(
               "expects a buffer of static size and identity layout, got ")
           << type;
  return success();
}
