//===- PaddingOps.cpp - cnn.fill_border's verifier ------------------------===//

#include "dialects/cnn/CnnOps.h"

using namespace mlir;
using namespace mlir::cnn;

LogicalResult FillBorderOp::verify() {
  auto type = getDest().getType();
  ArrayRef<int64_t> low = getLow(), high = getHigh();
  int64_t rank = type.getRank();
  if (static_cast<int64_t>(low.size()) != rank ||
      static_cast<int64_t>(high.size()) != rank)
    return emitOpError() << "expects a low and a high width per dimension ("
                         << rank << "), got " << low.size() << " and "
                         << high.size();
  for (int64_t d = 0; d < rank; ++d) {
    if (low[d] < 0 || high[d] < 0)
      return emitOpError() << "expects widths >= 0, got " << low[d] << " and "
                           << high[d] << " in dimension " << d;
    if (low[d] == 0 && high[d] == 0)
      continue;
    if (type.isDynamicDim(d))
      return emitOpError() << "has a border in dynamic dimension " << d;
    if (low[d] + high[d] > type.getDimSize(d))
      return emitOpError() << "has a border of " << low[d] << " + " << high[d]
                           << " in dimension " << d << " of size "
                           << type.getDimSize(d);
  }
  return success();
}
