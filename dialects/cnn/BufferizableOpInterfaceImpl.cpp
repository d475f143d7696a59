//===- BufferizableOpInterfaceImpl.cpp - cnn ops in one-shot bufferization ===//
//
// cnn.fill_border bufferizes in place: its result is its destination's
// buffer, with a linalg.fill of each border strip, two per dimension that
// has a border, each spanning the whole extent of the other dimensions
// (corners are filled twice: a few values). The interior is neither read
// nor written here, which is the point: the layer before writes it in
// place (--cnn-pad-in-place).
//
//===----------------------------------------------------------------------===//

#include "dialects/cnn/BufferizableOpInterfaceImpl.h"
#include "dialects/cnn/CnnDialect.h"
#include "dialects/cnn/CnnOps.h"

#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;
using namespace mlir::bufferization;

namespace {

struct FillBorderOpInterface
    : BufferizableOpInterface::ExternalModel<FillBorderOpInterface,
                                             cnn::FillBorderOp> {
  // The interior passes through from the destination, so the destination
  // is read (as an insert_slice reads its destination).
  bool bufferizesToMemoryRead(Operation *, OpOperand &operand,
                              const AnalysisState &) const {
    return operand.getOperandNumber() == 1;
  }

  bool bufferizesToMemoryWrite(Operation *, OpOperand &operand,
                               const AnalysisState &) const {
    return operand.getOperandNumber() == 1;
  }

  AliasingValueList getAliasingValues(Operation *op, OpOperand &operand,
                                      const AnalysisState &) const {
    if (operand.getOperandNumber() != 1)
      return {};
    return {{op->getResult(0), BufferRelation::Equivalent}};
  }

  LogicalResult bufferize(Operation *op, RewriterBase &rewriter,
                          const BufferizationOptions &options) const {
    auto fill = cast<cnn::FillBorderOp>(op);
    FailureOr<Value> buffer = getBuffer(rewriter, fill.getDest(), options);
    if (failed(buffer))
      return failure();
    Location loc = op->getLoc();
    rewriter.setInsertionPoint(op);
    SmallVector<OpFoldResult> sizes =
        memref::getMixedSizes(rewriter, loc, *buffer);
    int64_t rank = sizes.size();
    SmallVector<OpFoldResult> ones(rank, rewriter.getIndexAttr(1));
    auto fillStrip = [&](int64_t d, int64_t offset, int64_t width) {
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
      SmallVector<OpFoldResult> stripSizes(sizes);
      offsets[d] = rewriter.getIndexAttr(offset);
      stripSizes[d] = rewriter.getIndexAttr(width);
      Value strip = rewriter.create<memref::SubViewOp>(loc, *buffer, offsets,
                                                       stripSizes, ones);
      rewriter.create<linalg::FillOp>(loc, fill.getValue(), strip);
    };
    auto type = fill.getDest().getType();
    for (int64_t d = 0; d < rank; ++d) {
      int64_t low = fill.getLow()[d], high = fill.getHigh()[d];
      if (low > 0)
        fillStrip(d, 0, low);
      if (high > 0)
        fillStrip(d, type.getDimSize(d) - high, high);
    }
    replaceOpWithBufferizedValues(rewriter, op, *buffer);
    return success();
  }
};

} // namespace

void cnn::registerBufferizableOpInterfaceExternalModels(
    DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *context, cnn::CnnDialect *) {
    cnn::FillBorderOp::attachInterface<FillBorderOpInterface>(*context);
    // The dialects of the ops bufferization makes (as upstream's tensor
    // models load theirs).
    context->loadDialect<linalg::LinalgDialect, memref::MemRefDialect>();
  });
}
