//===- FewFilterConv.h - Convolutions with few filters, full vectors -*- C++
//-*-===//

#ifndef CNNC_COMPILER_TRANSFORMS_FEWFILTERCONV_H
#define CNNC_COMPILER_TRANSFORMS_FEWFILTERCONV_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace cnnc {

/// The lanes of one vector register (f32 on AVX-512).
constexpr int64_t kFewFilterLanes = 16;

/// Marks the register tiles --cnn-vectorize chose for the rewrite below.
constexpr llvm::StringLiteral kFewFilterTile = "cnn.few_filter_tile";

/// How many input channels share a vector in a convolution with F filters:
/// G = 16 / F when F is 1, 2, 4 or 8, the input channels are a multiple of
/// G, strides and dilations are 1, the element type is f32 and the kernel
/// is static; 0 otherwise (the
/// convolution then goes by the usual filter-vector tiles).
int64_t fewFilterChannelGroups(mlir::linalg::Conv2DNhwcHwcfOp op);

/// Rewrites a register tile of such a convolution, one output row of W
/// pixels by all F filters and its whole kernel (--cnn-vectorize's tile),
/// into vector code whose 16 lanes are (filter, channel mod G): each step
/// is one broadcast of G input channels of a pixel (`vbroadcastsd` for G =
/// 2) and one full-width FMA against G rows of the kernel, interleaved
/// once per step for all W pixels; the G partial sums of each filter are
/// added once per tile. Full vectors instead of an F-lane one per channel:
/// 8 filters take half the FMAs.
void populateFewFilterConvPatterns(mlir::RewritePatternSet &patterns);

} // namespace cnnc

#endif // CNNC_COMPILER_TRANSFORMS_FEWFILTERCONV_H
