//===- Loss.cpp - Losses with their gradients, and the accuracy count -----===//
//
// Every loss here works on a (batch, classes) prediction, row by row: a few
// row reductions (max, sums), then one generic for the summed loss and one
// for the gradient. Class-index labels act as one-hot rows, compared in the
// bodies (`k == label`) rather than materialised.
//
//===----------------------------------------------------------------------===//

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

/// Keras's epsilon for crossentropy of probabilities.
constexpr float kEpsilon = 1e-7f;

/// Shapes and maps of a (batch, classes) computation.
struct Rows {
  Rows(OpBuilder &b, Value prediction, Value labels)
      : b(b), prediction(prediction), labels(labels) {
    auto type = cast<RankedTensorType>(prediction.getType());
    classes = type.getDimSize(1);
    sparse =
        cast<RankedTensorType>(labels.getType()).getElementType().isInteger(32);
    full = b.getMultiDimIdentityMap(2);
    row = AffineMap::get(2, 0, {b.getAffineDimExpr(0)}, b.getContext());
    scalar = AffineMap::get(2, 0, {}, b.getContext());
    rowType = RankedTensorType::get({type.getDimSize(0)}, b.getF32Type());
  }

  /// The labels' map: per row for class indices, per cell for targets.
  AffineMap labelMap() const { return sparse ? row : full; }

  /// The target of cell (n, k) from its label operand, inside a body.
  Value target(OpBuilder &nb, Location nl, Value label) const {
    if (!sparse)
      return label;
    Value k = nb.create<arith::IndexCastOp>(nl, nb.getI32Type(),
                                            nb.create<linalg::IndexOp>(nl, 1));
    Value hit =
        nb.create<arith::CmpIOp>(nl, arith::CmpIPredicate::eq, k, label);
    return nb.create<arith::UIToFPOp>(nl, nb.getF32Type(), hit);
  }

  /// The binary target of cell (n, k): the class index itself (0 or 1,
  /// Keras's int labels against one sigmoid output), or the target.
  Value binaryTarget(OpBuilder &nb, Location nl, Value label) const {
    if (!sparse)
      return label;
    return nb.create<arith::SIToFPOp>(nl, nb.getF32Type(), label);
  }

  /// A per-row reduction over the classes of `inputs` (with `maps`).
  Value
  reduceRows(Location loc, ValueRange inputs, ArrayRef<AffineMap> maps,
             float init,
             function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
    Value start = filledTensor(b, loc, rowType, prediction, init);
    SmallVector<AffineMap> allMaps(maps);
    allMaps.push_back(row);
    return b
        .create<linalg::GenericOp>(
            loc, TypeRange{rowType}, inputs, ValueRange{start}, allMaps,
            ArrayRef<utils::IteratorType>{utils::IteratorType::parallel,
                                          utils::IteratorType::reduction},
            [&](OpBuilder &nb, Location nl, ValueRange args) {
              nb.create<linalg::YieldOp>(nl, body(nb, nl, args));
            })
        .getResult(0);
  }

  /// The sum over all cells of a per-cell term, as a 0-d tensor.
  Value sumCells(Location loc, ValueRange inputs, ArrayRef<AffineMap> maps,
                 function_ref<Value(OpBuilder &, Location, ValueRange)> term) {
    auto type = RankedTensorType::get({}, b.getF32Type());
    Value start = filledTensor(b, loc, type, Value(), 0.0f);
    SmallVector<AffineMap> allMaps(maps);
    allMaps.push_back(scalar);
    return b
        .create<linalg::GenericOp>(
            loc, TypeRange{type}, inputs, ValueRange{start}, allMaps,
            ArrayRef<utils::IteratorType>{utils::IteratorType::reduction,
                                          utils::IteratorType::reduction},
            [&](OpBuilder &nb, Location nl, ValueRange args) {
              Value value = term(nb, nl, args.drop_back());
              nb.create<linalg::YieldOp>(
                  nl,
                  ValueRange{nb.create<arith::AddFOp>(nl, args.back(), value)});
            })
        .getResult(0);
  }

  /// A per-cell map of `inputs` to a prediction-shaped tensor.
  Value mapCells(Location loc, ValueRange inputs, ArrayRef<AffineMap> maps,
                 function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
    auto type = cast<RankedTensorType>(prediction.getType());
    Value init = emptyTensor(b, loc, type, prediction);
    SmallVector<AffineMap> allMaps(maps);
    allMaps.push_back(full);
    return b
        .create<linalg::GenericOp>(
            loc, TypeRange{type}, inputs, ValueRange{init}, allMaps,
            ArrayRef<utils::IteratorType>{utils::IteratorType::parallel,
                                          utils::IteratorType::parallel},
            [&](OpBuilder &nb, Location nl, ValueRange args) {
              nb.create<linalg::YieldOp>(nl, body(nb, nl, args.drop_back()));
            })
        .getResult(0);
  }

  OpBuilder &b;
  Value prediction, labels;
  int64_t classes;
  bool sparse;
  AffineMap full, row, scalar;
  RankedTensorType rowType;
};

Value add(OpBuilder &b, Location loc, Value x, Value y) {
  return b.create<arith::AddFOp>(loc, x, y);
}

/// loss = sum_n [logsumexp(z_n) * sum_k y_nk - sum_k y_nk z_nk];
/// dz = (softmax(z) * sum_k y - y) * scale.
struct LowerSoftmaxCrossEntropy : OpRewritePattern<SoftmaxCrossEntropyOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SoftmaxCrossEntropyOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value z = op.getPrediction(), labels = op.getLabels();
    Rows rows(b, z, labels);
    Value max = rows.reduceRows(
        loc, z, rows.full, -std::numeric_limits<float>::infinity(),
        [](OpBuilder &nb, Location nl, ValueRange a) -> Value {
          return nb.create<arith::MaximumFOp>(nl, a[0], a[1]);
        });
    Value sumExp =
        rows.reduceRows(loc, ValueRange{z, max}, {rows.full, rows.row}, 0.0f,
                        [](OpBuilder &nb, Location nl, ValueRange a) -> Value {
                          Value e = nb.create<math::ExpOp>(
                              nl, nb.create<arith::SubFOp>(nl, a[0], a[1]));
                          return add(nb, nl, a[2], e);
                        });
    // logsumexp - z, weighted by the target.
    Value loss =
        rows.sumCells(loc, ValueRange{z, labels, max, sumExp},
                      {rows.full, rows.labelMap(), rows.row, rows.row},
                      [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
                        Value lse =
                            add(nb, nl, a[2], nb.create<math::LogOp>(nl, a[3]));
                        Value y = rows.target(nb, nl, a[1]);
                        return nb.create<arith::MulFOp>(
                            nl, y, nb.create<arith::SubFOp>(nl, lse, a[0]));
                      });
    Value targetSum;
    if (!rows.sparse)
      targetSum = rows.reduceRows(loc, labels, rows.full, 0.0f,
                                  [](OpBuilder &nb, Location nl, ValueRange a) {
                                    return add(nb, nl, a[0], a[1]);
                                  });
    Value scale = op.getScale();
    SmallVector<Value> inputs{z, labels, max, sumExp};
    SmallVector<AffineMap> maps{rows.full, rows.labelMap(), rows.row, rows.row};
    if (targetSum) {
      inputs.push_back(targetSum);
      maps.push_back(rows.row);
    }
    Value grad =
        rows.mapCells(loc, inputs, maps,
                      [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
                        Value e = nb.create<math::ExpOp>(
                            nl, nb.create<arith::SubFOp>(nl, a[0], a[2]));
                        Value p = nb.create<arith::DivFOp>(nl, e, a[3]);
                        if (a.size() > 4)
                          p = nb.create<arith::MulFOp>(nl, p, a[4]);
                        Value diff = nb.create<arith::SubFOp>(
                            nl, p, rows.target(nb, nl, a[1]));
                        return nb.create<arith::MulFOp>(nl, diff, scale);
                      });
    b.replaceOp(op, {loss, grad});
    return success();
  }
};

/// Keras's clip of probabilities to [eps, 1 - eps], and whether its
/// gradient (clip_by_value's) passes at `q`: inside or on the bounds.
std::pair<Value, Value> clipProbability(OpBuilder &nb, Location nl, Value q) {
  Value lo = constantF32(nb, nl, kEpsilon),
        hi = constantF32(nb, nl, 1.0f - kEpsilon);
  Value c = nb.create<arith::MinimumFOp>(
      nl, nb.create<arith::MaximumFOp>(nl, q, lo), hi);
  Value passes = nb.create<arith::AndIOp>(
      nl, nb.create<arith::CmpFOp>(nl, arith::CmpFPredicate::OGE, q, lo),
      nb.create<arith::CmpFOp>(nl, arith::CmpFPredicate::OLE, q, hi));
  return {c, passes};
}

/// Keras's sparse_categorical_crossentropy on probabilities clips first
/// and normalizes after (tf.keras 2's backend and Keras 3's TensorFlow
/// backend: clip, log, then sparse_softmax_cross_entropy_with_logits):
/// c = clip(p, eps, 1 - eps), loss = log(sum c) - log c_label, and
/// dp = (1 / sum c - [k == label] / c) * scale where the clip passes p.
/// Unlike the categorical form, a label whose probability is clipped
/// still pushes the other classes down.
LogicalResult lowerSparseCrossEntropy(CrossEntropyOp op, PatternRewriter &b) {
  Location loc = op.getLoc();
  Value p = op.getPrediction(), labels = op.getLabels();
  Rows rows(b, p, labels);
  Value total = rows.reduceRows(
      loc, p, rows.full, 0.0f,
      [](OpBuilder &nb, Location nl, ValueRange a) -> Value {
        return add(nb, nl, a[1], clipProbability(nb, nl, a[0]).first);
      });
  SmallVector<Value> inputs{p, labels, total};
  SmallVector<AffineMap> maps{rows.full, rows.labelMap(), rows.row};
  Value loss = rows.sumCells(
      loc, inputs, maps,
      [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
        Value c = clipProbability(nb, nl, a[0]).first;
        Value term =
            nb.create<arith::SubFOp>(nl, nb.create<math::LogOp>(nl, a[2]),
                                     nb.create<math::LogOp>(nl, c));
        return nb.create<arith::MulFOp>(nl, rows.target(nb, nl, a[1]), term);
      });
  Value scale = op.getScale();
  Value grad = rows.mapCells(
      loc, inputs, maps,
      [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
        auto [c, passes] = clipProbability(nb, nl, a[0]);
        Value d = nb.create<arith::SubFOp>(
            nl, nb.create<arith::DivFOp>(nl, constantF32(nb, nl, 1.0f), a[2]),
            nb.create<arith::DivFOp>(nl, rows.target(nb, nl, a[1]), c));
        d = nb.create<arith::MulFOp>(nl, d, scale);
        return nb.create<arith::SelectOp>(nl, passes, d,
                                          constantF32(nb, nl, 0.0f));
      });
  b.replaceOp(op, {loss, grad});
  return success();
}

/// Keras's categorical_crossentropy on probabilities: q = p / sum(p),
/// c = clip(q, eps, 1 - eps), loss = -sum y log c. With g = dloss/dq
/// (-y/c where the clip passes it): dp = (g - sum_k g_k q_k) / sum(p) *
/// scale. Class indices take the sparse form above.
struct LowerCrossEntropy : OpRewritePattern<CrossEntropyOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(CrossEntropyOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value p = op.getPrediction(), labels = op.getLabels();
    Rows rows(b, p, labels);
    if (rows.sparse)
      return lowerSparseCrossEntropy(op, b);
    Value total = rows.reduceRows(loc, p, rows.full, 0.0f,
                                  [](OpBuilder &nb, Location nl, ValueRange a) {
                                    return add(nb, nl, a[0], a[1]);
                                  });
    // q, c and g of a cell from (p, label, total).
    struct Cell {
      Value q, c, g;
    };
    auto cell = [&](OpBuilder &nb, Location nl, Value pv, Value label,
                    Value sum) -> Cell {
      Value q = nb.create<arith::DivFOp>(nl, pv, sum);
      auto [c, passes] = clipProbability(nb, nl, q);
      Value y = rows.target(nb, nl, label);
      Value g =
          nb.create<arith::NegFOp>(nl, nb.create<arith::DivFOp>(nl, y, c));
      g = nb.create<arith::SelectOp>(nl, passes, g, constantF32(nb, nl, 0.0f));
      return {q, c, g};
    };
    SmallVector<Value> inputs{p, labels, total};
    SmallVector<AffineMap> maps{rows.full, rows.labelMap(), rows.row};
    Value loss =
        rows.sumCells(loc, inputs, maps,
                      [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
                        Cell x = cell(nb, nl, a[0], a[1], a[2]);
                        Value y = rows.target(nb, nl, a[1]);
                        Value l = nb.create<arith::MulFOp>(
                            nl, y, nb.create<math::LogOp>(nl, x.c));
                        return nb.create<arith::NegFOp>(nl, l);
                      });
    Value dot = rows.reduceRows(
        loc, inputs, maps, 0.0f,
        [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
          Cell x = cell(nb, nl, a[0], a[1], a[2]);
          return add(nb, nl, a[3], nb.create<arith::MulFOp>(nl, x.g, x.q));
        });
    inputs.push_back(dot);
    maps.push_back(rows.row);
    Value scale = op.getScale();
    Value grad =
        rows.mapCells(loc, inputs, maps,
                      [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
                        Cell x = cell(nb, nl, a[0], a[1], a[2]);
                        Value d = nb.create<arith::SubFOp>(nl, x.g, a[3]);
                        d = nb.create<arith::DivFOp>(nl, d, a[2]);
                        return nb.create<arith::MulFOp>(nl, d, scale);
                      });
    b.replaceOp(op, {loss, grad});
    return success();
  }
};

/// loss = sum_n mean_k (p - y)^2; dp = 2 (p - y) / classes * scale.
struct LowerMeanSquaredError : OpRewritePattern<MeanSquaredErrorOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MeanSquaredErrorOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value p = op.getPrediction(), y = op.getLabels();
    Rows rows(b, p, y);
    float classes = static_cast<float>(rows.classes);
    Value loss =
        rows.sumCells(loc, ValueRange{p, y}, {rows.full, rows.full},
                      [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
                        Value d = nb.create<arith::SubFOp>(nl, a[0], a[1]);
                        return nb.create<arith::DivFOp>(
                            nl, nb.create<arith::MulFOp>(nl, d, d),
                            constantF32(nb, nl, classes));
                      });
    Value scale = op.getScale();
    Value grad =
        rows.mapCells(loc, ValueRange{p, y}, {rows.full, rows.full},
                      [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
                        Value d = nb.create<arith::SubFOp>(nl, a[0], a[1]);
                        d = nb.create<arith::MulFOp>(
                            nl, d, constantF32(nb, nl, 2.0f / classes));
                        return nb.create<arith::MulFOp>(nl, d, scale);
                      });
    b.replaceOp(op, {loss, grad});
    return success();
  }
};

/// The binary losses' per-cell terms from (prediction, label): the loss
/// and its derivative by the prediction, each divided by the columns (Keras
/// takes the mean over the last axis).
using BinaryTerms = std::pair<Value, Value> (*)(OpBuilder &, Location, Value,
                                                Value);

template <typename LossOp>
LogicalResult lowerBinaryLoss(LossOp op, PatternRewriter &b,
                              BinaryTerms terms) {
  Location loc = op.getLoc();
  Value p = op.getPrediction(), labels = op.getLabels();
  Rows rows(b, p, labels);
  float columns = static_cast<float>(rows.classes);
  auto cell = [&](OpBuilder &nb, Location nl, ValueRange a) {
    return terms(nb, nl, a[0], rows.binaryTarget(nb, nl, a[1]));
  };
  SmallVector<AffineMap> maps{rows.full, rows.labelMap()};
  Value loss = rows.sumCells(
      loc, ValueRange{p, labels}, maps,
      [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
        return nb.create<arith::DivFOp>(nl, cell(nb, nl, a).first,
                                        constantF32(nb, nl, columns));
      });
  Value scale = op.getScale();
  Value grad = rows.mapCells(
      loc, ValueRange{p, labels}, maps,
      [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
        Value d = nb.create<arith::DivFOp>(nl, cell(nb, nl, a).second,
                                           constantF32(nb, nl, columns));
        return nb.create<arith::MulFOp>(nl, d, scale);
      });
  b.replaceOp(op, {loss, grad});
  return success();
}

/// From logits, as tf.nn.sigmoid_cross_entropy_with_logits:
/// loss = max(z, 0) - z y + log(1 + exp(-|z|)) (the log of a sum at least
/// 1, where log1p would add nothing a float keeps); dz = sigmoid(z) - y.
struct LowerSigmoidCrossEntropy : OpRewritePattern<SigmoidCrossEntropyOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SigmoidCrossEntropyOp op,
                                PatternRewriter &b) const override {
    return lowerBinaryLoss(
        op, b,
        [](OpBuilder &nb, Location nl, Value z,
           Value y) -> std::pair<Value, Value> {
          Value zero = constantF32(nb, nl, 0.0f),
                one = constantF32(nb, nl, 1.0f);
          Value negAbs =
              nb.create<arith::NegFOp>(nl, nb.create<math::AbsFOp>(nl, z));
          Value loss = nb.create<arith::SubFOp>(
              nl, nb.create<arith::MaximumFOp>(nl, z, zero),
              nb.create<arith::MulFOp>(nl, z, y));
          loss = nb.create<arith::AddFOp>(
              nl, loss,
              nb.create<math::LogOp>(
                  nl, nb.create<arith::AddFOp>(
                          nl, one, nb.create<math::ExpOp>(nl, negAbs))));
          Value sigmoid = nb.create<arith::DivFOp>(
              nl, one,
              nb.create<arith::AddFOp>(
                  nl, one,
                  nb.create<math::ExpOp>(nl, nb.create<arith::NegFOp>(nl, z))));
          return {loss, nb.create<arith::SubFOp>(nl, sigmoid, y)};
        });
  }
};

/// Keras on probabilities: c = clip(p, eps, 1 - eps),
/// loss = -(y log c + (1 - y) log(1 - c)); dp = (1 - y) / (1 - c) - y / c
/// where the clip passes p, else 0.
struct LowerBinaryCrossEntropy : OpRewritePattern<BinaryCrossEntropyOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BinaryCrossEntropyOp op,
                                PatternRewriter &b) const override {
    return lowerBinaryLoss(
        op, b,
        [](OpBuilder &nb, Location nl, Value p,
           Value y) -> std::pair<Value, Value> {
          Value lo = constantF32(nb, nl, kEpsilon),
                hi = constantF32(nb, nl, 1.0f - kEpsilon),
                one = constantF32(nb, nl, 1.0f);
          Value c = nb.create<arith::MinimumFOp>(
              nl, nb.create<arith::MaximumFOp>(nl, p, lo), hi);
          Value notY = nb.create<arith::SubFOp>(nl, one, y);
          Value notC = nb.create<arith::SubFOp>(nl, one, c);
          Value loss = nb.create<arith::NegFOp>(
              nl, nb.create<arith::AddFOp>(
                      nl,
                      nb.create<arith::MulFOp>(nl, y,
                                               nb.create<math::LogOp>(nl, c)),
                      nb.create<arith::MulFOp>(
                          nl, notY, nb.create<math::LogOp>(nl, notC))));
          Value grad = nb.create<arith::SubFOp>(
              nl, nb.create<arith::DivFOp>(nl, notY, notC),
              nb.create<arith::DivFOp>(nl, y, c));
          Value passes = nb.create<arith::AndIOp>(
              nl,
              nb.create<arith::CmpFOp>(nl, arith::CmpFPredicate::OGE, p, lo),
              nb.create<arith::CmpFOp>(nl, arith::CmpFPredicate::OLE, p, hi));
          grad = nb.create<arith::SelectOp>(nl, passes, grad,
                                            constantF32(nb, nl, 0.0f));
          return {loss, grad};
        });
  }
};

/// loss = loss_in + loss_scale * sum(l1 |x| + l2 x^2);
/// dx = grad_in + grad_scale * (l1 sign(x) + 2 l2 x), over every element
/// of any rank.
struct LowerPenalty : OpRewritePattern<PenaltyOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PenaltyOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value x = op.getInput();
    auto type = cast<RankedTensorType>(x.getType());
    int64_t rank = type.getRank();
    float l1 = static_cast<float>(op.getL1().convertToDouble()),
          l2 = static_cast<float>(op.getL2().convertToDouble());
    AffineMap all = b.getMultiDimIdentityMap(rank);
    AffineMap none = AffineMap::get(rank, 0, {}, b.getContext());
    auto scalarType = RankedTensorType::get({}, b.getF32Type());
    Value sum =
        b.create<linalg::GenericOp>(
             loc, TypeRange{scalarType}, ValueRange{x},
             ValueRange{filledTensor(b, loc, scalarType, Value(), 0.0f)},
             ArrayRef<AffineMap>{all, none},
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::reduction),
             [&](OpBuilder &nb, Location nl, ValueRange a) {
               Value v = a[0];
               Value term = nb.create<arith::AddFOp>(
                   nl,
                   nb.create<arith::MulFOp>(nl, constantF32(nb, nl, l1),
                                            nb.create<math::AbsFOp>(nl, v)),
                   nb.create<arith::MulFOp>(
                       nl, constantF32(nb, nl, l2),
                       nb.create<arith::MulFOp>(nl, v, v)));
               nb.create<linalg::YieldOp>(
                   nl, ValueRange{nb.create<arith::AddFOp>(nl, a[1], term)});
             })
            .getResult(0);
    Value lossScale = op.getLossScale(), gradScale = op.getGradScale();
    Value total = b.create<arith::AddFOp>(
        loc, b.create<tensor::ExtractOp>(loc, op.getLossIn()),
        b.create<arith::MulFOp>(loc, lossScale,
                                b.create<tensor::ExtractOp>(loc, sum)));
    Value loss = b.create<tensor::FromElementsOp>(loc, scalarType, total);
    SmallVector<Value> inputs{x};
    if (Value gradIn = op.getGradIn())
      inputs.push_back(gradIn);
    SmallVector<AffineMap> maps(inputs.size() + 1, all);
    Value grad =
        b.create<linalg::GenericOp>(
             loc, TypeRange{type}, inputs,
             ValueRange{emptyTensor(b, loc, type, x)}, maps,
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location nl, ValueRange a) {
               Value v = a[0], zero = constantF32(nb, nl, 0.0f);
               // sign(x): 1, -1, or 0 at 0.
               Value sign = nb.create<arith::SubFOp>(
                   nl,
                   nb.create<arith::UIToFPOp>(
                       nl, nb.getF32Type(),
                       nb.create<arith::CmpFOp>(nl, arith::CmpFPredicate::OGT,
                                                v, zero)),
                   nb.create<arith::UIToFPOp>(
                       nl, nb.getF32Type(),
                       nb.create<arith::CmpFOp>(nl, arith::CmpFPredicate::OLT,
                                                v, zero)));
               Value d = nb.create<arith::AddFOp>(
                   nl,
                   nb.create<arith::MulFOp>(nl, constantF32(nb, nl, l1), sign),
                   nb.create<arith::MulFOp>(nl, constantF32(nb, nl, 2.0 * l2),
                                            v));
               d = nb.create<arith::MulFOp>(nl, gradScale, d);
               if (a.size() > 2)
                 d = nb.create<arith::AddFOp>(nl, a[1], d);
               nb.create<linalg::YieldOp>(nl, ValueRange{d});
             })
            .getResult(0);
    b.replaceOp(op, {loss, grad});
    return success();
  }
};

/// The first index of each row's maximum, as tf.argmax.
Value argmaxRows(OpBuilder &b, Location loc, Rows &rows, Value x) {
  auto indexType =
      RankedTensorType::get(rows.rowType.getShape(), b.getI32Type());
  Value best = filledTensor(b, loc, rows.rowType, x,
                            -std::numeric_limits<float>::infinity());
  Value index = emptyTensor(b, loc, indexType, x);
  index =
      b.create<linalg::FillOp>(
           loc,
           b.create<arith::ConstantOp>(loc, b.getI32IntegerAttr(0)).getResult(),
           index)
          .getResult(0);
  return b
      .create<linalg::GenericOp>(
          loc, TypeRange{rows.rowType, indexType}, ValueRange{x},
          ValueRange{best, index},
          ArrayRef<AffineMap>{rows.full, rows.row, rows.row},
          ArrayRef<utils::IteratorType>{utils::IteratorType::parallel,
                                        utils::IteratorType::reduction},
          [&](OpBuilder &nb, Location nl, ValueRange a) {
            // The first cell always wins, so a row of NaNs still gets index 0.
            Value k = nb.create<linalg::IndexOp>(nl, 1);
            Value isFirst = nb.create<arith::CmpIOp>(
                nl, arith::CmpIPredicate::eq, k,
                nb.create<arith::ConstantIndexOp>(nl, 0));
            Value better = nb.create<arith::OrIOp>(
                nl, isFirst,
                nb.create<arith::CmpFOp>(nl, arith::CmpFPredicate::OGT, a[0],
                                         a[1]));
            Value k32 = nb.create<arith::IndexCastOp>(nl, nb.getI32Type(), k);
            nb.create<linalg::YieldOp>(
                nl,
                ValueRange{nb.create<arith::SelectOp>(nl, better, a[0], a[1]),
                           nb.create<arith::SelectOp>(nl, better, k32, a[2])});
          })
      .getResult(1);
}

struct LowerCountCorrect : OpRewritePattern<CountCorrectOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(CountCorrectOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value p = op.getPrediction(), labels = op.getLabels();
    Rows rows(b, p, labels);
    Value count;
    if (rows.classes == 1) {
      // Binary accuracy: (p > 0.5) == y.
      count = rows.sumCells(
          loc, ValueRange{p, labels}, {rows.full, rows.labelMap()},
          [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
            Value half = constantF32(nb, nl, 0.5f);
            Value predicted = nb.create<arith::CmpFOp>(
                nl, arith::CmpFPredicate::OGT, a[0], half);
            Value actual =
                rows.sparse
                    ? nb.create<arith::CmpIOp>(nl, arith::CmpIPredicate::ne,
                                               a[1],
                                               nb.create<arith::ConstantOp>(
                                                   nl, nb.getI32IntegerAttr(0)))
                          .getResult()
                    : nb.create<arith::CmpFOp>(nl, arith::CmpFPredicate::OGT,
                                               a[1], half)
                          .getResult();
            Value same = nb.create<arith::CmpIOp>(nl, arith::CmpIPredicate::eq,
                                                  predicted, actual);
            return nb.create<arith::UIToFPOp>(nl, nb.getF32Type(), same);
          });
    } else {
      Value predicted = argmaxRows(b, loc, rows, p);
      Value actual = rows.sparse ? labels : argmaxRows(b, loc, rows, labels);
      // Summed over (n, k) with only k == 0 counting (p gives k its extent).
      count = rows.sumCells(
          loc, ValueRange{predicted, actual, p},
          {rows.row, rows.row, rows.full},
          [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
            Value k = nb.create<linalg::IndexOp>(nl, 1);
            Value first = nb.create<arith::CmpIOp>(
                nl, arith::CmpIPredicate::eq, k,
                nb.create<arith::ConstantIndexOp>(nl, 0));
            Value same = nb.create<arith::CmpIOp>(nl, arith::CmpIPredicate::eq,
                                                  a[0], a[1]);
            Value hit = nb.create<arith::AndIOp>(nl, first, same);
            return nb.create<arith::UIToFPOp>(nl, nb.getF32Type(), hit);
          });
    }
    b.replaceOp(op, count);
    return success();
  }
};

} // namespace

void lowering::populateLossPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerSoftmaxCrossEntropy, LowerCrossEntropy,
               LowerMeanSquaredError, LowerSigmoidCrossEntropy,
               LowerBinaryCrossEntropy, LowerPenalty, LowerCountCorrect>(
      patterns.getContext());
}
