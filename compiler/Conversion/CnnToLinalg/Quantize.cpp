//===- Quantize.cpp - The int8 ops: codes, and back to f32 ----------------===//
//
// Each is one elementwise generic; the per-channel values are a constant
// (C) vector indexed by the last dimension:
//
//   quantize_input:   clamp(rint(x * inv) + z, 0, 255) - z,  inv = 1/scale
//   quantize_kernel:  clamp(rint(K * inv[c]), -127, 127),   inv = 1/scales
//   dequantize:       a * m[c] (+ bias[c])
//
// Products and sums are separate f32 operations (no contraction into an
// FMA: arith ops carry no fastmath flags), as numpy's reference computes
// them (test/Driver/Inputs/int8_reference.py).
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/CnnToLinalg/Lowering.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::cnn;
using namespace cnnc;
using namespace cnnc::lowering;

namespace {

/// A constant tensor<C x f32>.
Value channelConstant(OpBuilder &b, Location loc, ArrayRef<float> values) {
  auto type = RankedTensorType::get({int64_t(values.size())}, b.getF32Type());
  return b.create<arith::ConstantOp>(loc, DenseElementsAttr::get(type, values));
}

/// An elementwise generic over `target`, the (C) `channels` broadcast over
/// every dimension but the last; `body` gets the elements in that order.
Value perChannel(OpBuilder &b, Location loc, Value target,
                 ArrayRef<Value> channels,
                 function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  auto type = cast<RankedTensorType>(target.getType());
  unsigned rank = unsigned(type.getRank());
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  AffineMap channel = map(b, rank, {b.getAffineDimExpr(rank - 1)});
  SmallVector<Value> inputs{target};
  llvm::append_range(inputs, channels);
  SmallVector<AffineMap> maps{identity};
  maps.append(channels.size(), channel);
  maps.push_back(identity);
  return b
      .create<linalg::GenericOp>(
          loc, TypeRange{type}, inputs,
          ValueRange{emptyTensor(b, loc, type, target)}, maps,
          iterators(rank, 0),
          [&](OpBuilder &nb, Location nl, ValueRange args) {
            nb.create<linalg::YieldOp>(
                nl, ValueRange{body(nb, nl, args.drop_back())});
          })
      .getResult(0);
}

Value clamp(OpBuilder &b, Location loc, Value v, float lo, float hi) {
  v = b.create<arith::MaximumFOp>(loc, v, constantF32(b, loc, lo));
  return b.create<arith::MinimumFOp>(loc, v, constantF32(b, loc, hi));
}

struct LowerQuantizeInput : OpRewritePattern<QuantizeInputOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(QuantizeInputOp op,
                                PatternRewriter &b) const override {
    float inverse = 1.0f / op.getScale().convertToFloat();
    float zero = float(op.getZeroPoint());
    b.replaceOp(op, perChannel(b, op.getLoc(), op.getInput(), {},
                               [&](OpBuilder &nb, Location nl, ValueRange a) {
                                 Value scaled = nb.create<arith::MulFOp>(
                                     nl, a[0], constantF32(nb, nl, inverse));
                                 Value code = nb.create<arith::AddFOp>(
                                     nl,
                                     nb.create<math::RoundEvenOp>(nl, scaled),
                                     constantF32(nb, nl, zero));
                                 return nb.create<arith::SubFOp>(
                                     nl, clamp(nb, nl, code, 0.0f, 255.0f),
                                     constantF32(nb, nl, zero));
                               }));
    return success();
  }
};

struct LowerQuantizeKernel : OpRewritePattern<QuantizeKernelOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(QuantizeKernelOp op,
                                PatternRewriter &b) const override {
    SmallVector<float> inverses;
    for (float scale : op.getScales())
      inverses.push_back(1.0f / scale);
    Value inverse = channelConstant(b, op.getLoc(), inverses);
    b.replaceOp(op, perChannel(b, op.getLoc(), op.getKernel(), {inverse},
                               [&](OpBuilder &nb, Location nl, ValueRange a) {
                                 Value scaled =
                                     nb.create<arith::MulFOp>(nl, a[0], a[1]);
                                 return clamp(
                                     nb, nl,
                                     nb.create<math::RoundEvenOp>(nl, scaled),
                                     -127.0f, 127.0f);
                               }));
    return success();
  }
};

struct LowerDequantize : OpRewritePattern<DequantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DequantizeOp op,
                                PatternRewriter &b) const override {
    SmallVector<Value> channels{
        channelConstant(b, op.getLoc(), op.getMultipliers())};
    if (op.getBias())
      channels.push_back(op.getBias());
    b.replaceOp(
        op, perChannel(b, op.getLoc(), op.getInput(), channels,
                       [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
                         Value y = nb.create<arith::MulFOp>(nl, a[0], a[1]);
                         if (a.size() > 2)
                           y = nb.create<arith::AddFOp>(nl, y, a[2]);
                         return y;
                       }));
    return success();
  }
};

} // namespace

void cnnc::lowering::populateQuantizePatterns(RewritePatternSet &patterns) {
  patterns.add<LowerQuantizeInput, LowerQuantizeKernel, LowerDequantize>(
      patterns.getContext());
}
