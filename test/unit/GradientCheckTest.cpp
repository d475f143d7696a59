//===- GradientCheckTest.cpp - Compiled gradients vs finite differences ---===//
//
// For every op and attribute combination the training step differentiates,
// a small Keras model (Python source, through the real frontend) is
// compiled with its training step, and the gradient cnnc_train_gradients
// returns is compared with central differences of the loss the same
// function returns, for every parameter element (or, in the full-size
// lesson model, a random sample of every parameter tensor):
//
//   |g - (L(w + h) - L(w - h)) / 2h| <= 3e-3 + 3e-2 * max(|g|, |fd|)
//
// 3e-3 is the finite differences' noise floor: below it an element is
// tiny and only the absolute error counts, above it the relative error
// does. Many elements are tiny (a relu that is off for every sample has a
// zero gradient), and at a tiny one a zero or a wrong sign is as good as the
// right value; so each tensor must have significant samples too (|fd| >
// 6e-3, where a zeroed or sign-flipped gradient fails), and the test checks
// that the comparison does reject every tensor's gradient zeroed, and
// sign-flipped.
//
// The loss is the training-mode loss with a fixed seed and step, so dropout
// draws the same mask on every call and is checked like any other op. The
// inputs are random, but with hundreds of relu units a step of h = 1e-3
// (small enough for float32's rounding of the loss) still crosses a kink
// now and then: an element whose differences at h, h/2, h/4 disagree is
// skipped, and at most 1 in 8 may be (relu feeding max pooling has many:
// a window of four zeros is a tie at every step).
//
// The optimizer updates are checked separately against Keras's formulas,
// computed here in double precision over three steps.
//
//===----------------------------------------------------------------------===//

#include "compiler/backend/CompiledModel.h"
#include "compiler/backend/Pipeline.h"
#include "frontends/LoadModel.h"
#include "test/unit/CompileForTest.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <unistd.h>

using namespace cnnc;

namespace {

struct GradientCase {
  const char *name;
  const char *input;  // Keras input shape, e.g. "(7, 6, 2)"
  const char *layers; // the Sequential's layers after the Input
  const char *loss;   // compile()'s loss
  /// How many elements of each parameter tensor to check, drawn at random
  /// (0: all of them): the full-size lesson model has 113,386.
  int samplesPerTensor = 0;
  /// Samples in the batch.
  int64_t batch = 3;
};

std::ostream &operator<<(std::ostream &os, const GradientCase &c) {
  return os << c.name;
}

/// Compiles a model written as Keras Python, with its training step.
std::unique_ptr<CompiledModel> compileModel(const std::string &source,
                                            std::string &diagnostics) {
  PipelineOptions options;
  options.train = true;
  options.tile = !getenv("NO_TILE");
  options.fuse = !getenv("NO_FUSE");
  return compilePythonModel(source, options, diagnostics);
}

/// One sampled parameter element and its central differences of the loss
/// at h, h / 2 and h / 4.
struct Sample {
  size_t tensor, index;
  double fd, half, quarter;
};

/// What comparing a gradient with the samples' finite differences found.
struct Comparison {
  struct Tensor {
    int checked = 0;     // samples compared (kinks excluded)
    int significant = 0; // of which the finite difference is well above
                         // its noise, so that a zero there is a mismatch
    int mismatches = 0;
    int kinks = 0;
  };
  std::vector<Tensor> tensors;
  int checked = 0, kinks = 0, mismatches = 0;
  /// The first few mismatches, for messages.
  std::string details;
};

/// The comparison, in units of the loss's gradient:
///
///   |g - fd| <= kAbsolute + kRelative * max(|g|, |fd|)
///
/// kAbsolute is the noise floor of the finite differences (a float32 loss
/// of ~2-10 rounds to 2.4e-7-9.5e-7, over 2h = 2e-3, and relu and pooling
/// near-ties inside the step add as much again): below it an element is
/// tiny and only the absolute error counts. Above it the relative error
/// does: at |fd| = 10 kAbsolute, 13 %; at 100 kAbsolute, 4 %.
constexpr double kAbsolute = 3e-3;
constexpr double kRelative = 3e-2;
/// A sample is significant when |fd| exceeds this: there a zeroed gradient
/// (off by |fd|) and a sign-flipped one (off by 2 |fd|) exceed the
/// tolerance, kAbsolute + kRelative |fd| < |fd|.
constexpr double kSignificant = 2 * kAbsolute;
/// How many significant samples each tensor needs (all checked ones, if
/// it has fewer).
constexpr int kMinSignificant = 3;

double tolerance(double a, double b) {
  return kAbsolute + kRelative * std::max(std::fabs(a), std::fabs(b));
}

/// True if the differences at h, h/2, h/4 disagree: a relu or a pooling
/// choice flipped inside the step, and the element says nothing.
bool isKink(const Sample &s) {
  return std::fabs(s.fd - s.half) > tolerance(s.fd, s.half) / 4 ||
         std::fabs(s.fd - s.quarter) > tolerance(s.fd, s.quarter) / 2;
}

/// Compares `grads` (one vector per parameter tensor) with the samples'
/// finite differences. Kept apart from the sampling, so that a test can feed
/// it a corrupted gradient and see it rejected.
Comparison compareGradients(const std::vector<Sample> &samples,
                            const std::vector<std::vector<float>> &grads,
                            const std::vector<std::string> &names) {
  Comparison result;
  result.tensors.resize(grads.size());
  int reported = 0;
  for (const Sample &s : samples) {
    Comparison::Tensor &t = result.tensors[s.tensor];
    if (isKink(s)) {
      ++t.kinks;
      ++result.kinks;
      continue;
    }
    double g = grads[s.tensor][s.index];
    ++t.checked;
    ++result.checked;
    if (std::fabs(s.fd) > kSignificant)
      ++t.significant;
    // NaN fails too.
    if (!(std::fabs(g - s.fd) <= tolerance(g, s.fd))) {
      ++t.mismatches;
      ++result.mismatches;
      if (reported++ < 5)
        result.details += names[s.tensor] + "[" + std::to_string(s.index) +
                          "]: compiled " + std::to_string(g) +
                          ", finite differences " + std::to_string(s.fd) + "\n";
    }
  }
  return result;
}

/// Which elements of a tensor of `size` to sample: all of them when `count`
/// is 0 or at least `size`, else `count` distinct ones drawn at random.
std::vector<size_t> sampleIndices(size_t size, int count, std::mt19937 &rng) {
  std::vector<size_t> indices(size);
  for (size_t i = 0; i < size; ++i)
    indices[i] = i;
  if (count <= 0 || size_t(count) >= size)
    return indices;
  for (size_t i = 0; i < size_t(count); ++i)
    std::swap(indices[i], indices[i + rng() % (size - i)]);
  indices.resize(size_t(count));
  std::sort(indices.begin(), indices.end());
  return indices;
}

/// A compiled model with random inputs, labels and parameters, its
/// gradient, and finite differences of its loss at sampled elements.
struct GradientProblem {
  std::string source, diagnostics;
  std::unique_ptr<CompiledModel> model;
  std::vector<std::string> names;
  std::vector<std::vector<float>> grads;
  std::vector<Sample> samples;
  /// Per tensor: its slot holds the next value of a moving statistic (a
  /// trainable BatchNormalization's), not a gradient; not sampled.
  std::vector<bool> nextValue;
};

std::string modelSource(const GradientCase &c) {
  return std::string("from tensorflow import keras\n"
                     "from keras import layers\n"
                     "from keras.layers import *\n"
                     "model = keras.Sequential([\n"
                     "    layers.Input(shape=") +
         c.input + "),\n" + c.layers +
         "])\nmodel.compile(optimizer='sgd', loss=" + c.loss + ")\n";
}

/// Fills `problem` for `c`; false (with problem.diagnostics) if the model
/// does not compile.
bool buildProblem(const GradientCase &c, GradientProblem &problem) {
  problem.source = modelSource(c);
  problem.model = compileModel(problem.source, problem.diagnostics);
  if (!problem.model || !problem.model->kernels().trainGradients)
    return false;
  const ModelKernels &k = problem.model->kernels();
  const ModelInfo &info = k.info;

  const int64_t batch = c.batch;
  std::mt19937 rng(1234);
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  std::vector<float> input(batch * info.inputElements());
  for (float &x : input)
    x = unit(rng);
  int64_t classes = info.outputElements();
  std::vector<int32_t> sparseLabels(batch);
  std::vector<float> targets(batch * classes);
  for (int64_t n = 0; n < batch; ++n) {
    sparseLabels[n] = static_cast<int32_t>(rng() % classes);
    // Soft targets (rows summing to 1) exercise every term of the losses.
    float sum = 0.0f;
    for (int64_t j = 0; j < classes; ++j)
      sum += targets[n * classes + j] = 0.1f + (unit(rng) + 1.0f);
    for (int64_t j = 0; j < classes; ++j)
      targets[n * classes + j] /= sum;
  }
  const void *labels = info.sparseLabels
                           ? static_cast<const void *>(sparseLabels.data())
                           : static_cast<const void *>(targets.data());

  // Parameters: uniform in [-a, a], a = sqrt(3 / fan_in), as the forward
  // matrix test draws them.
  std::vector<std::vector<float>> params;
  for (const ParamInfo &p : info.params) {
    int64_t fanIn = p.shape.size() > 1 ? p.elements() / p.shape.back() : 1;
    float a = std::min(1.0f, std::sqrt(3.0f / float(fanIn)));
    std::vector<float> values(p.elements());
    for (float &v : values)
      v = a * unit(rng);
    // A variance is positive: BatchNormalization takes its root.
    if (llvm::StringRef(p.name).ends_with("/moving_variance"))
      for (float &v : values)
        v = 0.5f + std::fabs(v);
    params.push_back(std::move(values));
    problem.names.push_back(p.name);
    problem.nextValue.push_back(p.fromBatchStatistics);
  }
  std::vector<const float *> paramPointers;
  for (auto &p : params)
    paramPointers.push_back(p.data());
  for (const ParamInfo &p : info.params)
    problem.grads.emplace_back(p.elements(), std::nanf(""));
  std::vector<float *> gradPointers;
  for (auto &g : problem.grads)
    gradPointers.push_back(g.data());
  std::vector<std::vector<float>> scratch;
  std::vector<float *> scratchPointers;
  for (const ParamInfo &p : info.params)
    scratch.emplace_back(p.elements());
  for (auto &s : scratch)
    scratchPointers.push_back(s.data());

  auto loss = [&](bool keepGradients) {
    float stats[2] = {0, 0};
    k.trainGradients(input.data(), labels, batch, paramPointers.data(), 1.0f,
                     /*seed=*/7, /*step=*/3, /*first_sample=*/0, stats,
                     keepGradients ? gradPointers.data()
                                   : scratchPointers.data());
    return double(stats[0]);
  };
  loss(true);

  auto centralDifference = [&](size_t p, size_t i, float step) {
    float saved = params[p][i];
    params[p][i] = saved + step;
    double plus = loss(false);
    params[p][i] = saved - step;
    double minus = loss(false);
    params[p][i] = saved;
    return (plus - minus) / (2.0 * double(step));
  };
  constexpr float h = 1e-3f;
  std::mt19937 pick(4321);
  for (size_t p = 0; p < params.size(); ++p)
    for (size_t i :
         problem.nextValue[p]
             ? std::vector<size_t>()
             : sampleIndices(params[p].size(), c.samplesPerTensor, pick))
      problem.samples.push_back({p, i, centralDifference(p, i, h),
                                 centralDifference(p, i, h / 2),
                                 centralDifference(p, i, h / 4)});
  return true;
}

class GradientCheck : public ::testing::TestWithParam<GradientCase> {};

TEST_P(GradientCheck, MatchesCentralDifferences) {
  const GradientCase &c = GetParam();
  GradientProblem problem;
  ASSERT_TRUE(buildProblem(c, problem)) << problem.diagnostics << "\n"
                                        << problem.source;

  Comparison result =
      compareGradients(problem.samples, problem.grads, problem.names);
  EXPECT_EQ(result.mismatches, 0) << result.details << problem.source;
  EXPECT_LE(result.kinks, std::max(2, result.checked / 8))
      << "too many elements skipped";
  EXPECT_GT(result.checked, 0);
  // Every tensor is sampled, and enough of its samples are significant that
  // a wrong sign or a missing gradient cannot pass unseen.
  for (size_t p = 0; p < problem.names.size(); ++p) {
    if (problem.nextValue[p])
      continue; // checked against the reference in BatchNormTraining
    const Comparison::Tensor &t = result.tensors[p];
    EXPECT_GE(t.significant, std::min(kMinSignificant, t.checked))
        << problem.names[p] << ": only " << t.significant << " of its "
        << t.checked << " checked elements have |fd| > " << kSignificant;
  }

  // The comparison rejects each tensor's gradient zeroed, or with its sign
  // flipped, and says which tensor.
  for (size_t p = 0; p < problem.names.size(); ++p) {
    if (problem.nextValue[p])
      continue;
    for (const char *corruption : {"zeroed", "sign-flipped"}) {
      std::vector<std::vector<float>> corrupted = problem.grads;
      for (float &g : corrupted[p])
        g = corruption[0] == 'z' ? 0.0f : -g;
      Comparison bad =
          compareGradients(problem.samples, corrupted, problem.names);
      EXPECT_GT(bad.tensors[p].mismatches, 0)
          << problem.names[p] << " " << corruption << " passes the comparison";
      for (size_t q = 0; q < problem.names.size(); ++q)
        if (q != p)
          EXPECT_EQ(bad.tensors[q].mismatches, 0) << problem.names[q];
    }
  }
}

// A frozen BatchNormalization (inference mode in training) between
// trainable layers: the gradients of the layers around it match central
// differences, so its input gradient dy * gamma / sqrt(variance + epsilon)
// is right; its own four weights, not trainable, get exactly zero.
TEST(GradientCheckFrozen, FrozenBatchNormPassesTheGradientOn) {
  GradientCase c{"frozen_batch_norm", "(5, 5, 2)",
                 "layers.Conv2D(3, 2), "
                 "layers.BatchNormalization(trainable=False, epsilon=0.01),\n"
                 "layers.Flatten(), layers.Dense(4),\n"
                 "layers.BatchNormalization(trainable=False), "
                 "layers.Dense(2)\n",
                 "'mse'"};
  GradientProblem problem;
  ASSERT_TRUE(buildProblem(c, problem)) << problem.diagnostics << "\n"
                                        << problem.source;
  auto frozen = [&](size_t p) {
    return llvm::StringRef(problem.names[p]).starts_with("batch_norm");
  };
  std::vector<Sample> trainable;
  for (const Sample &s : problem.samples)
    if (!frozen(s.tensor))
      trainable.push_back(s);
  Comparison result = compareGradients(trainable, problem.grads, problem.names);
  EXPECT_EQ(result.mismatches, 0) << result.details << problem.source;
  EXPECT_GT(result.checked, 0);
  int frozenTensors = 0;
  for (size_t p = 0; p < problem.names.size(); ++p) {
    if (!frozen(p)) {
      EXPECT_GE(result.tensors[p].significant,
                std::min(kMinSignificant, result.tensors[p].checked))
          << problem.names[p];
      continue;
    }
    ++frozenTensors;
    for (float g : problem.grads[p])
      ASSERT_EQ(g, 0.0f) << problem.names[p] << " is frozen";
  }
  EXPECT_EQ(frozenTensors, 8);
}

// The comparison itself, on finite differences made up for it.
TEST(GradientComparison, ToleratesNoiseButNotAWrongSignOrAZero) {
  std::vector<std::string> names = {"kernel", "bias"};
  // Tensor 0: one tiny element (noise only), one significant; tensor 1: one
  // significant element, and one whose differences disagree (a kink).
  std::vector<Sample> samples = {{0, 0, 1e-3, 1e-3, 1e-3},
                                 {0, 1, 0.2, 0.2, 0.2},
                                 {1, 0, -0.05, -0.05, -0.05},
                                 {1, 1, 0.3, 0.1, 0.1}};
  auto compare = [&](std::vector<float> kernel, std::vector<float> bias) {
    return compareGradients(samples, {std::move(kernel), std::move(bias)},
                            names);
  };
  // Within the noise floor near zero, within 3 % above it.
  Comparison good = compare({-1e-3f, 0.205f}, {-0.0495f, 42.0f});
  EXPECT_EQ(good.mismatches, 0) << good.details;
  EXPECT_EQ(good.checked, 3);
  EXPECT_EQ(good.kinks, 1);
  EXPECT_EQ(good.tensors[0].significant, 1);
  EXPECT_EQ(good.tensors[1].significant, 1);
  // A tiny element cannot tell a zero or a sign from noise; the
  // significant ones can.
  EXPECT_EQ(compare({0.0f, 0.0f}, {-0.05f, 0.0f}).tensors[0].mismatches, 1);
  EXPECT_EQ(compare({-1e-3f, -0.2f}, {-0.05f, 0.0f}).tensors[0].mismatches, 1);
  EXPECT_EQ(compare({1e-3f, 0.2f}, {0.0f, 0.0f}).tensors[1].mismatches, 1);
  EXPECT_EQ(compare({1e-3f, 0.2f}, {0.05f, 0.0f}).tensors[1].mismatches, 1);
  // 10 % off on a significant element; a NaN.
  EXPECT_EQ(compare({1e-3f, 0.22f}, {-0.05f, 0.0f}).mismatches, 1);
  EXPECT_EQ(compare({1e-3f, 0.2f}, {std::nanf(""), 0.0f}).mismatches, 1);
}

// Each case puts the op under test between parameterised layers, so that
// its input gradient reaches a parameter and is checked through it.
const GradientCase kCases[] = {
    // Convolutions: padding x strides x dilation, with and without bias.
    {"conv_valid", "(7, 6, 2)",
     "layers.Conv2D(3, (3, 2), activation='tanh'),\n"
     "layers.Conv2D(2, (2, 2), activation='tanh'), layers.Flatten(),\n"
     "layers.Dense(4)\n",
     "'mse'"},
    {"conv_same_strided", "(7, 6, 2)",
     "layers.Conv2D(3, 3, strides=2, padding='same', activation='tanh'),\n"
     "layers.Conv2D(2, 3, strides=(2, 1), padding='same', use_bias=False),\n"
     "layers.Flatten(), layers.Dense(3)\n",
     "'mse'"},
    {"conv_dilated", "(9, 8, 1)",
     "layers.Conv2D(2, 3, dilation_rate=2, activation='sigmoid'),\n"
     "layers.Conv2D(2, 2, dilation_rate=(1, 2), padding='same'),\n"
     "layers.Flatten(), layers.Dense(3)\n",
     "'mse'"},
    {"conv_valid_stride_leaves_rows", "(8, 8, 2)",
     "layers.Conv2D(2, 3, strides=1, activation='tanh'),\n"
     "layers.Conv2D(3, 2, strides=3), layers.Flatten(), layers.Dense(2)\n",
     "'mse'"},
    // Kernel gradients of 8, 4 and 2 filters whose channels fill a vector
    // with them (FewFilterKernelGradient.cpp: lanes of filters x channels,
    // a kernel row's taps in one pass; a 1x1 kernel's one tap alone).
    {"few_filter_kernel_gradients", "(6, 7, 4)",
     "layers.Conv2D(8, 3, padding='same', activation='tanh'),\n"
     "layers.Conv2D(4, (2, 3), activation='tanh'), layers.Conv2D(8, 1),\n"
     "layers.Conv2D(2, 3, padding='same'), layers.Flatten(),\n"
     "layers.Dense(3)\n",
     "'mse'"},
    // Filters that are not whole vectors: kernel gradients split 16 + 4
    // and, strided, 32 + 4, the 4 on few-filter lanes over a 3-image batch.
    {"split_filter_kernel_gradients", "(6, 7, 4)",
     "layers.Conv2D(20, (2, 3), activation='tanh'),\n"
     "layers.Conv2D(36, 1, strides=2, activation='tanh'), layers.Flatten(),\n"
     "layers.Dense(3)\n",
     "'mse'"},
    // Pooling: each kind x padding x overlap.
    {"max_pool", "(6, 6, 2)",
     "layers.Conv2D(3, 3, padding='same'), layers.MaxPooling2D(2),\n"
     "layers.Flatten(), layers.Dense(3)\n",
     "'mse'"},
    {"max_pool_overlapping_same", "(7, 7, 1)",
     "layers.Conv2D(2, 2), layers.MaxPooling2D(3, strides=2, padding='same'),\n"
     "layers.Flatten(), layers.Dense(3)\n",
     "'mse'"},
    {"avg_pool_same", "(7, 5, 2)",
     "layers.Conv2D(2, 2), layers.AveragePooling2D(2, padding='same'),\n"
     "layers.Flatten(), layers.Dense(3)\n",
     "'mse'"},
    {"avg_pool_tiles_uncovered_row", "(8, 7, 2)",
     "layers.Conv2D(2, 2), layers.AveragePooling2D(2),\n"
     "layers.Flatten(), layers.Dense(3)\n",
     "'mse'"},
    {"max_pool_tiles_uncovered_row", "(8, 7, 2)",
     "layers.Conv2D(2, 2), layers.MaxPooling2D(2),\n"
     "layers.Flatten(), layers.Dense(3)\n",
     "'mse'"},
    {"avg_pool_overlapping", "(7, 7, 1)",
     "layers.Conv2D(2, 2), layers.AveragePooling2D(3, strides=1),\n"
     "layers.Flatten(), layers.Dense(3)\n",
     "'mse'"},
    {"min_pool", "(6, 6, 2)",
     "layers.Conv2D(3, 3, padding='same'), MinPooling2D(pool_size=(2, 3), "
     "strides=(2, 1)),\n"
     "layers.Flatten(), layers.Dense(3)\n",
     "'mse'"},
    {"global_max_pool", "(5, 4, 2)",
     "layers.Conv2D(3, 2), layers.GlobalMaxPooling2D(), layers.Dense(3)\n",
     "'mse'"},
    {"global_avg_pool_keepdims", "(5, 4, 2)",
     "layers.Conv2D(3, 2), layers.GlobalAveragePooling2D(keepdims=True),\n"
     "layers.Flatten(), layers.Dense(3)\n",
     "'mse'"},
    {"global_min_pool", "(5, 4, 2)",
     "layers.Conv2D(3, 2), GlobalMinPooling2D(), layers.Dense(3)\n", "'mse'"},
    // Activations, dense on rank > 2, softmax inside the model, dropout.
    {"relu_dense", "(6,)",
     "layers.Dense(5, activation='relu'), layers.Dense(4, "
     "activation='sigmoid'),\n"
     "layers.Dense(3, activation='tanh')\n",
     "'mse'"},
    {"dense_on_images", "(4, 3, 2)",
     "layers.Dense(3, activation='tanh'), layers.Flatten(), layers.Dense(2)\n",
     "'mse'"},
    // cnn.activation: each function and the activation layers, between
    // dense layers, so that every gradient reaches a kernel.
    {"elu_selu_softplus", "(6,)",
     "layers.Dense(5, activation='elu'), layers.Dense(5, activation='selu'),\n"
     "layers.Dense(4, activation='softplus'), layers.Dense(3)\n",
     "'mse'"},
    {"softsign_swish_gelu", "(6,)",
     "layers.Dense(5, activation='softsign'), layers.Dense(5, "
     "activation='swish'),\n"
     "layers.Dense(4, activation='gelu'), layers.Dense(3)\n",
     "'mse'"},
    {"mish_exponential", "(6,)",
     "layers.Dense(5, activation='mish'), layers.Dense(4, "
     "activation='exponential'),\n"
     "layers.Dense(3)\n",
     "'mse'"},
    {"hard_sigmoid", "(6,)",
     "layers.Dense(5, activation='hard_sigmoid'), layers.Dense(3)\n", "'mse'"},
    {"activation_layers", "(3, 3, 2)",
     "layers.Conv2D(4, 2), layers.LeakyReLU(0.2), layers.Conv2D(4, 1),\n"
     "layers.ELU(0.5), layers.Dense(4),\n"
     "layers.ReLU(max_value=0.8, negative_slope=0.1, threshold=0.1),\n"
     "layers.Flatten(), layers.Dense(4, activation='relu6'), "
     "layers.Dense(2)\n",
     "'mse'"},
    {"prelu", "(4, 4, 2)",
     "layers.Conv2D(3, 2), layers.PReLU(alpha_initializer='ones'),\n"
     "layers.Conv2D(3, 2), layers.PReLU(shared_axes=[1, 2]),\n"
     "layers.Flatten(), layers.Dense(4), layers.PReLU(shared_axes=1),\n"
     "layers.Dense(2)\n",
     "'mse'"},
    // Shape layers: their gradients (crop <-> pad, reshape back, scale)
    // reach the first Dense's kernel.
    {"shape_layers", "(6, 6)",
     "layers.Dense(6, activation='tanh'), layers.Reshape((6, 6, 1)),\n"
     "layers.Rescaling(0.5, offset=0.1),\n"
     "layers.ZeroPadding2D(((1, 0), (2, 1))), layers.Conv2D(2, 3),\n"
     "layers.Cropping2D(((1, 0), (0, 1))), layers.Reshape((-1, 2)),\n"
     "layers.Flatten(), layers.Dense(3)\n",
     "'mse'"},
    // Issue 18's convolution variants: each kernel, bias and input
    // gradient (a depthwise multiplier, strides, 'same' and 'valid', a
    // transposed convolution with and without output_padding, nearest
    // upsampling) reaches the parameters before it.
    {"depthwise", "(7, 6, 2)",
     "layers.DepthwiseConv2D(3, depth_multiplier=2, activation='tanh'),\n"
     "layers.DepthwiseConv2D((2, 3), strides=2, padding='same'),\n"
     "layers.Flatten(), layers.Dense(3)\n",
     "'mse'"},
    {"depthwise_dilated", "(8, 7, 3)",
     "layers.Conv2D(2, 2, activation='tanh'),\n"
     "layers.DepthwiseConv2D(3, dilation_rate=2, padding='same',\n"
     "                       use_bias=False),\n"
     "layers.Flatten(), layers.Dense(3)\n",
     "'mse'"},
    {"separable", "(6, 6, 2)",
     "layers.SeparableConv2D(3, 3, depth_multiplier=2, padding='same',\n"
     "                       activation='tanh'),\n"
     "layers.SeparableConv2D(2, 2, strides=2), layers.Flatten(),\n"
     "layers.Dense(3)\n",
     "'mse'"},
    {"conv2d_transpose", "(2, 3, 2)",
     "layers.Conv2DTranspose(3, 3, strides=2, padding='same',\n"
     "                       activation='tanh'),\n"
     "layers.Conv2DTranspose(2, 2, strides=(3, 1)),\n"
     "layers.Flatten(), layers.Dense(3)\n",
     "'mse'"},
    {"conv2d_transpose_output_padding", "(3, 3, 1)",
     "layers.Conv2DTranspose(2, 3, strides=2, output_padding=1),\n"
     "layers.Flatten(), layers.Dense(3)\n",
     "'mse'"},
    {"upsampling", "(3, 4, 2)",
     "layers.Conv2D(3, 2, activation='tanh'), layers.UpSampling2D((2, 3)),\n"
     "layers.Conv2D(2, 3), layers.UpSampling2D(), layers.Flatten(),\n"
     "layers.Dense(3)\n",
     "'mse'"},
    {"upsampling_after_pool", "(8, 8, 1)",
     "layers.Conv2D(4, 3, activation='relu'), layers.MaxPooling2D(2),\n"
     "layers.UpSampling2D(), layers.Flatten(), layers.Dense(3)\n",
     "'mse'"},
    // A trainable BatchNormalization: the gradients through the batch's
    // statistics (rank 4 over (n, h, w), rank 2 over n), with center and
    // scale on and off; each BN's input gradient reaches the kernel before
    // it. (Its moving statistics' slots: BatchNormTraining below.)
    {"batch_norm_training", "(5, 5, 2)",
     "layers.Conv2D(4, 2, use_bias=False), layers.BatchNormalization(),\n"
     "layers.Activation('tanh'), layers.Flatten(),\n"
     "layers.Dense(4, use_bias=False),\n"
     "layers.BatchNormalization(momentum=0.9, epsilon=0.01),\n"
     "layers.Activation('tanh'), layers.Dense(3)\n",
     "'mse'", /*samplesPerTensor=*/0, /*batch=*/4},
    {"batch_norm_training_center_scale_off", "(4, 4, 2)",
     "layers.Conv2D(3, 2, activation='tanh'),\n"
     "layers.BatchNormalization(center=False), layers.Activation('tanh'),\n"
     "layers.Conv2D(3, 2, use_bias=False), "
     "layers.BatchNormalization(scale=False),\n"
     "layers.Activation('tanh'), layers.Flatten(), layers.Dense(2)\n",
     "'mse'", /*samplesPerTensor=*/0, /*batch=*/6},
    // LayerNormalization: the gradients through each sample's own
    // statistics, over the channels (after a convolution and a dense
    // layer) and over every axis after the batch, with center and scale
    // on and off; each one's input gradient reaches the kernel before it.
    {"layer_norm", "(5, 5, 3)",
     "layers.Conv2D(4, 2, activation='tanh'),\n"
     "layers.LayerNormalization(epsilon=0.01), layers.Activation('tanh'),\n"
     "layers.Flatten(), layers.Dense(4),\n"
     "layers.LayerNormalization(center=False), layers.Activation('tanh'),\n"
     "layers.Dense(3)\n",
     "'mse'"},
    // Permute: the inverse permutation carries the gradient back.
    {"permute", "(4, 3, 2)",
     "layers.Conv2D(3, 2, activation='tanh'), layers.Permute((3, 1, 2)),\n"
     "layers.Conv2D(2, (2, 1), activation='tanh'), layers.Permute((2, 1, 3)),\n"
     "layers.Flatten(), layers.Dense(3)\n",
     "'mse'"},
    // ThresholdedReLU: relu's threshold without a slope below it.
    {"thresholded_relu", "(6,)",
     "layers.Dense(8), layers.ThresholdedReLU(theta=0.2), layers.Dense(3)\n",
     "'mse'"},
    {"layer_norm_trailing_axes", "(4, 4, 2)",
     "layers.Conv2D(3, 2, activation='tanh'),\n"
     "layers.LayerNormalization(axis=[1, 2, 3], scale=False),\n"
     "layers.Activation('tanh'), layers.Flatten(), layers.Dense(2)\n",
     "'mse'"},
    {"spatial_dropout", "(5, 5, 2)",
     "layers.Conv2D(4, 2, activation='tanh'), layers.SpatialDropout2D(0.5),\n"
     "layers.Flatten(), layers.Dense(3)\n",
     "'mse'"},
    {"inner_softmax", "(5,)",
     "layers.Dense(4), layers.Softmax(), layers.Dense(3)\n", "'mse'"},
    // AlphaDropout: the kept elements' gradient scaled by Keras's a, the
    // dropped ones' zero, through the same mask as the forward pass.
    {"alpha_dropout", "(6,)",
     "layers.Dense(8, activation='selu'), layers.AlphaDropout(0.3),\n"
     "layers.Dense(3)\n",
     "'mse'"},
    {"dropout", "(6,)",
     "layers.Dense(8, activation='tanh'), layers.Dropout(0.5),\n"
     "layers.Dense(3)\n",
     "'mse'"},
    // Losses.
    {"sparse_crossentropy_softmax", "(6,)",
     "layers.Dense(5, activation='tanh'), layers.Dense(4, "
     "activation='softmax')\n",
     "'sparse_categorical_crossentropy'"},
    {"categorical_crossentropy_softmax", "(6,)",
     "layers.Dense(5, activation='tanh'), layers.Dense(4, "
     "activation='softmax')\n",
     "'categorical_crossentropy'"},
    {"categorical_crossentropy_probabilities", "(6,)",
     "layers.Dense(4, activation='sigmoid')\n", "'categorical_crossentropy'"},
    {"sparse_crossentropy_probabilities", "(6,)",
     "layers.Dense(4, activation='sigmoid')\n",
     "'sparse_categorical_crossentropy'"},
    {"sparse_crossentropy_from_logits", "(6,)", "layers.Dense(4)\n",
     "keras.losses.SparseCategoricalCrossentropy(from_logits=True)"},
    {"lesson_shape", "(12, 12, 1)",
     "layers.Conv2D(4, 3, activation='relu'), layers.MaxPooling2D(2),\n"
     "layers.Conv2D(4, 3, activation='relu'), layers.MaxPooling2D(2),\n"
     "layers.Flatten(), layers.Dense(6, activation='relu'),\n"
     "layers.Dense(3, activation='softmax')\n",
     "'sparse_categorical_crossentropy'"},
    // The lesson's model at full size: the tile sizes and fusions of the
    // real thing. 96 elements of each tensor (all of a smaller one), on one
    // image: each conv2d/kernel element moves 676 relu inputs per image, and
    // with three images one sample in four of that tensor crosses a
    // near-tie inside the step.
    {"lesson_full_size", "(28, 28, 1)",
     "layers.Conv2D(32, 3, activation='relu'), layers.MaxPooling2D(2, "
     "strides=2),\n"
     "layers.Conv2D(32, 3, activation='relu'), layers.MaxPooling2D(2, "
     "strides=2),\n"
     "layers.Flatten(), layers.Dense(128, activation='relu'),\n"
     "layers.Dense(10, activation='softmax')\n",
     "'sparse_categorical_crossentropy'", /*samplesPerTensor=*/96,
     /*batch=*/1},
};

INSTANTIATE_TEST_SUITE_P(Ops, GradientCheck, ::testing::ValuesIn(kCases),
                         [](const auto &info) {
                           return std::string(info.param.name);
                         });

} // namespace

namespace {

//===----------------------------------------------------------------------===//
// Optimizer updates against Keras's formulas
//===----------------------------------------------------------------------===//

struct OptimizerCase {
  const char *name;
  const char *optimizer; // compile()'s optimizer
  /// One step of Keras's rule on one element: w, its slots, the summed
  /// gradient and t = iteration + 1.
  void (*rule)(double &w, double *slots, double g, int t);
};

std::ostream &operator<<(std::ostream &os, const OptimizerCase &c) {
  return os << c.name;
}

class OptimizerUpdate : public ::testing::TestWithParam<OptimizerCase> {};

TEST_P(OptimizerUpdate, FollowsKerasRule) {
  const OptimizerCase &c = GetParam();
  std::string source =
      std::string("import keras\nfrom keras import layers\n"
                  "model = keras.Sequential([layers.Input((3,)), "
                  "layers.Dense(2)])\nmodel.compile(optimizer=") +
      c.optimizer + ", loss='mse')\n";
  std::string diagnostics;
  std::unique_ptr<CompiledModel> model = compileModel(source, diagnostics);
  ASSERT_TRUE(model) << diagnostics;
  const ModelKernels &k = model->kernels();
  int64_t count = k.info.paramElements(), slots = k.info.stateSlots;
  ASSERT_EQ(count, 8);

  std::mt19937 rng(99);
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  std::vector<float> params(count), state(slots * count, 0.0f);
  for (float &w : params)
    w = unit(rng);
  std::vector<double> expected(params.begin(), params.end());
  std::vector<double> expectedSlots(slots * count, 0.0);
  constexpr int64_t shards = 2;
  for (int iteration = 0; iteration < 3; ++iteration) {
    std::vector<float> grads(shards * count);
    for (float &g : grads)
      g = unit(rng);
    // In two parts, as two threads would: the first part's size is odd.
    int64_t half = count / 2 + 1;
    k.applyGradients(params.data(), state.data(), grads.data(), shards,
                     iteration, 0, half);
    k.applyGradients(params.data(), state.data(), grads.data(), shards,
                     iteration, half, count - half);
    for (int64_t i = 0; i < count; ++i) {
      double slot[2] = {expectedSlots[i],
                        slots > 1 ? expectedSlots[count + i] : 0};
      double g = double(grads[i]) + double(grads[count + i]);
      c.rule(expected[i], slot, g, iteration + 1);
      expectedSlots[i] = slot[0];
      if (slots > 1)
        expectedSlots[count + i] = slot[1];
    }
    for (int64_t i = 0; i < count; ++i)
      ASSERT_NEAR(params[i], expected[i],
                  1e-6 * std::max(1.0, std::fabs(expected[i])))
          << "parameter " << i << " after step " << iteration + 1;
    for (int64_t i = 0; i < slots * count; ++i)
      ASSERT_NEAR(state[i], expectedSlots[i],
                  1e-6 * std::max(1.0, std::fabs(expectedSlots[i])))
          << "slot element " << i << " after step " << iteration + 1;
  }
}

const OptimizerCase kOptimizers[] = {
    {"adam_defaults", "'adam'",
     [](double &w, double *s, double g, int t) {
       s[0] += (g - s[0]) * (1 - 0.9);
       s[1] += (g * g - s[1]) * (1 - 0.999);
       double alpha =
           0.001 * std::sqrt(1 - std::pow(0.999, t)) / (1 - std::pow(0.9, t));
       w -= s[0] * alpha / (std::sqrt(s[1]) + 1e-7);
     }},
    {"adam_settings",
     "keras.optimizers.Adam(learning_rate=0.01, beta_1=0.8, beta_2=0.99, "
     "epsilon=1e-3)",
     [](double &w, double *s, double g, int t) {
       s[0] += (g - s[0]) * (1 - 0.8);
       s[1] += (g * g - s[1]) * (1 - 0.99);
       double alpha =
           0.01 * std::sqrt(1 - std::pow(0.99, t)) / (1 - std::pow(0.8, t));
       w -= s[0] * alpha / (std::sqrt(s[1]) + 1e-3);
     }},
    {"sgd_plain", "'sgd'",
     [](double &w, double *, double g, int) { w -= 0.01 * g; }},
    {"sgd_momentum", "keras.optimizers.SGD(learning_rate=0.1, momentum=0.9)",
     [](double &w, double *s, double g, int) {
       s[0] = 0.9 * s[0] - 0.1 * g;
       w += s[0];
     }},
    {"sgd_nesterov",
     "keras.optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True)",
     [](double &w, double *s, double g, int) {
       s[0] = 0.9 * s[0] - 0.1 * g;
       w += 0.9 * s[0] - 0.1 * g;
     }},
    {"rmsprop_defaults", "'rmsprop'",
     [](double &w, double *s, double g, int) {
       s[0] = 0.9 * s[0] + (1 - 0.9) * g * g;
       w -= 0.001 * g / std::sqrt(s[0] + 1e-7);
     }},
    {"rmsprop_rho", "keras.optimizers.RMSprop(learning_rate=0.01, rho=0.5)",
     [](double &w, double *s, double g, int) {
       s[0] = 0.5 * s[0] + (1 - 0.5) * g * g;
       w -= 0.01 * g / std::sqrt(s[0] + 1e-7);
     }},
};

INSTANTIATE_TEST_SUITE_P(Keras, OptimizerUpdate,
                         ::testing::ValuesIn(kOptimizers),
                         [](const auto &info) {
                           return std::string(info.param.name);
                         });

} // namespace
