//===- ConvEpilogue.h - A convolution's bias and activation, per tile -----===//

#ifndef CNNC_COMPILER_TRANSFORMS_CONVEPILOGUE_H
#define CNNC_COMPILER_TRANSFORMS_CONVEPILOGUE_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace cnnc {

/// Marks the linalg convolution of a lowered fused_conv2d with a relu: its
/// output (the sums before the relu) is read by the relu alone, whatever
/// buffer bufferization gives it.
constexpr llvm::StringLiteral kFusedConvAttr = "cnn.fused_conv";

/// Marks the elementwise op --cnn-vectorize moved into a convolution's
/// register tile, right after it: the convolution's output tile is read by
/// nothing else, so the tile's code may write the op's result alone.
constexpr llvm::StringLiteral kConvEpilogue = "cnn.conv_epilogue";

/// A convolution's bias and activation as bufferization leaves them in a
/// cache tile: `linalg.broadcast` of the bias into a scratch buffer T, the
/// convolution accumulating into T, and one elementwise generic (relu)
/// reading T and writing the activation Y. Nothing else reads T: the
/// convolution carries kFusedConvAttr.
struct ConvEpilogue {
  mlir::linalg::BroadcastOp bias;
  mlir::linalg::GenericOp activation;
};

/// The epilogue around `conv`, when it has that form: `conv` marked
/// kFusedConvAttr, the broadcast right before it into its output T, a
/// generic after it in the same block whose one input is T, with identity
/// maps and a body of elementwise ops of that input alone, and no other
/// user of T in the function.
std::optional<ConvEpilogue>
findConvEpilogue(mlir::linalg::Conv2DNhwcHwcfOp conv);

/// Puts copies of `epilogue`'s two ops around `tile`, the register tile
/// tiling made of its convolution: the bias broadcast into the tile's
/// output right before it, the activation of that output into the same
/// window of Y right after it (marked kConvEpilogue), and erases the
/// originals. The tile covers the whole kernel and all the filters, so
/// each window is final when the activation reads it. False, with nothing
/// changed, if the tile's output is not a window of the convolution's.
bool moveEpilogueIntoTile(mlir::RewriterBase &rewriter, ConvEpilogue epilogue,
                          mlir::linalg::LinalgOp tile);

/// The kConvEpilogue op after `conv`'s tile and the bias broadcast before
/// it, if moveEpilogueIntoTile put them there.
std::optional<ConvEpilogue> tileEpilogue(mlir::linalg::Conv2DNhwcHwcfOp tile);

/// `activation`'s body applied lane by lane to `value` (a vector of its
/// input's element type): each op of the body on vectors, its scalar
/// operands from outside the body broadcast. The same ops in the same order
/// as the loop would run them, so the same bits.
mlir::Value applyElementwise(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::linalg::GenericOp activation,
                             mlir::Value value);

} // namespace cnnc

#endif // CNNC_COMPILER_TRANSFORMS_CONVEPILOGUE_H
