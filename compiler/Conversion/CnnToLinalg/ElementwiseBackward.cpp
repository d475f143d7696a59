//===- ElementwiseBackward.cpp - Gradients of activations, crop, dropout --===//
//
// The gradients of the ops in Elementwise.cpp, in the forms those take:
// elementwise linalg.generics for the activations' gradients and multiply,
// a reduction over the axis and one map for softmax's, tensor slices and
// reshapes for crop2d's gradient and reshape. Dropout's mask is a hash of
// (seed, stream, step, the element's index in the batch), computed in the
// map itself: no random state is carried between steps.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/CnnToLinalg/Lowering.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::cnn;
using namespace cnnc;
using namespace cnnc::lowering;

namespace {

/// An elementwise linalg.generic over same-typed tensors.
Value zipElements(OpBuilder &b, Location loc, ValueRange inputs,
                  function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  auto type = cast<RankedTensorType>(inputs[0].getType());
  Value init = emptyTensor(b, loc, type, inputs[0]);
  SmallVector<AffineMap> maps(inputs.size() + 1,
                              b.getMultiDimIdentityMap(type.getRank()));
  return b
      .create<linalg::GenericOp>(
          loc, TypeRange{type}, inputs, ValueRange{init}, maps,
          iterators(type.getRank(), 0),
          [&](OpBuilder &nb, Location nl, ValueRange args) {
            nb.create<linalg::YieldOp>(nl, body(nb, nl, args.drop_back()));
          })
      .getResult(0);
}

struct LowerActivationGrad : OpRewritePattern<ActivationGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ActivationGradOp op,
                                PatternRewriter &b) const override {
    ActivationKind kind = op.getKind();
    b.replaceOp(
        op, zipElements(
                b, op.getLoc(), ValueRange{op.getOutput(), op.getOutputGrad()},
                [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                  Value y = args[0], g = args[1];
                  Value one = constantF32(nb, nl, 1.0f);
                  switch (kind) {
                  case ActivationKind::relu: {
                    Value positive =
                        nb.create<arith::CmpFOp>(nl, arith::CmpFPredicate::OGT,
                                                 y, constantF32(nb, nl, 0.0f));
                    return nb.create<arith::SelectOp>(
                        nl, positive, g, constantF32(nb, nl, 0.0f));
                  }
                  case ActivationKind::sigmoid: {
                    Value slope = nb.create<arith::MulFOp>(
                        nl, y, nb.create<arith::SubFOp>(nl, one, y));
                    return nb.create<arith::MulFOp>(nl, g, slope);
                  }
                  case ActivationKind::tanh: {
                    Value slope = nb.create<arith::SubFOp>(
                        nl, one, nb.create<arith::MulFOp>(nl, y, y));
                    return nb.create<arith::MulFOp>(nl, g, slope);
                  }
                  }
                  llvm_unreachable("unknown activation");
                }));
    return success();
  }
};

/// dx = y * (dy - sum_axis(dy * y)).
struct LowerSoftmaxGrad : OpRewritePattern<SoftmaxGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SoftmaxGradOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank(), axis = op.getAxis();
    AffineMap identity = b.getMultiDimIdentityMap(rank);
    AffineMap dropAxis = identity.dropResult(axis);
    SmallVector<int64_t> reducedShape(type.getShape());
    reducedShape.erase(reducedShape.begin() + axis);
    auto reducedType = RankedTensorType::get(reducedShape, b.getF32Type());
    SmallVector<Value> dynamic;
    for (auto [i, size] : llvm::enumerate(reducedShape))
      if (ShapedType::isDynamic(size))
        dynamic.push_back(b.create<tensor::DimOp>(
            loc, op.getOutput(), i < (size_t)axis ? i : i + 1));
    Value sumInit =
        b.create<linalg::FillOp>(
             loc, constantF32(b, loc, 0.0f),
             b.create<tensor::EmptyOp>(loc, reducedType, dynamic).getResult())
            .getResult(0);
    SmallVector<utils::IteratorType> sumIterators(
        rank, utils::IteratorType::parallel);
    sumIterators[axis] = utils::IteratorType::reduction;
    Value sum =
        b.create<linalg::GenericOp>(
             loc, TypeRange{reducedType},
             ValueRange{op.getOutput(), op.getOutputGrad()},
             ValueRange{sumInit},
             ArrayRef<AffineMap>{identity, identity, dropAxis}, sumIterators,
             [](OpBuilder &nb, Location nl, ValueRange args) {
               nb.create<linalg::YieldOp>(nl, multiplyAdd(nb, nl, args));
             })
            .getResult(0);
    Value init = emptyTensor(b, loc, type, op.getOutput());
    b.replaceOp(
        op, b.create<linalg::GenericOp>(
                 loc, TypeRange{type},
                 ValueRange{op.getOutput(), op.getOutputGrad(), sum},
                 ValueRange{init},
                 ArrayRef<AffineMap>{identity, identity, dropAxis, identity},
                 iterators(rank, 0),
                 [](OpBuilder &nb, Location nl, ValueRange args) {
                   Value diff = nb.create<arith::SubFOp>(nl, args[1], args[2]);
                   nb.create<linalg::YieldOp>(
                       nl,
                       ValueRange{nb.create<arith::MulFOp>(nl, args[0], diff)});
                 })
                .getResult(0));
    return success();
  }
};

struct LowerMultiply : OpRewritePattern<MultiplyOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MultiplyOp op,
                                PatternRewriter &b) const override {
    b.replaceOp(
        op,
        zipElements(
            b, op.getLoc(), ValueRange{op.getLhs(), op.getRhs()},
            [](OpBuilder &nb, Location nl, ValueRange args) {
              return nb.create<arith::MulFOp>(nl, args[0], args[1]).getResult();
            }));
    return success();
  }
};

/// dy in the top-left corner of zeros.
struct LowerCrop2DGrad : OpRewritePattern<Crop2DGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(Crop2DGradOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value dy = op.getOutputGrad();
    Value zeros = filledTensor(b, loc, op.getType(), dy, 0.0f);
    SmallVector<OpFoldResult> offsets(4, b.getIndexAttr(0));
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, dy);
    SmallVector<OpFoldResult> strides(4, b.getIndexAttr(1));
    b.replaceOpWithNewOp<tensor::InsertSliceOp>(op, dy, zeros, offsets, sizes,
                                                strides);
    return success();
  }
};

/// Collapse to (batch, elements), then expand to the result's shape.
struct LowerReshape : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value value = op.getInput();
    auto inType = op.getInput().getType();
    RankedTensorType outType = op.getType();
    if (inType.getRank() > 2) {
      ReassociationIndices features =
          llvm::to_vector(llvm::seq<int64_t>(1, inType.getRank()));
      value = b.create<tensor::CollapseShapeOp>(
          loc, value, ArrayRef<ReassociationIndices>{{0}, features});
    }
    if (outType.getRank() > 2) {
      ReassociationIndices features =
          llvm::to_vector(llvm::seq<int64_t>(1, outType.getRank()));
      SmallVector<OpFoldResult> shape{tensor::getMixedSize(b, loc, value, 0)};
      for (int64_t d : outType.getShape().drop_front())
        shape.push_back(b.getIndexAttr(d));
      value = b.create<tensor::ExpandShapeOp>(
          loc, outType, value, ArrayRef<ReassociationIndices>{{0}, features},
          shape);
    }
    b.replaceOp(op, value);
    return success();
  }
};

/// splitmix64's finalizer: a well-mixed 64-bit hash of a 64-bit counter.
Value mix64(OpBuilder &b, Location loc, Value z) {
  auto c = [&](uint64_t v) -> Value {
    return b.create<arith::ConstantOp>(
        loc, b.getI64IntegerAttr(static_cast<int64_t>(v)));
  };
  auto xorShift = [&](Value v, uint64_t shift) -> Value {
    return b.create<arith::XOrIOp>(loc, v,
                                   b.create<arith::ShRUIOp>(loc, v, c(shift)));
  };
  z = b.create<arith::AddIOp>(loc, z, c(0x9e3779b97f4a7c15ULL));
  z = b.create<arith::MulIOp>(loc, xorShift(z, 30), c(0xbf58476d1ce4e5b9ULL));
  z = b.create<arith::MulIOp>(loc, xorShift(z, 27), c(0x94d049bb133111ebULL));
  return xorShift(z, 31);
}

/// keep = uniform(hash(seed, stream, step, global index)) >= rate.
struct LowerDropoutMask : OpRewritePattern<DropoutMaskOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DropoutMaskOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank();
    double rate = op.getRate().convertToDouble();
    float keptValue = static_cast<float>(1.0 / (1.0 - rate));
    int64_t stream = op.getStream();
    // SpatialDropout2D: rows and columns share their channel's draw.
    bool spatial = op.getSpatial();
    // One key per (seed, stream, step), mixed once outside the loops.
    Value key = mix64(b, loc, op.getSeed());
    key = mix64(b, loc,
                b.create<arith::XOrIOp>(loc, key,
                                        b.create<arith::ConstantOp>(
                                            loc, b.getI64IntegerAttr(stream))));
    key = mix64(b, loc, b.create<arith::XOrIOp>(loc, key, op.getStep()));
    Value first = op.getFirstSample();
    Value init = emptyTensor(b, loc, type, op.getInput());
    b.replaceOp(
        op,
        b.create<linalg::GenericOp>(
             loc, TypeRange{type}, ValueRange{}, ValueRange{init},
             ArrayRef<AffineMap>{b.getMultiDimIdentityMap(rank)},
             iterators(rank, 0),
             [&](OpBuilder &nb, Location nl, ValueRange) {
               // The element's index in the whole batch, row-major.
               Value index = nb.create<arith::IndexCastOp>(
                   nl, nb.getI64Type(), nb.create<linalg::IndexOp>(nl, 0));
               index = nb.create<arith::AddIOp>(nl, index, first);
               for (int64_t d = 1; d < rank; ++d) {
                 if (spatial && d < rank - 1)
                   continue;
                 Value i = nb.create<arith::IndexCastOp>(
                     nl, nb.getI64Type(), nb.create<linalg::IndexOp>(nl, d));
                 index = nb.create<arith::AddIOp>(
                     nl,
                     nb.create<arith::MulIOp>(
                         nl, index,
                         nb.create<arith::ConstantOp>(
                             nl, nb.getI64IntegerAttr(type.getDimSize(d)))),
                     i);
               }
               Value bits =
                   mix64(nb, nl, nb.create<arith::XOrIOp>(nl, index, key));
               // The top 24 bits as a float in [0, 1).
               Value top = nb.create<arith::ShRUIOp>(
                   nl, bits,
                   nb.create<arith::ConstantOp>(nl, nb.getI64IntegerAttr(40)));
               Value uniform = nb.create<arith::MulFOp>(
                   nl, nb.create<arith::UIToFPOp>(nl, nb.getF32Type(), top),
                   constantF32(nb, nl, 1.0f / 16777216.0f));
               Value keep = nb.create<arith::CmpFOp>(
                   nl, arith::CmpFPredicate::OGE, uniform,
                   constantF32(nb, nl, static_cast<float>(rate)));
               nb.create<linalg::YieldOp>(
                   nl, ValueRange{nb.create<arith::SelectOp>(
                           nl, keep, constantF32(nb, nl, keptValue),
                           constantF32(nb, nl, 0.0f))});
             })
            .getResult(0));
    return success();
  }
};

} // namespace

void lowering::populateElementwiseBackwardPatterns(
    RewritePatternSet &patterns) {
  patterns.add<LowerActivationGrad, LowerSoftmaxGrad, LowerMultiply,
               LowerReshape, LowerCrop2DGrad, LowerDropoutMask>(
      patterns.getContext());
}
