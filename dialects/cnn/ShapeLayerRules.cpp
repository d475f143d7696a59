//===- ShapeLayerRules.cpp - Keras's rules for the shape layers -----------===//
//
// ZeroPadding2D, Cropping2D, Reshape, Permute and Rescaling: what Keras accepts
// (keras/src/layers/reshaping/*.py, preprocessing/rescaling.py) and the
// shapes it gives. Keras itself refuses negative amounts and a Reshape
// whose sizes differ; cropping everything it lets through to a zero-size
// tensor, which cnnc refuses as the layer's error instead.
//
//===----------------------------------------------------------------------===//

#include "dialects/cnn/ShapeRules.h"

#include <cmath>
#include <string>

using namespace mlir;
using namespace mlir::cnn;

/// An image (N, H, W, C) and four amounts [top, bottom, left, right] >= 0.
static LogicalResult verifyEdges(std::optional<Location> loc,
                                 RankedTensorType input, StringRef what,
                                 ArrayRef<int64_t> edges) {
  if (failed(verifyImageType(loc, input)))
    return failure();
  if (edges.size() != 4)
    return emitOptionalError(loc, what,
                             " must have 4 values (top, bottom, left, "
                             "right), got ",
                             edges.size());
  for (int64_t amount : edges)
    if (amount < 0 || amount > kMaxDimSize)
      return emitOptionalError(loc, what, " must be in [0, ", kMaxDimSize,
                               "], got ((", edges[0], ", ", edges[1], "), (",
                               edges[2], ", ", edges[3], "))");
  return success();
}

static FailureOr<RankedTensorType> image(std::optional<Location> loc,
                                         RankedTensorType input, int64_t rows,
                                         int64_t cols) {
  auto type = RankedTensorType::get(
      {input.getDimSize(0), rows, cols, input.getDimSize(3)},
      input.getElementType());
  if (failed(verifyActivationType(loc, type)))
    return failure();
  return type;
}

FailureOr<RankedTensorType>
cnn::inferZeroPadding2DType(std::optional<Location> loc, RankedTensorType input,
                            ArrayRef<int64_t> padding) {
  if (failed(verifyEdges(loc, input, "padding", padding)))
    return failure();
  return image(loc, input, padding[0] + input.getDimSize(1) + padding[1],
               padding[2] + input.getDimSize(2) + padding[3]);
}

FailureOr<RankedTensorType>
cnn::inferCropping2DType(std::optional<Location> loc, RankedTensorType input,
                         ArrayRef<int64_t> cropping) {
  if (failed(verifyEdges(loc, input, "cropping", cropping)))
    return failure();
  int64_t rows = input.getDimSize(1) - cropping[0] - cropping[1];
  int64_t cols = input.getDimSize(2) - cropping[2] - cropping[3];
  if (rows < 1 || cols < 1)
    return emitOptionalError(loc, "cropping ((", cropping[0], ", ", cropping[1],
                             "), (", cropping[2], ", ", cropping[3],
                             ")) leaves nothing of ",
                             kerasShapeString(input.getShape()));
  return image(loc, input, rows, cols);
}

FailureOr<RankedTensorType>
cnn::inferReshapeType(std::optional<Location> loc, RankedTensorType input,
                      ArrayRef<int64_t> targetShape) {
  if (failed(verifyActivationType(loc, input)))
    return failure();
  if (targetShape.empty())
    return emitOptionalError(loc, "target_shape must not be empty");
  int64_t elements = 1;
  for (int64_t d : input.getShape().drop_front())
    elements *= d;
  // Keras: "There must be at most one unknown dimension in output_shape",
  // every other one positive.
  int64_t known = 1, unknown = -1;
  for (auto [i, d] : llvm::enumerate(targetShape)) {
    if (d == -1 && unknown < 0) {
      unknown = i;
      continue;
    }
    if (d <= 0 || d > kMaxDimSize)
      return emitOptionalError(
          loc, "target_shape ", kerasShapeString(targetShape),
          " must hold sizes in [1, ", kMaxDimSize, "] and at most one -1");
    known *= d;
  }
  SmallVector<int64_t> shape{input.getDimSize(0)};
  shape.append(targetShape.begin(), targetShape.end());
  if (unknown >= 0 && elements % known == 0)
    shape[unknown + 1] = elements / known;
  else if (unknown >= 0 || known != elements)
    return emitOptionalError(
        loc, "cannot reshape ", kerasShapeString(input.getShape()), " (",
        elements, " elements per sample) to target_shape ",
        kerasShapeString(targetShape), ": the sizes differ");
  auto type = RankedTensorType::get(shape, input.getElementType());
  if (failed(verifyActivationType(loc, type)))
    return failure();
  return type;
}

FailureOr<RankedTensorType> cnn::inferRescalingType(std::optional<Location> loc,
                                                    RankedTensorType input,
                                                    double scale,
                                                    double offset) {
  if (failed(verifyActivationType(loc, input)))
    return failure();
  if (!std::isfinite(scale) || !std::isfinite(offset))
    return emitOptionalError(loc,
                             "rescaling's scale and offset must be "
                             "finite, got ",
                             scale, " and ", offset);
  return input;
}

FailureOr<RankedTensorType> cnn::inferPermuteType(std::optional<Location> loc,
                                                  RankedTensorType input,
                                                  ArrayRef<int64_t> dims) {
  if (failed(verifyActivationType(loc, input)))
    return failure();
  // Keras: "The set of indices in `dims` must be consecutive and start
  // from 1"; and as many as the input has axes after the batch.
  int64_t axes = input.getRank() - 1;
  SmallVector<bool> seen(axes + 1, false);
  bool permutation = static_cast<int64_t>(dims.size()) == axes;
  for (int64_t d : dims) {
    if (!permutation || d < 1 || d > axes || seen[d]) {
      permutation = false;
      break;
    }
    seen[d] = true;
  }
  if (!permutation) {
    std::string list;
    for (auto [i, d] : llvm::enumerate(dims))
      list += (i ? ", " : "") + std::to_string(d);
    return emitOptionalError(
        loc, "permute dims [", list, "] must be a permutation of 1 .. ", axes,
        " (the axes of ", kerasShapeString(input.getShape()),
        " after the batch)");
  }
  SmallVector<int64_t> shape{input.getDimSize(0)};
  for (int64_t d : dims)
    shape.push_back(input.getDimSize(d));
  return RankedTensorType::get(shape, input.getElementType());
}
