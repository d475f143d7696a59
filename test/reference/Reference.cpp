//===- Reference.cpp - A plain-loop forward pass, for tests ---------------===//
//
// Deliberately naive: one loop per index of the formula, bounds checks
// instead of padded copies, double accumulators. Speed only matters enough
// for the lesson's model at batch 1000 to take a second or two.
//
//===----------------------------------------------------------------------===//

#include "test/reference/Reference.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

using namespace cnnc::reference;

[[noreturn]] static void invalid(const std::string &message) {
  throw std::invalid_argument("reference: " + message);
}

std::string cnnc::reference::formatShape(const std::vector<int64_t> &shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

static int64_t elementsOf(const std::vector<int64_t> &shape) {
  int64_t count = 1;
  for (int64_t d : shape) {
    if (d < 0)
      invalid("negative dimension in " + formatShape(shape));
    count *= d;
  }
  return count;
}

//===----------------------------------------------------------------------===//
// RefTensor
//===----------------------------------------------------------------------===//

RefTensor::RefTensor(std::vector<int64_t> shape, std::vector<float> data)
    : shape(std::move(shape)), data(std::move(data)) {
  if (elementsOf(this->shape) != int64_t(this->data.size()))
    invalid("shape " + formatShape(this->shape) + " needs " +
            std::to_string(elementsOf(this->shape)) + " elements, got " +
            std::to_string(this->data.size()));
}

RefTensor::RefTensor(std::vector<int64_t> shape)
    : shape(std::move(shape)), data(size_t(elementsOf(this->shape)), 0.0f) {}

int64_t RefTensor::numElements() const { return elementsOf(shape); }

float RefTensor::at(std::initializer_list<int64_t> index) const {
  if (index.size() != shape.size())
    invalid("index of rank " + std::to_string(index.size()) + " into " +
            formatShape(shape));
  int64_t flat = 0;
  size_t axis = 0;
  for (int64_t i : index) {
    if (i < 0 || i >= shape[axis])
      invalid("index out of bounds for " + formatShape(shape));
    flat = flat * shape[axis++] + i;
  }
  return data[size_t(flat)];
}

//===----------------------------------------------------------------------===//
// Window geometry
//===----------------------------------------------------------------------===//

int64_t cnnc::reference::outputLength(int64_t in, int64_t k, int64_t stride,
                                      int64_t dilation, Padding padding) {
  if (k <= 0 || stride <= 0 || dilation <= 0)
    invalid("non-positive window, stride or dilation");
  if (padding == Padding::Same)
    return (in + stride - 1) / stride;
  int64_t span = dilation * (k - 1) + 1;
  // Floor division: C++ truncates toward zero, and span > in makes the
  // numerator negative.
  int64_t numerator = in - span;
  int64_t quotient = numerator / stride;
  if (numerator % stride != 0 && numerator < 0)
    --quotient;
  return quotient + 1;
}

std::array<int64_t, 2> cnnc::reference::paddingAmounts(int64_t in, int64_t k,
                                                       int64_t stride,
                                                       int64_t dilation,
                                                       Padding padding) {
  if (padding == Padding::Valid)
    return {0, 0};
  int64_t out = outputLength(in, k, stride, dilation, padding);
  int64_t total =
      std::max<int64_t>(0, (out - 1) * stride + (k - 1) * dilation + 1 - in);
  return {total / 2, total - total / 2};
}

namespace {
/// Output size and top/left padding of a 2-D window op.
struct Geometry {
  int64_t outH, outW, top, left;
};
} // namespace

static Geometry geometry(const RefTensor &input, Pair window, Pair strides,
                         Pair dilation, Padding padding, const char *op) {
  if (input.rank() != 4)
    invalid(std::string(op) + " expects an NHWC tensor, got " +
            formatShape(input.shape));
  Geometry g;
  g.outH =
      outputLength(input.shape[1], window[0], strides[0], dilation[0], padding);
  g.outW =
      outputLength(input.shape[2], window[1], strides[1], dilation[1], padding);
  if (g.outH <= 0 || g.outW <= 0)
    invalid(std::string(op) + ": output size would be zero or negative for " +
            formatShape(input.shape));
  g.top = paddingAmounts(input.shape[1], window[0], strides[0], dilation[0],
                         padding)[0];
  g.left = paddingAmounts(input.shape[2], window[1], strides[1], dilation[1],
                          padding)[0];
  return g;
}

//===----------------------------------------------------------------------===//
// Convolution
//===----------------------------------------------------------------------===//

RefTensor cnnc::reference::conv2d(const RefTensor &input,
                                  const RefTensor &kernel,
                                  const RefTensor *bias, Pair strides,
                                  Pair dilation, Padding padding) {
  if (kernel.rank() != 4)
    invalid("conv2d kernel must be (kh, kw, C, F), got " +
            formatShape(kernel.shape));
  int64_t kh = kernel.shape[0], kw = kernel.shape[1];
  int64_t channels = kernel.shape[2], filters = kernel.shape[3];
  Geometry g = geometry(input, {kh, kw}, strides, dilation, padding, "conv2d");
  int64_t n = input.shape[0], h = input.shape[1], w = input.shape[2];
  if (input.shape[3] != channels)
    invalid("conv2d kernel " + formatShape(kernel.shape) + " for input " +
            formatShape(input.shape));
  if (bias && bias->shape != std::vector<int64_t>{filters})
    invalid("conv2d bias " + formatShape(bias->shape));

  RefTensor out({n, g.outH, g.outW, filters});
  for (int64_t b = 0; b < n; ++b)
    for (int64_t i = 0; i < g.outH; ++i)
      for (int64_t j = 0; j < g.outW; ++j)
        for (int64_t f = 0; f < filters; ++f) {
          double sum = bias ? double(bias->data[size_t(f)]) : 0.0;
          for (int64_t p = 0; p < kh; ++p) {
            int64_t row = i * strides[0] + p * dilation[0] - g.top;
            if (row < 0 || row >= h)
              continue; // zero padding
            for (int64_t q = 0; q < kw; ++q) {
              int64_t col = j * strides[1] + q * dilation[1] - g.left;
              if (col < 0 || col >= w)
                continue;
              for (int64_t c = 0; c < channels; ++c)
                sum += double(input.data[size_t(
                           ((b * h + row) * w + col) * channels + c)]) *
                       double(kernel.data[size_t(
                           ((p * kw + q) * channels + c) * filters + f)]);
            }
          }
          out.data[size_t(((b * g.outH + i) * g.outW + j) * filters + f)] =
              float(sum);
        }
  return out;
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

RefTensor cnnc::reference::pool2d(PoolKind kind, const RefTensor &input,
                                  Pair poolSize, Pair strides,
                                  Padding padding) {
  Geometry g = geometry(input, poolSize, strides, {1, 1}, padding, "pool2d");
  int64_t n = input.shape[0], h = input.shape[1], w = input.shape[2],
          channels = input.shape[3];
  RefTensor out({n, g.outH, g.outW, channels});
  for (int64_t b = 0; b < n; ++b)
    for (int64_t i = 0; i < g.outH; ++i)
      for (int64_t j = 0; j < g.outW; ++j)
        for (int64_t c = 0; c < channels; ++c) {
          double acc =
              kind == PoolKind::Max   ? -std::numeric_limits<double>::infinity()
              : kind == PoolKind::Min ? std::numeric_limits<double>::infinity()
                                      : 0.0;
          int64_t inBounds = 0;
          for (int64_t p = 0; p < poolSize[0]; ++p) {
            int64_t row = i * strides[0] + p - g.top;
            if (row < 0 || row >= h)
              continue;
            for (int64_t q = 0; q < poolSize[1]; ++q) {
              int64_t col = j * strides[1] + q - g.left;
              if (col < 0 || col >= w)
                continue;
              double x =
                  input.data[size_t(((b * h + row) * w + col) * channels + c)];
              ++inBounds;
              if (kind == PoolKind::Max)
                acc = std::max(acc, x);
              else if (kind == PoolKind::Min)
                acc = std::min(acc, x);
              else
                acc += x;
            }
          }
          // Keras's 'same' padding is under a window, so every window
          // holds at least one real cell.
          if (inBounds == 0)
            invalid("pool2d: a window with no input cells");
          if (kind == PoolKind::Avg)
            acc /= double(padding == Padding::Valid ? poolSize[0] * poolSize[1]
                                                    : inBounds);
          out.data[size_t(((b * g.outH + i) * g.outW + j) * channels + c)] =
              float(acc);
        }
  return out;
}

RefTensor cnnc::reference::maxPool2d(const RefTensor &input, Pair poolSize,
                                     Pair strides, Padding padding) {
  return pool2d(PoolKind::Max, input, poolSize, strides, padding);
}

RefTensor cnnc::reference::avgPool2d(const RefTensor &input, Pair poolSize,
                                     Pair strides, Padding padding) {
  return pool2d(PoolKind::Avg, input, poolSize, strides, padding);
}

RefTensor cnnc::reference::minPool2d(const RefTensor &input, Pair poolSize,
                                     Pair strides, Padding padding) {
  return pool2d(PoolKind::Min, input, poolSize, strides, padding);
}

RefTensor cnnc::reference::globalPool2d(PoolKind kind, const RefTensor &input,
                                        bool keepdims) {
  if (input.rank() != 4)
    invalid("globalPool2d expects an NHWC tensor, got " +
            formatShape(input.shape));
  int64_t n = input.shape[0], h = input.shape[1], w = input.shape[2],
          channels = input.shape[3];
  RefTensor out(keepdims ? std::vector<int64_t>{n, 1, 1, channels}
                         : std::vector<int64_t>{n, channels});
  for (int64_t b = 0; b < n; ++b)
    for (int64_t c = 0; c < channels; ++c) {
      double acc =
          kind == PoolKind::Max   ? -std::numeric_limits<double>::infinity()
          : kind == PoolKind::Min ? std::numeric_limits<double>::infinity()
                                  : 0.0;
      for (int64_t row = 0; row < h; ++row)
        for (int64_t col = 0; col < w; ++col) {
          double x =
              input.data[size_t(((b * h + row) * w + col) * channels + c)];
          if (kind == PoolKind::Max)
            acc = std::max(acc, x);
          else if (kind == PoolKind::Min)
            acc = std::min(acc, x);
          else
            acc += x;
        }
      if (kind == PoolKind::Avg)
        acc /= double(h * w);
      // (N, 1, 1, C) and (N, C) hold the same elements in the same order.
      out.data[size_t(b * channels + c)] = float(acc);
    }
  return out;
}

//===----------------------------------------------------------------------===//
// Flatten and Dense
//===----------------------------------------------------------------------===//

RefTensor cnnc::reference::flatten(const RefTensor &input) {
  if (input.rank() < 2)
    invalid("flatten expects a batch of at least rank 2, got " +
            formatShape(input.shape));
  int64_t features = 1;
  for (int64_t i = 1; i < input.rank(); ++i)
    features *= input.shape[size_t(i)];
  RefTensor out({input.shape[0], features});
  // Spelled out rather than copied, to state the index rule.
  if (input.rank() == 4) {
    int64_t h = input.shape[1], w = input.shape[2], c = input.shape[3];
    for (int64_t b = 0; b < input.shape[0]; ++b)
      for (int64_t y = 0; y < h; ++y)
        for (int64_t x = 0; x < w; ++x)
          for (int64_t k = 0; k < c; ++k)
            out.data[size_t(b * features + (y * w + x) * c + k)] =
                input.data[size_t(((b * h + y) * w + x) * c + k)];
  } else {
    out.data = input.data;
  }
  return out;
}

RefTensor cnnc::reference::dense(const RefTensor &input,
                                 const RefTensor &kernel,
                                 const RefTensor *bias) {
  if (input.rank() < 2 || kernel.rank() != 2 ||
      input.shape.back() != kernel.shape[0])
    invalid("dense kernel " + formatShape(kernel.shape) + " for input " +
            formatShape(input.shape));
  int64_t in = kernel.shape[0], units = kernel.shape[1];
  if (bias && bias->shape != std::vector<int64_t>{units})
    invalid("dense bias " + formatShape(bias->shape));
  std::vector<int64_t> shape = input.shape;
  shape.back() = units;
  RefTensor out(shape);
  // Every leading index (batch, rows, columns, ...) is one row vector.
  int64_t rows = 1;
  for (size_t i = 0; i + 1 < input.shape.size(); ++i)
    rows *= input.shape[i];
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t u = 0; u < units; ++u) {
      double sum = bias ? double(bias->data[size_t(u)]) : 0.0;
      for (int64_t i = 0; i < in; ++i)
        sum += double(input.data[size_t(r * in + i)]) *
               double(kernel.data[size_t(i * units + u)]);
      out.data[size_t(r * units + u)] = float(sum);
    }
  return out;
}

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

template <typename Fn>
static RefTensor elementwise(const RefTensor &input, Fn fn) {
  RefTensor out = input;
  for (float &x : out.data)
    x = float(fn(double(x)));
  return out;
}

RefTensor cnnc::reference::relu(const RefTensor &input) {
  return elementwise(input, [](double x) { return x > 0 ? x : 0.0; });
}

RefTensor cnnc::reference::sigmoid(const RefTensor &input) {
  return elementwise(input,
                     [](double x) { return 1.0 / (1.0 + std::exp(-x)); });
}

RefTensor cnnc::reference::tanh(const RefTensor &input) {
  return elementwise(input, [](double x) { return std::tanh(x); });
}

RefTensor cnnc::reference::kerasActivation(const RefTensor &input,
                                           const std::string &function,
                                           double alpha,
                                           std::optional<double> maxValue,
                                           double threshold) {
  // keras/src/activations/activations.py and the ReLU layer's static_call.
  auto relu = [&](double x) {
    double y = x > threshold ? x : 0.0;
    if (maxValue)
      y = std::clamp(y, 0.0, *maxValue);
    return y - alpha * std::max(threshold - x, 0.0);
  };
  auto elu = [](double x, double a) { return x > 0 ? x : a * std::expm1(x); };
  auto softplus = [](double x) { return std::log1p(std::exp(x)); };
  const double seluAlpha = 1.6732632423543772848170429916717;
  const double seluScale = 1.0507009873554804934193349852946;
  return elementwise(input, [&](double x) -> double {
    if (function == "relu")
      return relu(x);
    if (function == "elu")
      return elu(x, alpha);
    if (function == "selu")
      return seluScale * elu(x, seluAlpha);
    if (function == "softplus")
      return softplus(x);
    if (function == "softsign")
      return x / (1 + std::fabs(x));
    if (function == "swish")
      return x / (1 + std::exp(-x));
    if (function == "gelu")
      return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0)));
    if (function == "gelu_tanh")
      return 0.5 * x *
             (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
    if (function == "hard_sigmoid")
      return std::clamp(alpha * x + 0.5, 0.0, 1.0);
    if (function == "mish")
      return x * std::tanh(softplus(x));
    if (function == "exponential")
      return std::exp(x);
    return std::nan("");
  });
}

RefTensor cnnc::reference::softmax(const RefTensor &input, int64_t axis) {
  int64_t rank = input.rank();
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    invalid("softmax axis out of range for " + formatShape(input.shape));
  // View the tensor as (outer, length, inner) around the axis.
  int64_t outer = 1, inner = 1, length = input.shape[size_t(axis)];
  for (int64_t i = 0; i < axis; ++i)
    outer *= input.shape[size_t(i)];
  for (int64_t i = axis + 1; i < rank; ++i)
    inner *= input.shape[size_t(i)];
  RefTensor out = input;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t in = 0; in < inner; ++in) {
      auto index = [&](int64_t k) {
        return size_t((o * length + k) * inner + in);
      };
      double largest = -std::numeric_limits<double>::infinity();
      for (int64_t k = 0; k < length; ++k)
        largest = std::max(largest, double(input.data[index(k)]));
      double total = 0;
      for (int64_t k = 0; k < length; ++k)
        total += std::exp(double(input.data[index(k)]) - largest);
      for (int64_t k = 0; k < length; ++k)
        out.data[index(k)] =
            float(std::exp(double(input.data[index(k)]) - largest) / total);
    }
  return out;
}

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

/// Checks a (N, K) prediction against (N, K) targets or N labels.
static void checkRows(const RefTensor &prediction, const RefTensor *targets,
                      const std::vector<int32_t> *labels) {
  if (prediction.rank() != 2)
    invalid("a loss takes (N, K) predictions, not " +
            formatShape(prediction.shape));
  if (targets && targets->shape != prediction.shape)
    invalid("targets " + formatShape(targets->shape) + " for predictions " +
            formatShape(prediction.shape));
  if (labels) {
    if (int64_t(labels->size()) != prediction.shape[0])
      invalid("labels for another batch size");
    for (int32_t label : *labels)
      if (label < 0 || label >= prediction.shape[1])
        invalid("label " + std::to_string(label) + " out of range");
  }
}

/// log(sum_k exp(z_nk)) of row n, shifted by the row's maximum.
static double logSumExp(const RefTensor &z, int64_t n) {
  int64_t classes = z.shape[1];
  double largest = -std::numeric_limits<double>::infinity();
  for (int64_t k = 0; k < classes; ++k)
    largest = std::max(largest, double(z.data[size_t(n * classes + k)]));
  double total = 0;
  for (int64_t k = 0; k < classes; ++k)
    total += std::exp(double(z.data[size_t(n * classes + k)]) - largest);
  return largest + std::log(total);
}

static double clipProbability(double p) {
  return std::min(std::max(p, kCrossentropyEpsilon),
                  1.0 - kCrossentropyEpsilon);
}

double cnnc::reference::meanSquaredErrorSum(const RefTensor &prediction,
                                            const RefTensor &targets) {
  checkRows(prediction, &targets, nullptr);
  int64_t batch = prediction.shape[0], classes = prediction.shape[1];
  double sum = 0;
  for (int64_t n = 0; n < batch; ++n) {
    double row = 0;
    for (int64_t k = 0; k < classes; ++k) {
      double d = double(targets.data[size_t(n * classes + k)]) -
                 double(prediction.data[size_t(n * classes + k)]);
      row += d * d;
    }
    sum += row / double(classes);
  }
  return sum;
}

double
cnnc::reference::categoricalCrossentropySum(const RefTensor &probabilities,
                                            const RefTensor &targets) {
  checkRows(probabilities, &targets, nullptr);
  int64_t batch = probabilities.shape[0], classes = probabilities.shape[1];
  double sum = 0;
  for (int64_t n = 0; n < batch; ++n) {
    double total = 0;
    for (int64_t k = 0; k < classes; ++k)
      total += double(probabilities.data[size_t(n * classes + k)]);
    for (int64_t k = 0; k < classes; ++k) {
      double q = clipProbability(
          double(probabilities.data[size_t(n * classes + k)]) / total);
      sum -= double(targets.data[size_t(n * classes + k)]) * std::log(q);
    }
  }
  return sum;
}

double cnnc::reference::categoricalCrossentropyFromLogitsSum(
    const RefTensor &logits, const RefTensor &targets) {
  checkRows(logits, &targets, nullptr);
  int64_t batch = logits.shape[0], classes = logits.shape[1];
  double sum = 0;
  for (int64_t n = 0; n < batch; ++n) {
    double lse = logSumExp(logits, n);
    for (int64_t k = 0; k < classes; ++k)
      sum += double(targets.data[size_t(n * classes + k)]) *
             (lse - double(logits.data[size_t(n * classes + k)]));
  }
  return sum;
}

double cnnc::reference::sparseCategoricalCrossentropySum(
    const RefTensor &probabilities, const std::vector<int32_t> &labels) {
  checkRows(probabilities, nullptr, &labels);
  int64_t batch = probabilities.shape[0], classes = probabilities.shape[1];
  double sum = 0;
  for (int64_t n = 0; n < batch; ++n) {
    double total = 0;
    for (int64_t k = 0; k < classes; ++k)
      total +=
          clipProbability(double(probabilities.data[size_t(n * classes + k)]));
    double mine = clipProbability(
        double(probabilities.data[size_t(n * classes + labels[size_t(n)])]));
    sum -= std::log(mine / total);
  }
  return sum;
}

double cnnc::reference::sparseCategoricalCrossentropyFromLogitsSum(
    const RefTensor &logits, const std::vector<int32_t> &labels) {
  checkRows(logits, nullptr, &labels);
  int64_t classes = logits.shape[1];
  double sum = 0;
  for (int64_t n = 0; n < logits.shape[0]; ++n)
    sum += logSumExp(logits, n) -
           double(logits.data[size_t(n * classes + labels[size_t(n)])]);
  return sum;
}
