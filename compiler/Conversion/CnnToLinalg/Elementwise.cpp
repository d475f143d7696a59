//===- Elementwise.cpp - Activations, softmax, flatten, dropout -----------===//

#include "compiler/Conversion/CnnToLinalg/Lowering.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;
using namespace mlir::cnn;
using namespace cnnc;
using namespace cnnc::lowering;

namespace {

struct LowerRelu : OpRewritePattern<ReluOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReluOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, buildRelu(rewriter, op.getLoc(), op.getInput()));
    return success();
  }
};

struct LowerSigmoid : OpRewritePattern<SigmoidOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SigmoidOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(
        op, mapElements(rewriter, op.getLoc(), op.getInput(),
                        [](OpBuilder &b, Location loc, Value v) -> Value {
                          // 1 / (1 + exp(-v))
                          Value one = b.create<arith::ConstantOp>(
                              loc, b.getF32FloatAttr(1.0f));
                          auto e = b.create<math::ExpOp>(
                              loc, b.create<arith::NegFOp>(loc, v));
                          e->setAttr(kApproximateAttr, b.getUnitAttr());
                          return b.create<arith::DivFOp>(
                              loc, one, b.create<arith::AddFOp>(loc, one, e));
                        }));
    return success();
  }
};

struct LowerTanh : OpRewritePattern<TanhOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TanhOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(
        op, mapElements(rewriter, op.getLoc(), op.getInput(),
                        [](OpBuilder &b, Location loc, Value v) -> Value {
                          auto t = b.create<math::TanhOp>(loc, v);
                          t->setAttr(kApproximateAttr, b.getUnitAttr());
                          return t;
                        }));
    return success();
  }
};

/// Identities in the forward pass: `linear`, and dropout outside training.
template <typename OpTy> struct LowerIdentity : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, op.getInput());
    return success();
  }
};

struct LowerFlatten : OpRewritePattern<FlattenOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(FlattenOp op,
                                PatternRewriter &rewriter) const override {
    int64_t rank = op.getInput().getType().getRank();
    ReassociationIndices features =
        llvm::to_vector(llvm::seq<int64_t>(1, rank));
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
        op, op.getType(), op.getInput(),
        ArrayRef<ReassociationIndices>{{0}, features});
    return success();
  }
};

/// The top-left corner: a slice (a view, once bufferized).
struct LowerCrop2D : OpRewritePattern<Crop2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(Crop2DOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    SmallVector<OpFoldResult> offsets(4, rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> sizes{
        tensor::getMixedSize(rewriter, loc, op.getInput(), 0),
        rewriter.getIndexAttr(type.getDimSize(1)),
        rewriter.getIndexAttr(type.getDimSize(2)),
        rewriter.getIndexAttr(type.getDimSize(3))};
    SmallVector<OpFoldResult> strides(4, rewriter.getIndexAttr(1));
    rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
        op, type, op.getInput(), offsets, sizes, strides);
    return success();
  }
};

/// exp(x - max(x)) / sum(exp(x - max(x))) along one axis: a max reduction,
/// an elementwise exp, a sum reduction and an elementwise division.
struct LowerSoftmax : OpRewritePattern<SoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SoftmaxOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = op.getInput();
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank();
    int64_t axis = op.getPositiveAxis();

    SmallVector<int64_t> reducedShape(type.getShape());
    reducedShape.erase(reducedShape.begin() + axis);
    auto reducedType =
        RankedTensorType::get(reducedShape, type.getElementType());
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap dropAxis = identity.dropResult(axis);
    SmallVector<utils::IteratorType> parallel(rank,
                                              utils::IteratorType::parallel);

    auto reduce = [&](Value source, float initValue, bool isMax) {
      // The reduced tensor keeps the batch: its dim 0 is the input's dim 0
      // unless the batch itself is reduced (axis 0), then it is static.
      Value like = axis == 0 ? Value() : input;
      Value init;
      if (like) {
        init = filledTensor(rewriter, loc, reducedType, like, initValue);
      } else {
        Value fill = rewriter.create<arith::ConstantOp>(
            loc, rewriter.getF32FloatAttr(initValue));
        Value empty = rewriter.create<tensor::EmptyOp>(loc, reducedShape,
                                                       type.getElementType());
        init = rewriter.create<linalg::FillOp>(loc, fill, empty).getResult(0);
      }
      return rewriter
          .create<linalg::ReduceOp>(
              loc, ValueRange{source}, ValueRange{init},
              ArrayRef<int64_t>{axis},
              [&](OpBuilder &b, Location loc, ValueRange args) {
                Value r =
                    isMax ? b.create<arith::MaximumFOp>(loc, args[0], args[1])
                                .getResult()
                          : b.create<arith::AddFOp>(loc, args[0], args[1])
                                .getResult();
                b.create<linalg::YieldOp>(loc, r);
              })
          .getResult(0);
    };
    auto combine =
        [&](Value full, Value reduced,
            function_ref<Value(OpBuilder &, Location, Value, Value)> body) {
          Value init = emptyTensor(rewriter, loc, type, input);
          return rewriter
              .create<linalg::GenericOp>(
                  loc, TypeRange{type}, ValueRange{full, reduced},
                  ValueRange{init},
                  ArrayRef<AffineMap>{identity, dropAxis, identity}, parallel,
                  [&](OpBuilder &b, Location loc, ValueRange args) {
                    b.create<linalg::YieldOp>(
                        loc, ValueRange{body(b, loc, args[0], args[1])});
                  })
              .getResult(0);
        };

    Value max = reduce(input, -std::numeric_limits<float>::infinity(), true);
    Value exps = combine(
        input, max, [](OpBuilder &b, Location loc, Value x, Value m) -> Value {
          return b.create<math::ExpOp>(loc, b.create<arith::SubFOp>(loc, x, m));
        });
    Value sum = reduce(exps, 0.0f, false);
    rewriter.replaceOp(
        op, combine(exps, sum,
                    [](OpBuilder &b, Location loc, Value e, Value s) -> Value {
                      return b.create<arith::DivFOp>(loc, e, s);
                    }));
    return success();
  }
};

} // namespace

void lowering::populateElementwisePatterns(RewritePatternSet &patterns) {
  patterns.add<LowerRelu, LowerSigmoid, LowerTanh, LowerIdentity<LinearOp>,
               LowerIdentity<DropoutOp>, LowerIdentity<AlphaDropoutOp>,
               LowerIdentity<GaussianNoiseOp>, LowerIdentity<GaussianDropoutOp>,
               LowerFlatten, LowerCrop2D, LowerSoftmax,
               LowerIdentity<RandomAugmentationOp>>(patterns.getContext());
}
