//===- Lowering.cpp - Building blocks of the cnn-to-linalg lowering -------===//

#include "compiler/Conversion/CnnToLinalg/Lowering.h"

#include "dialects/cnn/ShapeRules.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace cnnc;

Value lowering::emptyTensor(OpBuilder &b, Location loc, RankedTensorType type,
                            Value like) {
  SmallVector<Value> dynamicSizes;
  for (auto [index, dim] : llvm::enumerate(type.getShape()))
    if (ShapedType::isDynamic(dim))
      dynamicSizes.push_back(b.create<tensor::DimOp>(loc, like, index));
  return b.create<tensor::EmptyOp>(loc, type, dynamicSizes);
}

Value lowering::constantF32(OpBuilder &b, Location loc, double value) {
  return b.create<arith::ConstantOp>(
      loc, b.getF32FloatAttr(static_cast<float>(value)));
}

Value lowering::filledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                             Value like, float value) {
  Value fill = b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(value));
  Value empty = emptyTensor(b, loc, type, like);
  return b.create<linalg::FillOp>(loc, fill, empty).getResult(0);
}

Value lowering::spreadByStrides(OpBuilder &b, Location loc, Value dy,
                                ArrayRef<int64_t> strides) {
  auto dyType = cast<RankedTensorType>(dy.getType());
  auto spreadType = RankedTensorType::get(
      {dyType.getDimSize(0), (dyType.getDimSize(1) - 1) * strides[0] + 1,
       (dyType.getDimSize(2) - 1) * strides[1] + 1, dyType.getDimSize(3)},
      b.getF32Type());
  Value zeros = filledTensor(b, loc, spreadType, dy, 0.0f);
  SmallVector<OpFoldResult> offsets(4, b.getIndexAttr(0));
  SmallVector<OpFoldResult> steps{b.getIndexAttr(1), b.getIndexAttr(strides[0]),
                                  b.getIndexAttr(strides[1]),
                                  b.getIndexAttr(1)};
  // A strided insert into a fill: the pipeline's canonicalization must not
  // run MLIR 19's FoldInsertPadIntoFill on it (Pipeline.cpp).
  return b.create<tensor::InsertSliceOp>(
      loc, dy, zeros, offsets, tensor::getMixedSizes(b, loc, dy), steps);
}

Value lowering::padSpatial(OpBuilder &b, Location loc, Value input,
                           ArrayRef<int64_t> window, ArrayRef<int64_t> strides,
                           ArrayRef<int64_t> dilation, cnn::Padding padding,
                           float value) {
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<OpFoldResult> low(4, b.getIndexAttr(0)),
      high(4, b.getIndexAttr(0));
  bool any = false;
  for (int i = 0; i < 2; ++i) {
    auto [before, after] = cnn::paddingAmounts(
        type.getDimSize(i + 1), window[i], strides[i], dilation[i], padding);
    low[i + 1] = b.getIndexAttr(before);
    high[i + 1] = b.getIndexAttr(after);
    any |= before != 0 || after != 0;
  }
  if (!any)
    return input;
  Value pad = b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(value));
  return b.create<tensor::PadOp>(loc, /*resultType=*/nullptr, input, low, high,
                                 pad);
}

Value lowering::mapElements(
    OpBuilder &b, Location loc, Value input,
    function_ref<Value(OpBuilder &, Location, Value)> body) {
  auto type = cast<RankedTensorType>(input.getType());
  Value init = emptyTensor(b, loc, type, input);
  AffineMap identity = b.getMultiDimIdentityMap(type.getRank());
  SmallVector<utils::IteratorType> iterators(type.getRank(),
                                             utils::IteratorType::parallel);
  return b
      .create<linalg::GenericOp>(
          loc, TypeRange{type}, ValueRange{input}, ValueRange{init},
          ArrayRef<AffineMap>{identity, identity}, iterators,
          [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
            nested.create<linalg::YieldOp>(nestedLoc,
                                           body(nested, nestedLoc, args[0]));
          })
      .getResult(0);
}

SmallVector<utils::IteratorType> lowering::iterators(int64_t parallel,
                                                     int64_t reduction) {
  SmallVector<utils::IteratorType> result(parallel,
                                          utils::IteratorType::parallel);
  result.append(reduction, utils::IteratorType::reduction);
  return result;
}

AffineMap lowering::map(OpBuilder &b, unsigned dims,
                        ArrayRef<AffineExpr> exprs) {
  return AffineMap::get(dims, 0, exprs, b.getContext());
}

Value lowering::constantIndex(OpBuilder &b, Location loc, int64_t value) {
  return b.create<arith::ConstantIndexOp>(loc, value);
}

Value lowering::transposed(OpBuilder &b, Location loc, Value value,
                           ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, value);
  SmallVector<OpFoldResult> permuted;
  for (int64_t d : perm)
    permuted.push_back(sizes[d]);
  Value init = b.create<tensor::EmptyOp>(loc, permuted, type.getElementType());
  return b.create<linalg::TransposeOp>(loc, value, init, perm).getResult()[0];
}

Value lowering::multiplyAdd(OpBuilder &b, Location loc, ValueRange args) {
  Value product = b.create<arith::MulFOp>(loc, args[0], args[1]);
  return b.create<arith::AddFOp>(loc, args[2], product);
}

Value lowering::buildConv2D(OpBuilder &b, Location loc,
                            RankedTensorType resultType, Value input,
                            Value kernel, Value bias, ArrayRef<int64_t> strides,
                            ArrayRef<int64_t> dilation, cnn::Padding padding) {
  auto kernelType = cast<RankedTensorType>(kernel.getType());
  Value padded = padSpatial(b, loc, input, kernelType.getShape().take_front(2),
                            strides, dilation, padding, 0.0f);
  // The convolution accumulates onto the bias, broadcast over the image.
  Value init;
  if (bias) {
    Value empty = emptyTensor(b, loc, resultType, input);
    init = b.create<linalg::BroadcastOp>(loc, bias, empty,
                                         ArrayRef<int64_t>{0, 1, 2})
               .getResult()[0];
  } else {
    init = filledTensor(b, loc, resultType, input, 0.0f);
  }
  return b
      .create<linalg::Conv2DNhwcHwcfOp>(
          loc, TypeRange{resultType}, ValueRange{padded, kernel},
          ValueRange{init}, b.getI64VectorAttr(strides),
          b.getI64VectorAttr(dilation))
      .getResult(0);
}

Value lowering::buildRelu(OpBuilder &b, Location loc, Value x) {
  return mapElements(b, loc, x, [](OpBuilder &b, Location loc, Value v) {
    // `0 > v ? 0 : v`, not max(v, 0): relu(NaN) is NaN in Keras
    // (docs/keras-semantics.md, "NaN"), and this select is exactly x86's
    // `vmaxps v, 0` (which returns its second operand when either is NaN),
    // so NaN propagates in one instruction, as fast as the nnan max was.
    Value zero = b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(0.0f));
    Value negative =
        b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGT, zero, v);
    return b.create<arith::SelectOp>(loc, negative, zero, v);
  });
}
