//===- PadInPlace.cpp - Compute a padded tensor's interior in place -------===//
//
// This file implements --cnn-pad-in-place. A `same` convolution reads its
// input through tensor.pad, which one-shot bufferization turns into a new
// buffer, a fill of all of it and a copy of the source into its interior:
// on a chain of 3x3 convolutions of 8 channels over 28x28 that memset and
// copy were 26 % of a forward pass. Here each such pad becomes
//
//   %e   = tensor.empty            (the padded shape)
//   %b   = cnn.fill_border %e      (its border set to the padding value)
//   %in  = tensor.extract_slice %b (the interior)
//   ...  the source, computed with %in as its destination ...
//   %p   = tensor.insert_slice %source into %b (the interior)
//
// When the source is computed into a tensor.empty (a tile loop's or a
// linalg op's destination, followed back through destinations), that
// destination becomes %in, so the producer writes the interior of the
// padded buffer and bufferization leaves no copy: the insert_slice puts back
// what its matching extract_slice took. Any other source (a function's
// input) is copied into the interior, and only the border is filled, not
// the whole buffer. The rewrite is exact in any case: a tensor.empty's
// contents are undefined, so any tensor may stand in for it, and the
// result is the source inside a border of the padding value.
//
// The border is filled each time the padded tensor is made, once per call
// and buffer: the memory plan lets other buffers use the same bytes in
// between, so a border written once would not stay zero.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"

namespace cnnc {
#define GEN_PASS_DEF_PADINPLACE
#include "compiler/Passes.h.inc"
} // namespace cnnc

using namespace mlir;

namespace {

/// The use of a tensor.empty from which `value` is computed: its
/// destination, or the destination of that destination's producer, and so
/// on, through linalg (destination-style) ops and loops' iteration
/// arguments. Null when the chain ends elsewhere (a function argument).
OpOperand *findEmptyDestination(Value value) {
  while (auto result = dyn_cast<OpResult>(value)) {
    Operation *op = result.getOwner();
    OpOperand *init = nullptr;
    if (auto dps = dyn_cast<DestinationStyleOpInterface>(op))
      init = dps.getTiedOpOperand(result);
    else if (auto loop = dyn_cast<scf::ForOp>(op))
      init = &loop.getInitArgsMutable()[result.getResultNumber()];
    if (!init)
      return nullptr;
    if (init->get().getDefiningOp<tensor::EmptyOp>())
      return init;
    value = init->get();
  }
  return nullptr;
}

/// Rewrites `pad` as a border fill and an interior written in place. Leaves
/// it alone when its padding is not a constant of static widths, or pads a
/// dynamic dimension.
void rewritePad(tensor::PadOp pad) {
  Value padValue = pad.getConstantPaddingValue();
  Attribute padAttr;
  if (!padValue || !matchPattern(padValue, m_Constant(&padAttr)) ||
      !isa<TypedAttr>(padAttr) || !pad.getLow().empty() ||
      !pad.getHigh().empty())
    return;
  ArrayRef<int64_t> low = pad.getStaticLow(), high = pad.getStaticHigh();
  RankedTensorType sourceType = pad.getSourceType();
  RankedTensorType paddedType = pad.getResultType();
  int64_t rank = sourceType.getRank();
  for (int64_t d = 0; d < rank; ++d)
    if (sourceType.isDynamicDim(d) && (low[d] != 0 || high[d] != 0))
      return;

  // Where the padded tensor is made: before the op that computes the source
  // into a tensor.empty, when that op is in the pad's block (it then
  // dominates the pad); else at the pad.
  OpOperand *destination = findEmptyDestination(pad.getSource());
  if (destination && destination->getOwner()->getBlock() != pad->getBlock())
    destination = nullptr;
  Operation *start = destination ? destination->getOwner() : pad;
  OpBuilder b(start);
  Location loc = pad.getLoc();

  // The source's sizes, valid at `start`: a dynamic one from the
  // tensor.empty's operands (which dominate its use), or read from the
  // source when the padded tensor is made at the pad.
  SmallVector<OpFoldResult> sizes;
  auto empty = destination ? destination->get().getDefiningOp<tensor::EmptyOp>()
                           : tensor::EmptyOp();
  for (int64_t d = 0; d < rank; ++d) {
    if (!sourceType.isDynamicDim(d))
      sizes.push_back(b.getIndexAttr(sourceType.getDimSize(d)));
    else if (empty)
      sizes.push_back(empty.getDynamicSize(d));
    else
      sizes.push_back(
          b.create<tensor::DimOp>(loc, pad.getSource(), d).getResult());
  }
  // A dynamic dimension is not padded, so the padded tensor's dynamic
  // sizes are the source's.
  SmallVector<Value> dynamicSizes;
  for (int64_t d = 0; d < rank; ++d)
    if (paddedType.isDynamicDim(d))
      dynamicSizes.push_back(cast<Value>(sizes[d]));
  Value padded = b.create<tensor::EmptyOp>(loc, paddedType, dynamicSizes);
  Value fillValue =
      b.create<arith::ConstantOp>(loc, cast<TypedAttr>(padAttr)).getResult();
  SmallVector<OpFoldResult> ones(rank, b.getIndexAttr(1));
  // The border as one op, which bufferizes to a fill per strip: strips made
  // here would be extract/insert pairs that bufferization's subset
  // analysis compares pairwise (CnnPaddingOps.td).
  padded = b.create<cnn::FillBorderOp>(loc, fillValue, padded,
                                       b.getDenseI64ArrayAttr(low),
                                       b.getDenseI64ArrayAttr(high));

  SmallVector<OpFoldResult> interior;
  for (int64_t d = 0; d < rank; ++d)
    interior.push_back(b.getIndexAttr(low[d]));
  if (destination) {
    destination->set(b.create<tensor::ExtractSliceOp>(loc, sourceType, padded,
                                                      interior, sizes, ones));
    // The tensor.empty it replaced may have no other use left; later
    // passes expect none of those (canonicalization would remove it).
    if (empty->use_empty())
      empty->erase();
  }

  b.setInsertionPoint(pad);
  Value result = b.create<tensor::InsertSliceOp>(loc, pad.getSource(), padded,
                                                 interior, sizes, ones);
  pad.replaceAllUsesWith(result);
  pad.erase();
}

struct PadInPlace : cnnc::impl::PadInPlaceBase<PadInPlace> {
  void runOnOperation() override {
    // Pads directly in the function's body: one inside a tile loop would
    // make its padded tensor, and fill its border, once per tile.
    SmallVector<tensor::PadOp> pads;
    for (auto pad : getOperation().getBody().getOps<tensor::PadOp>())
      pads.push_back(pad);
    for (tensor::PadOp pad : pads)
      rewritePad(pad);
  }
};

} // namespace
