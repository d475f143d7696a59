//===- Bf16Contractions.cpp - FP32 matmuls as bf16 pair contractions ------===//
//
// This file implements --cnn-bf16-contractions, which `--precision bf16`
// adds after --convert-cnn-to-linalg. AVX512-BF16's vdpbf16ps multiplies
// 32 bf16 pairs and adds each pair's two products into one of 16 f32
// lanes: lane i += a[2i]·b[2i] + a[2i+1]·b[2i+1]. The lanes are output
// columns, so a pair must be two steps of the reduction, and the operand
// that runs along the lanes must hold, for each column, its two reduction
// steps side by side. A matmul out[m, n] += x[m, k]·W[k, n] therefore
// becomes
//
//   xb = bf16(x) viewed as [M, K/2, 2]        (rounding only: x[m, 2k'+p])
//   Wb[k', n, p] = bf16(W[2k' + p, n])        (packed once per call)
//   out[m, n] += Σ_{k', p} f32(xb[m, k', p]) · f32(Wb[k', n, p])
//
// in which --cnn-vectorize keeps the pair whole in a tile and
// --cnn-lower-bf16-dot turns each tile's step into vdpbf16ps. Rounding is
// to nearest even (arith.truncf, the hardware's conversion). The matmul's
// output, and everything else (weights, gradients, optimizer state), stays
// f32. A matmul whose reduction is dynamic or odd stays f32.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace cnnc {
#define GEN_PASS_DEF_BF16CONTRACTIONS
#include "compiler/Passes.h.inc"
} // namespace cnnc

using namespace mlir;

namespace {

/// `value` (f32) rounded to bf16 elementwise, same shape.
Value roundToBf16(OpBuilder &b, Location loc, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  auto bf16Type = RankedTensorType::get(type.getShape(), b.getBF16Type());
  Value empty = b.create<tensor::EmptyOp>(
      loc, tensor::getMixedSizes(b, loc, value), b.getBF16Type());
  SmallVector<AffineMap> maps(2, b.getMultiDimIdentityMap(type.getRank()));
  SmallVector<utils::IteratorType> iterators(type.getRank(),
                                             utils::IteratorType::parallel);
  return b
      .create<linalg::GenericOp>(
          loc, TypeRange{bf16Type}, ValueRange{value}, ValueRange{empty}, maps,
          iterators,
          [](OpBuilder &b, Location loc, ValueRange args) {
            b.create<linalg::YieldOp>(loc, ValueRange{b.create<arith::TruncFOp>(
                                               loc, b.getBF16Type(), args[0])});
          })
      .getResult(0);
}

/// W [K, N] (f32, static) packed as [K/2, N, 2] bf16: Wb[k', n, p] =
/// bf16(W[2k' + p, n]).
Value packPairs(OpBuilder &b, Location loc, Value w) {
  auto type = cast<RankedTensorType>(w.getType());
  int64_t k = type.getDimSize(0), n = type.getDimSize(1);
  Value split = b.create<tensor::ExpandShapeOp>(
      loc, RankedTensorType::get({k / 2, 2, n}, b.getF32Type()), w,
      SmallVector<ReassociationIndices>{{0, 1}, {2}});
  auto packedType = RankedTensorType::get({k / 2, n, 2}, b.getBF16Type());
  Value empty =
      b.create<tensor::EmptyOp>(loc, packedType.getShape(), b.getBF16Type());
  MLIRContext *context = b.getContext();
  AffineExpr kk = getAffineDimExpr(0, context),
             col = getAffineDimExpr(1, context),
             p = getAffineDimExpr(2, context);
  SmallVector<AffineMap> maps{AffineMap::get(3, 0, {kk, p, col}, context),
                              AffineMap::get(3, 0, {kk, col, p}, context)};
  SmallVector<utils::IteratorType> iterators(3, utils::IteratorType::parallel);
  return b
      .create<linalg::GenericOp>(
          loc, TypeRange{packedType}, ValueRange{split}, ValueRange{empty},
          maps, iterators,
          [](OpBuilder &b, Location loc, ValueRange args) {
            b.create<linalg::YieldOp>(loc, ValueRange{b.create<arith::TruncFOp>(
                                               loc, b.getBF16Type(), args[0])});
          })
      .getResult(0);
}

struct Bf16Contractions : cnnc::impl::Bf16ContractionsBase<Bf16Contractions> {
  void runOnOperation() override {
    SmallVector<linalg::MatmulOp> matmuls;
    getOperation().walk([&](linalg::MatmulOp op) {
      if (op.hasPureTensorSemantics())
        matmuls.push_back(op);
    });
    for (linalg::MatmulOp op : matmuls) {
      Value x = op.getDpsInputs()[0], w = op.getDpsInputs()[1];
      Value init = op.getDpsInits()[0];
      auto xType = cast<RankedTensorType>(x.getType());
      auto wType = cast<RankedTensorType>(w.getType());
      auto outType = cast<RankedTensorType>(init.getType());
      int64_t k = wType.getDimSize(0);
      if (!xType.getElementType().isF32() || !wType.getElementType().isF32() ||
          !outType.getElementType().isF32() || !wType.hasStaticShape() ||
          k % 2 != 0 || k == 0)
        continue;
      OpBuilder b(op);
      Location loc = op.getLoc();
      Value xRounded = roundToBf16(b, loc, x);
      SmallVector<OpFoldResult> pairedSizes =
          tensor::getMixedSizes(b, loc, xRounded);
      pairedSizes.back() = b.getIndexAttr(k / 2);
      pairedSizes.push_back(b.getIndexAttr(2));
      SmallVector<int64_t> pairedShape{xType.getDimSize(0), k / 2, 2};
      Value xPairs = b.create<tensor::ExpandShapeOp>(
          loc, RankedTensorType::get(pairedShape, b.getBF16Type()), xRounded,
          SmallVector<ReassociationIndices>{{0}, {1, 2}}, pairedSizes);
      Value wPairs = packPairs(b, loc, w);

      // (m, n, k', p): out[m, n] += f32(x[m, k', p]) · f32(W[k', n, p]).
      MLIRContext *context = &getContext();
      AffineExpr m = getAffineDimExpr(0, context),
                 n = getAffineDimExpr(1, context),
                 kk = getAffineDimExpr(2, context),
                 p = getAffineDimExpr(3, context);
      SmallVector<AffineMap> maps{AffineMap::get(4, 0, {m, kk, p}, context),
                                  AffineMap::get(4, 0, {kk, n, p}, context),
                                  AffineMap::get(4, 0, {m, n}, context)};
      SmallVector<utils::IteratorType> iterators{
          utils::IteratorType::parallel, utils::IteratorType::parallel,
          utils::IteratorType::reduction, utils::IteratorType::reduction};
      auto product = b.create<linalg::GenericOp>(
          loc, TypeRange{outType}, ValueRange{xPairs, wPairs}, ValueRange{init},
          maps, iterators, [](OpBuilder &b, Location loc, ValueRange args) {
            Value a = b.create<arith::ExtFOp>(loc, b.getF32Type(), args[0]);
            Value c = b.create<arith::ExtFOp>(loc, b.getF32Type(), args[1]);
            Value sum = b.create<arith::AddFOp>(
                loc, args[2], b.create<arith::MulFOp>(loc, a, c));
            b.create<linalg::YieldOp>(loc, ValueRange{sum});
          });
      op->replaceAllUsesWith(product->getResults());
      op->erase();
    }
  }
};

} // namespace
