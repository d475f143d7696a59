//===- FuseEpilogue.cpp - Per-channel epilogues into a fused conv's tiles -===//
//
// This file implements --cnn-fuse-epilogue. A lowered fused_conv2d marks its
// last op (relu or pooling) as the fusion root, and --cnn-tile computes the
// convolution tile by tile inside that root's loop. An inference
// BatchNormalization after the relu (Conv2D(activation='relu') then
// BatchNormalization(), as most Keras CNNs write it) cannot be folded into
// the convolution's weights: the relu stands between them. Lowered, it is a
// per-channel affine generic, y = (x - mean[c]) * s[c] + beta[c], that read
// and wrote the whole activation tensor once more, and it kept the pooling
// after it out of the fused op.
//
// This pass moves the mark forward instead, so that the tile loop computes
// conv -> relu -> BN [-> pooling] while the tile is in registers/cache:
//
//   1. through each elementwise generic that is the root's only consumer
//      and whose other operands are per-channel (static) tensors that do
//      not depend on the root: the BN, or any such affine epilogue;
//   2. then onto a max / min / sum pooling that reads the result directly
//      (no padding between: a padded pooling does not tile through its
//      pad, as --cnn-fuse-conv-relu-pool also refuses), when the fused
//      chain has no pooling yet; then through its elementwise consumers
//      again (an average's division).
//
// An int8 layer's convolution is a root of its own (a fused_conv2d with
// neither relu nor pool; --cnn-fuse-conv-relu-pool), and its chain is
// conv -> dequantize -> relu -> pooling -> the next int8 layer's input
// coding: rule 1 takes the dequantize (a constant and the bias per
// channel) and the relu, rule 2 the pooling, rule 1 again the coding.
//
// Nothing is recomputed: every op the root passes through has one
// consumer, and a pooling whose windows tile its input (the only ones that
// reach here unpadded with one consumer in practice) reads each element
// once. The math is unchanged, op for op, so results are bit-identical to
// the unfused program.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/CnnToLinalg/Lowering.h"
#include "compiler/Passes.h"

#include "mlir/Analysis/SliceAnalysis.h"

namespace cnnc {
#define GEN_PASS_DEF_FUSEEPILOGUE
#include "compiler/Passes.h.inc"
} // namespace cnnc

using namespace mlir;
using cnnc::lowering::kFusionRootAttr;

namespace {

bool isPooling(Operation *op) {
  return op && isa<linalg::PoolingNhwcMaxOp, linalg::PoolingNhwcMinOp,
                   linalg::PoolingNhwcSumOp>(op);
}

/// The one consumer of `value` other than size queries (tensor.dim of the
/// batch, which every later layer's tensor.empty takes), or null.
Operation *soleConsumer(Value value) {
  Operation *consumer = nullptr;
  for (Operation *user : value.getUsers()) {
    if (isa<tensor::DimOp>(user))
      continue;
    if (consumer && consumer != user)
      return nullptr;
    consumer = user;
  }
  // Twice as an operand (x * x) is still a single consumer, but not an
  // elementwise epilogue of one input; the checks below reject it.
  return consumer;
}

/// Whether `op` is an elementwise epilogue of `root`: all loops parallel,
/// `root`'s result its only full-size input, through the identity map as
/// its output, and every other input static and per-channel (or any
/// projection that skips the batch), computed without `root`.
bool isEpilogueOf(Operation *op, Operation *root) {
  auto generic = dyn_cast_or_null<linalg::GenericOp>(op);
  if (!generic || generic.getNumDpsInits() != 1 ||
      generic.getNumReductionLoops() != 0)
    return false;
  Value rootResult = root->getResult(0);
  if (!generic.getIndexingMapMatchingResult(generic->getResult(0)).isIdentity())
    return false;
  int fromRoot = 0;
  for (OpOperand *input : generic.getDpsInputOperands()) {
    AffineMap map = generic.getMatchingIndexingMap(input);
    if (input->get() == rootResult) {
      if (!map.isIdentity())
        return false;
      ++fromRoot;
      continue;
    }
    auto type = dyn_cast<RankedTensorType>(input->get().getType());
    if (!type || !type.hasStaticShape() || !map.isProjectedPermutation() ||
        map.isFunctionOfDim(0))
      return false;
    // Could it have been computed from the root? Then it would have to be
    // computed inside the tile loop from a partial result: not an epilogue.
    SetVector<Operation *> slice;
    BackwardSliceOptions options;
    options.inclusive = true;
    options.omitBlockArguments = true;
    getBackwardSlice(input->get(), &slice, options);
    if (slice.contains(root))
      return false;
  }
  return fromRoot == 1 && generic.getDpsInitOperand(0)->get() != rootResult;
}

/// Moves the fusion mark of `root` as far as the rules above allow.
void extendRoot(Operation *root) {
  // A pooling already in the fused chain (max/min: the root; avg: the
  // sum under the root's division) takes no second window op.
  bool pooled = isPooling(root);
  if (auto generic = dyn_cast<linalg::GenericOp>(root))
    for (Value input : generic.getDpsInputs())
      pooled |= isPooling(input.getDefiningOp());

  Operation *current = root;
  while (true) {
    if (current->getNumResults() != 1)
      break;
    Operation *next = soleConsumer(current->getResult(0));
    if (!next)
      break;
    bool take = isEpilogueOf(next, current);
    if (!take && !pooled && isPooling(next)) {
      auto pool = cast<linalg::LinalgOp>(next);
      take = pool.getDpsInputOperand(0)->get() == current->getResult(0);
      pooled = take;
    }
    if (!take)
      break;
    current = next;
  }
  if (current == root)
    return;
  root->removeAttr(kFusionRootAttr);
  current->setAttr(kFusionRootAttr, UnitAttr::get(current->getContext()));
}

struct FuseEpilogue : cnnc::impl::FuseEpilogueBase<FuseEpilogue> {
  void runOnOperation() override {
    SmallVector<Operation *> roots;
    getOperation().walk([&](Operation *op) {
      if (op->hasAttr(kFusionRootAttr))
        roots.push_back(op);
    });
    for (Operation *root : roots)
      extendRoot(root);
  }
};

} // namespace
