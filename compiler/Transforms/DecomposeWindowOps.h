//===- DecomposeWindowOps.h - 2-D window ops to 1-D on buffers --*- C++ -*-===//

#ifndef CNNC_COMPILER_TRANSFORMS_DECOMPOSEWINDOWOPS_H
#define CNNC_COMPILER_TRANSFORMS_DECOMPOSEWINDOWOPS_H

#include "mlir/IR/PatternMatch.h"

namespace cnnc {

/// Rewrites a 2-D convolution or pooling on buffers whose output row and
/// kernel row extents are 1 into its 1-D form over rank-reduced subviews,
/// which linalg's vectorizer turns into outer products. Upstream's
/// populateDecomposeConvolutionPatterns does this on tensors only (MLIR 19).
void populateDecomposeWindowOpsOnBuffersPatterns(
    mlir::RewritePatternSet &patterns);

} // namespace cnnc

#endif // CNNC_COMPILER_TRANSFORMS_DECOMPOSEWINDOWOPS_H
