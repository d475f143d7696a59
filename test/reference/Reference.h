//===- Reference.h - A plain-loop forward pass, for tests -------*- C++ -*-===//
//
// The yardstick the compiled forward pass is measured against. Every layer
// is the definition from docs/keras-semantics.md §1 written as the
// obvious loops, in NHWC, accumulating in double: no tiling, no fusion, no
// cleverness, and nothing shared with the compiler (not even its shape
// rules), so that a mistake there cannot hide by being made twice.
//
// Arguments that cannot work (a window larger than the input under `valid`,
// mismatched shapes) throw std::invalid_argument, which GoogleTest reports
// as a test failure.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_TEST_REFERENCE_REFERENCE_H
#define CNNC_TEST_REFERENCE_REFERENCE_H

#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

namespace cnnc::reference {

/// A float32 tensor in row-major order.
struct RefTensor {
  std::vector<int64_t> shape;
  std::vector<float> data;

  RefTensor() = default;
  /// Throws unless `data` has exactly the elements `shape` describes.
  RefTensor(std::vector<int64_t> shape, std::vector<float> data);
  /// A tensor of `shape` filled with zeros.
  explicit RefTensor(std::vector<int64_t> shape);

  int64_t rank() const { return int64_t(shape.size()); }
  int64_t numElements() const;
  /// The element at a full index (one coordinate per axis).
  float at(std::initializer_list<int64_t> index) const;
};

enum class Padding { Valid, Same };
enum class PoolKind { Max, Avg, Min };

/// (rows, columns): strides, dilations, pool sizes.
using Pair = std::array<int64_t, 2>;

/// Keras's output length along one axis: `valid` floor((in - d(k-1) - 1)/s)
/// + 1, `same` ceil(in/s). May be <= 0 (the layer is then impossible).
int64_t outputLength(int64_t in, int64_t k, int64_t stride, int64_t dilation,
                     Padding padding);

/// Padding before (top/left) and after (bottom/right) along one axis:
/// total = max(0, (out-1)s + (k-1)d + 1 - in), before = total/2, the odd
/// extra after. Both zero under `valid`.
std::array<int64_t, 2> paddingAmounts(int64_t in, int64_t k, int64_t stride,
                                      int64_t dilation, Padding padding);

/// Conv2D without activation. input (N, H, W, C), kernel (kh, kw, C, F),
/// bias (F) or null. Cross-correlation:
///   y[n,i,j,f] = b[f] + sum_{p,q,c} x[n, i s0 + p d0 - top,
///                                      j s1 + q d1 - left, c] K[p,q,c,f]
/// with padded cells contributing zero.
RefTensor conv2d(const RefTensor &input, const RefTensor &kernel,
                 const RefTensor *bias, Pair strides, Pair dilation,
                 Padding padding);

/// Pooling over (rows, columns) per channel. Padded cells never take part:
/// for max and min that is padding with -inf / +inf; for avg it means
/// dividing by the in-bounds cells (kh*kw under `valid`, where all are).
RefTensor pool2d(PoolKind kind, const RefTensor &input, Pair poolSize,
                 Pair strides, Padding padding);
RefTensor maxPool2d(const RefTensor &input, Pair poolSize, Pair strides,
                    Padding padding);
RefTensor avgPool2d(const RefTensor &input, Pair poolSize, Pair strides,
                    Padding padding);
RefTensor minPool2d(const RefTensor &input, Pair poolSize, Pair strides,
                    Padding padding);

/// Reduces axes 1 and 2: (N, H, W, C) -> (N, C), or (N, 1, 1, C) with
/// `keepdims`.
RefTensor globalPool2d(PoolKind kind, const RefTensor &input, bool keepdims);

/// (N, d1, ..., dk) -> (N, d1*...*dk); element (h, w, c) of an NHWC image
/// lands at (h W + w) C + c, so the data does not move.
RefTensor flatten(const RefTensor &input);

/// Dense on the last axis of any rank >= 2: kernel (in, units), bias
/// (units) or null. y[..., u] = b[u] + sum_i x[..., i] K[i, u].
RefTensor dense(const RefTensor &input, const RefTensor &kernel,
                const RefTensor *bias);

RefTensor relu(const RefTensor &input);
RefTensor sigmoid(const RefTensor &input);
RefTensor tanh(const RefTensor &input);
/// A Keras activation function by cnn.activation's name ("elu", "gelu",
/// "relu", ...) with its parameters: relu is Keras's ReLU(max_value,
/// negative_slope = alpha, threshold), elu's and hard_sigmoid's alpha their
/// alpha and slope. Written from Keras's definitions, in double.
RefTensor kerasActivation(const RefTensor &input, const std::string &function,
                          double alpha, std::optional<double> maxValue,
                          double threshold);
/// exp(x - max) / sum(exp(x - max)) along `axis` (negative counts from the
/// end).
RefTensor softmax(const RefTensor &input, int64_t axis = -1);

//===----------------------------------------------------------------------===//
// Losses (keras-semantics.md §4), summed over the batch: prediction and
// targets are (N, K); `labels` are N class indices, read as one-hot rows.
// Each is Keras's per-sample formula in double; Keras's mean is this sum
// over N.
//===----------------------------------------------------------------------===//

/// Crossentropy's epsilon (Keras's backend.epsilon()).
constexpr double kCrossentropyEpsilon = 1e-7;

/// mean_squared_error: sum_n mean_k (y_nk - p_nk)^2.
double meanSquaredErrorSum(const RefTensor &prediction,
                           const RefTensor &targets);

/// categorical_crossentropy on probabilities: q = p / sum_k p, clipped to
/// [eps, 1 - eps]; sum_n -sum_k y_nk log q_nk.
double categoricalCrossentropySum(const RefTensor &probabilities,
                                  const RefTensor &targets);
/// The same from logits z (from_logits=True, and what Keras computes from
/// a softmax output's input): sum_n sum_k y_nk (logsumexp(z_n) - z_nk), no
/// clipping.
double categoricalCrossentropyFromLogitsSum(const RefTensor &logits,
                                            const RefTensor &targets);

/// sparse_categorical_crossentropy on probabilities, as Keras's backend
/// computes it: clip p to [eps, 1 - eps] first, then the crossentropy of
/// softmax(log p), i.e. -log(c_ny / sum_k c_nk) with c the clipped p.
double sparseCategoricalCrossentropySum(const RefTensor &probabilities,
                                        const std::vector<int32_t> &labels);
/// From logits: sum_n logsumexp(z_n) - z_{n, label_n}.
double
sparseCategoricalCrossentropyFromLogitsSum(const RefTensor &logits,
                                           const std::vector<int32_t> &labels);

/// "(2, 3)", for messages.
std::string formatShape(const std::vector<int64_t> &shape);

} // namespace cnnc::reference

#endif // CNNC_TEST_REFERENCE_REFERENCE_H
