//===- FewFilterKernelGradient.h - Kernel gradients of few filters -*- C++ -*-//

#ifndef CNNC_COMPILER_TRANSFORMS_FEWFILTERKERNELGRADIENT_H
#define CNNC_COMPILER_TRANSFORMS_FEWFILTERKERNELGRADIENT_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace cnnc {

/// Whether `op` is one tap of a convolution's kernel gradient on buffers
/// (the lowering's form: dk(c, f) += x(n, h, w, c) * dy(n, h, w, f), loops
/// (c, f, n, h, w)), whose filters are the last dimension of dy and dk.
bool isKernelGradientTap(mlir::linalg::GenericOp op);

/// How many input channels share a vector in `op`, a kernel gradient tap:
/// G = 16 / F when its F filters are 1, 2, 4 or 8, the channels a multiple
/// of G, both images contiguous along their channels and the output's rows
/// contiguous, at least F floats apart (a slice of a wider kernel
/// gradient's filters too); 0 otherwise (the op then goes by the usual
/// contraction tiles: rows of channels by a vector of F filters).
int64_t fewFilterKernelGradientGroups(mlir::linalg::GenericOp op);

/// Replaces such an op by vector code whose 16 lanes are (filter, channel
/// mod G), as FewFilterConv.h's forward tiles: per pixel, one permute
/// repeats dy's F filters G times and each group of G channels of x is one
/// broadcast load and one full-width FMA. When `op` is alone in a loop over
/// a kernel row's taps, the loop and all its taps are replaced, in one pass
/// over the pixels. Each (c, f) stays one running sum over (image, row,
/// column) that starts from the output's value, as in the contraction
/// tiles: the same bits.
void rewriteFewFilterKernelGradient(mlir::RewriterBase &rewriter,
                                    mlir::linalg::GenericOp op);

} // namespace cnnc

#endif // CNNC_COMPILER_TRANSFORMS_FEWFILTERKERNELGRADIENT_H
