//===- BufferizableOpInterfaceImpl.cpp - cnn ops in one-shot bufferization ===//
//
// cnn.fill_border bufferizes in place: its result is its destination's
// buffer, with a linalg.fill of each border strip, two per dimension that
// has a border, each spanning the whole extent of the other dimensions
// (corners are filled twice: a few values). The interior is neither read
// nor written here, which is the point: the layer before writes it in
// place (--cnn-pad-in-place).
//
// cnn.sum_across_chunks bufferizes in place too, into
// cnn.sum_across_chunks_in_place on its operand's buffer: the runtime adds
// the chunks' buffers and writes the total back into each.
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

struct SumAcrossChunksOpInterface
    : BufferizableOpInterface::ExternalModel<SumAcrossChunksOpInterface,
                                             cnn::SumAcrossChunksOp> {
  bool bufferizesToMemoryRead(Operation *, OpOperand &,
                              const AnalysisState &) const {
    return true;
  }

  bool bufferizesToMemoryWrite(Operation *, OpOperand &,
                               const AnalysisState &) const {
    return true;
  }

  AliasingValueList getAliasingValues(Operation *op, OpOperand &,
                                      const AnalysisState &) const {
    return {{op->getResult(0), BufferRelation::Equivalent}};
  }

  LogicalResult bufferize(Operation *op, RewriterBase &rewriter,
                          const BufferizationOptions &options) const {
    auto sum = cast<cnn::SumAcrossChunksOp>(op);
    FailureOr<Value> buffer = getBuffer(rewriter, sum.getPartial(), options);
    if (failed(buffer))
      return failure();
    // The runtime reads a plain array: a buffer at an offset or with a
    // stride (never made for the packed vector the lowering builds) would
    // need a copy, which is not worth the code.
    auto type = cast<MemRefType>(buffer->getType());
    if (!type.getLayout().isIdentity())
      return op->emitError("sums across chunks need an identity layout, got ")
             << type;
    rewriter.setInsertionPoint(op);
    rewriter.create<cnn::SumAcrossChunksInPlaceOp>(op->getLoc(), *buffer);
    replaceOpWithBufferizedValues(rewriter, op, *buffer);
    return success();
  }
};

} // namespace

void cnn::registerBufferizableOpInterfaceExternalModels(
    DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *context, cnn::CnnDialect *) {
    cnn::FillBorderOp::attachInterface<FillBorderOpInterface>(*context);
    cnn::SumAcrossChunksOp::attachInterface<SumAcrossChunksOpInterface>(
        *context);
    // The dialects of the ops bufferization makes (as upstream's tensor
    // models load theirs).
    context->loadDialect<linalg::LinalgDialect, memref::MemRefDialect>();
  });
}
