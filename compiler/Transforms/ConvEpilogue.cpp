//===- ConvEpilogue.cpp - A convolution's bias and activation, per tile ---===//
//
// In a cache tile of `conv -> relu`, bufferization leaves three passes over
// the convolution's rows: the bias broadcast into a scratch buffer, the
// convolution accumulating into it, the relu reading it and writing the
// activation. Where the convolution's register tile covers the whole kernel
// and all the filters (FewFilterConv.cpp), each window of its output is
// final when the tile is done: the bias can start the sums and the relu can
// be applied to them in registers, on their way to the activation, so the
// scratch buffer is neither filled, reloaded nor written (docs/compiler.md
// §6). Here: finding that form, and moving its ops into the tile.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/ConvEpilogue.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;

namespace {

/// Whether `op` is an elementwise generic of `input` alone: one input, one
/// output of the same static shape, identity maps, parallel loops, and a
/// body of elementwise scalar ops that never reads the output.
bool isElementwiseOf(linalg::GenericOp op, Value input) {
  if (op.getNumDpsInputs() != 1 || op.getNumDpsInits() != 1 ||
      op.getDpsInputs()[0] != input ||
      op.getNumParallelLoops() != op.getNumLoops() ||
      !llvm::all_of(op.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isIdentity(); }))
    return false;
  auto inType = cast<MemRefType>(input.getType());
  auto outType = dyn_cast<MemRefType>(op.getDpsInits()[0].getType());
  if (!outType || !outType.hasStaticShape() ||
      outType.getShape() != inType.getShape() ||
      outType.getElementType() != inType.getElementType())
    return false;
  Block &body = op.getRegion().front();
  if (!body.getArgument(1).use_empty() ||
      body.getTerminator()->getNumOperands() != 1)
    return false;
  return llvm::all_of(body.without_terminator(), [](Operation &inner) {
    return inner.getNumRegions() == 0 && inner.getNumResults() == 1 &&
           OpTrait::hasElementwiseMappableTraits(&inner) &&
           llvm::all_of(inner.getOperandTypes(),
                        [](Type t) { return t.isIntOrFloat(); });
  });
}

/// Whether `bias` broadcasts a vector of the filters over the rows and
/// columns of `output` (n, h, w, f).
bool broadcastsBias(linalg::BroadcastOp bias, Value output) {
  auto input = dyn_cast<MemRefType>(bias.getInput().getType());
  auto type = dyn_cast<MemRefType>(output.getType());
  return bias.getInit() == output && input && type && input.getRank() == 1 &&
         type.getRank() == 4 &&
         bias.getDimensions() == ArrayRef<int64_t>{0, 1, 2} &&
         input.getDimSize(0) == type.getDimSize(3);
}

/// The elementwise generic of `output` after `op` in its block, reached
/// over ops without memory effects (a view of the activation); null if
/// another op comes first.
linalg::GenericOp nextElementwise(Operation *op, Value output) {
  for (Operation *next = op->getNextNode(); next; next = next->getNextNode()) {
    if (auto generic = dyn_cast<linalg::GenericOp>(next))
      return isElementwiseOf(generic, output) ? generic : linalg::GenericOp();
    if (!isMemoryEffectFree(next))
      return {};
  }
  return {};
}

} // namespace

std::optional<cnnc::ConvEpilogue>
cnnc::findConvEpilogue(linalg::Conv2DNhwcHwcfOp conv) {
  Value output = conv.getDpsInits()[0];
  auto type = dyn_cast<MemRefType>(output.getType());
  // A buffer of its own (not a window of one that others may read).
  if (!conv->hasAttr(kFusedConvAttr) || !type || !type.hasStaticShape() ||
      (!isa<BlockArgument>(output) &&
       !output.getDefiningOp<memref::AllocOp>() &&
       !output.getDefiningOp<memref::AllocaOp>() &&
       !output.getDefiningOp<memref::ViewOp>()))
    return std::nullopt;
  auto bias = dyn_cast_or_null<linalg::BroadcastOp>(conv->getPrevNode());
  linalg::GenericOp activation = nextElementwise(conv, output);
  if (!bias || !broadcastsBias(bias, output) || !activation)
    return std::nullopt;
  for (Operation *user : output.getUsers())
    if (user != bias && user != conv && user != activation)
      return std::nullopt;
  return ConvEpilogue{bias, activation};
}

bool cnnc::moveEpilogueIntoTile(RewriterBase &rewriter, ConvEpilogue epilogue,
                                linalg::LinalgOp tile) {
  Value scratch = epilogue.bias.getInit();
  Value activation = epilogue.activation.getDpsInits()[0];
  Value window = tile.getDpsInits()[0];
  Location loc = tile.getLoc();
  Value activationWindow = activation;
  // The whole bias goes into each window: the tile has all the filters.
  if (cast<MemRefType>(window.getType()).getDimSize(3) !=
      cast<MemRefType>(epilogue.bias.getInput().getType()).getDimSize(0))
    return false;
  // The activation's window goes before the tile, which the few-filter
  // rewrite replaces by code that writes into it.
  rewriter.setInsertionPoint(tile);
  if (window != scratch) {
    auto view = window.getDefiningOp<memref::SubViewOp>();
    if (!view || view.getSource() != scratch)
      return false;
    activationWindow = rewriter.create<memref::SubViewOp>(
        loc, activation, view.getMixedOffsets(), view.getMixedSizes(),
        view.getMixedStrides());
  }
  // The activation's view of its buffer may come after the convolution
  // (a row of the next layer's padded buffer): it goes before the tile
  // loops, which stand where the convolution stood.
  Operation *loops = tile;
  while (loops->getBlock() != epilogue.activation->getBlock())
    loops = loops->getParentOp();
  for (Operation *view = loops->getNextNode(); view != epilogue.activation;) {
    Operation *next = view->getNextNode();
    view->moveBefore(loops);
    view = next;
  }
  rewriter.setInsertionPointAfter(tile);
  IRMapping mapping;
  mapping.map(scratch, window);
  mapping.map(activation, activationWindow);
  Operation *copy = rewriter.clone(*epilogue.activation, mapping);
  copy->setAttr(kConvEpilogue, rewriter.getUnitAttr());
  rewriter.setInsertionPoint(tile);
  rewriter.create<linalg::BroadcastOp>(loc, epilogue.bias.getInput(), window,
                                       epilogue.bias.getDimensions());
  rewriter.eraseOp(epilogue.activation);
  rewriter.eraseOp(epilogue.bias);
  return true;
}

std::optional<cnnc::ConvEpilogue>
cnnc::tileEpilogue(linalg::Conv2DNhwcHwcfOp tile) {
  Value output = tile.getDpsInits()[0];
  auto bias = dyn_cast_or_null<linalg::BroadcastOp>(tile->getPrevNode());
  linalg::GenericOp activation = nextElementwise(tile, output);
  if (!bias || !broadcastsBias(bias, output) || !activation ||
      !activation->hasAttr(kConvEpilogue))
    return std::nullopt;
  return ConvEpilogue{bias, activation};
}

Value cnnc::applyElementwise(OpBuilder &b, Location loc,
                             linalg::GenericOp activation, Value value) {
  auto shape = cast<VectorType>(value.getType()).getShape();
  Block &body = activation.getRegion().front();
  IRMapping mapping;
  mapping.map(body.getArgument(0), value);
  for (Operation &inner : body.without_terminator()) {
    // Scalars from outside the body (the relu's 0) as vectors.
    for (Value operand : inner.getOperands())
      if (!mapping.contains(operand))
        mapping.map(operand, b.create<vector::BroadcastOp>(
                                 loc, VectorType::get(shape, operand.getType()),
                                 operand));
    Operation *lanes = b.clone(inner, mapping);
    Value result = lanes->getResult(0);
    result.setType(VectorType::get(shape, result.getType()));
  }
  return mapping.lookup(body.getTerminator()->getOperand(0));
}
