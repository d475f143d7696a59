//===- GradientCheckTest.cpp - Compiled gradients vs finite differences ---===//
//
// For every op and attribute combination the training step differentiates,
// a small Keras model (Python source, through the real frontend) is
// compiled with its training step, and the gradient cnnc_train_gradients
// returns for every parameter element is compared with central differences
// of the loss the same function returns:
//
//   |g - (L(w + h) - L(w - h)) / 2h| <= 3e-3 + 3e-2 * max(|g|, |fd|)
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

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/Error.h"

#include <gtest/gtest.h>

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
  /// Checks every `stride`-th parameter element (all by default): the
  /// full-size lesson model has 113,386.
  int stride = 1;
};

std::ostream &operator<<(std::ostream &os, const GradientCase &c) {
  return os << c.name;
}

/// Compiles a model written as Keras Python, with its training step.
std::unique_ptr<CompiledModel> compileModel(const std::string &source,
                                            std::string &diagnostics) {
  char path[] = "/tmp/cnnc-gradient-XXXXXX.py";
  int fd = mkstemps(path, 3);
  if (fd < 0)
    return nullptr;
  close(fd);
  std::ofstream(path) << source;

  static mlir::DialectRegistry registry = [] {
    mlir::DialectRegistry r;
    registerModelDialects(r);
    registerPipelineDialects(r);
    return r;
  }();
  mlir::MLIRContext context(registry);
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    diagnostics += d.str() + "\n";
    return mlir::success();
  });
  auto module = loadModel(path, context);
  unlink(path);
  if (!module)
    return nullptr;
  PipelineOptions options;
  options.train = true;
  options.tile = !getenv("NO_TILE");
  options.fuse = !getenv("NO_FUSE");
  auto compiled = CompiledModel::compile(*module, options);
  if (!compiled) {
    diagnostics += llvm::toString(compiled.takeError());
    return nullptr;
  }
  return std::move(*compiled);
}

class GradientCheck : public ::testing::TestWithParam<GradientCase> {};

TEST_P(GradientCheck, MatchesCentralDifferences) {
  const GradientCase &c = GetParam();
  std::string source = std::string("from tensorflow import keras\n"
                                   "from keras import layers\n"
                                   "from keras.layers import *\n"
                                   "model = keras.Sequential([\n"
                                   "    layers.Input(shape=") +
                       c.input + "),\n" + c.layers +
                       "])\nmodel.compile(optimizer='sgd', loss=" + c.loss +
                       ")\n";
  std::string diagnostics;
  std::unique_ptr<CompiledModel> model = compileModel(source, diagnostics);
  ASSERT_TRUE(model) << diagnostics << "\n" << source;
  const ModelKernels &k = model->kernels();
  const ModelInfo &info = k.info;
  ASSERT_TRUE(k.trainGradients);

  constexpr int64_t batch = 3;
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
  const void *labels = info.sparseLabels ? static_cast<const void *>(sparseLabels.data())
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
    params.push_back(std::move(values));
  }
  std::vector<const float *> paramPointers;
  for (auto &p : params)
    paramPointers.push_back(p.data());
  std::vector<std::vector<float>> grads;
  std::vector<float *> gradPointers;
  for (const ParamInfo &p : info.params)
    grads.emplace_back(p.elements(), std::nanf(""));
  for (auto &g : grads)
    gradPointers.push_back(g.data());

  auto loss = [&](float *gradsOut) {
    float stats[2] = {0, 0};
    std::vector<std::vector<float>> scratch;
    std::vector<float *> scratchPointers;
    if (!gradsOut) {
      for (const ParamInfo &p : info.params)
        scratch.emplace_back(p.elements());
      for (auto &s : scratch)
        scratchPointers.push_back(s.data());
    }
    k.trainGradients(input.data(), labels, batch, paramPointers.data(), 1.0f,
                     /*seed=*/7, /*step=*/3, /*first_sample=*/0, stats,
                     gradsOut ? gradPointers.data() : scratchPointers.data());
    return double(stats[0]);
  };
  float dummy;
  loss(&dummy);

  // The central difference at h, and at h / 2 and h / 4 to tell a kink
  // apart: where they disagree, a relu or a pooling choice flipped inside the step,
  // and the element is skipped (a few per model at most).
  auto centralDifference = [&](size_t p, size_t i, float step) {
    float saved = params[p][i];
    params[p][i] = saved + step;
    double plus = loss(nullptr);
    params[p][i] = saved - step;
    double minus = loss(nullptr);
    params[p][i] = saved;
    return (plus - minus) / (2.0 * double(step));
  };
  auto tolerance = [](double a, double b) {
    return 3e-3 + 3e-2 * std::max(std::fabs(a), std::fabs(b));
  };
  constexpr float h = 1e-3f;
  int checked = 0, kinks = 0;
  for (size_t p = 0; p < params.size(); ++p) {
    for (size_t i = p % c.stride; i < params[p].size(); i += c.stride) {
      double fd = centralDifference(p, i, h);
      double half = centralDifference(p, i, h / 2);
      double quarter = centralDifference(p, i, h / 4);
      if (std::fabs(fd - half) > tolerance(fd, half) / 4 ||
          std::fabs(fd - quarter) > tolerance(fd, quarter) / 2) {
        ++kinks;
        continue;
      }
      double g = grads[p][i];
      ASSERT_LE(std::fabs(g - fd), tolerance(g, fd))
          << info.params[p].name << "[" << i << "]: compiled " << g
          << ", finite differences " << fd << "\n"
          << source;
      ++checked;
    }
  }
  EXPECT_LE(kinks, std::max(2, checked / 8)) << "too many elements skipped";
  EXPECT_GT(checked, 0);
}

// Each case puts the op under test between parameterised layers, so that
// its input gradient reaches a parameter and is checked through it.
const GradientCase kCases[] = {
    // Convolutions: padding x strides x dilation, with and without bias.
    {"conv_valid", "(7, 6, 2)",
     "layers.Conv2D(3, (3, 2), activation='tanh'),\n"
     "layers.Conv2D(2, (2, 2), activation='tanh'), layers.Flatten(),\n"
     "layers.Dense(4)\n", "'mse'"},
    {"conv_same_strided", "(7, 6, 2)",
     "layers.Conv2D(3, 3, strides=2, padding='same', activation='tanh'),\n"
     "layers.Conv2D(2, 3, strides=(2, 1), padding='same', use_bias=False),\n"
     "layers.Flatten(), layers.Dense(3)\n", "'mse'"},
    {"conv_dilated", "(9, 8, 1)",
     "layers.Conv2D(2, 3, dilation_rate=2, activation='sigmoid'),\n"
     "layers.Conv2D(2, 2, dilation_rate=(1, 2), padding='same'),\n"
     "layers.Flatten(), layers.Dense(3)\n", "'mse'"},
    {"conv_valid_stride_leaves_rows", "(8, 8, 2)",
     "layers.Conv2D(2, 3, strides=1, activation='tanh'),\n"
     "layers.Conv2D(3, 2, strides=3), layers.Flatten(), layers.Dense(2)\n",
     "'mse'"},
    // Pooling: each kind x padding x overlap.
    {"max_pool", "(6, 6, 2)",
     "layers.Conv2D(3, 3, padding='same'), layers.MaxPooling2D(2),\n"
     "layers.Flatten(), layers.Dense(3)\n", "'mse'"},
    {"max_pool_overlapping_same", "(7, 7, 1)",
     "layers.Conv2D(2, 2), layers.MaxPooling2D(3, strides=2, padding='same'),\n"
     "layers.Flatten(), layers.Dense(3)\n", "'mse'"},
    {"avg_pool_same", "(7, 5, 2)",
     "layers.Conv2D(2, 2), layers.AveragePooling2D(2, padding='same'),\n"
     "layers.Flatten(), layers.Dense(3)\n", "'mse'"},
    {"avg_pool_tiles_uncovered_row", "(8, 7, 2)",
     "layers.Conv2D(2, 2), layers.AveragePooling2D(2),\n"
     "layers.Flatten(), layers.Dense(3)\n", "'mse'"},
    {"max_pool_tiles_uncovered_row", "(8, 7, 2)",
     "layers.Conv2D(2, 2), layers.MaxPooling2D(2),\n"
     "layers.Flatten(), layers.Dense(3)\n", "'mse'"},
    {"avg_pool_overlapping", "(7, 7, 1)",
     "layers.Conv2D(2, 2), layers.AveragePooling2D(3, strides=1),\n"
     "layers.Flatten(), layers.Dense(3)\n", "'mse'"},
    {"min_pool", "(6, 6, 2)",
     "layers.Conv2D(3, 3, padding='same'), MinPooling2D(pool_size=(2, 3), strides=(2, 1)),\n"
     "layers.Flatten(), layers.Dense(3)\n", "'mse'"},
    {"global_max_pool", "(5, 4, 2)",
     "layers.Conv2D(3, 2), layers.GlobalMaxPooling2D(), layers.Dense(3)\n",
     "'mse'"},
    {"global_avg_pool_keepdims", "(5, 4, 2)",
     "layers.Conv2D(3, 2), layers.GlobalAveragePooling2D(keepdims=True),\n"
     "layers.Flatten(), layers.Dense(3)\n", "'mse'"},
    {"global_min_pool", "(5, 4, 2)",
     "layers.Conv2D(3, 2), GlobalMinPooling2D(), layers.Dense(3)\n", "'mse'"},
    // Activations, dense on rank > 2, softmax inside the model, dropout.
    {"relu_dense", "(6,)",
     "layers.Dense(5, activation='relu'), layers.Dense(4, activation='sigmoid'),\n"
     "layers.Dense(3, activation='tanh')\n", "'mse'"},
    {"dense_on_images", "(4, 3, 2)",
     "layers.Dense(3, activation='tanh'), layers.Flatten(), layers.Dense(2)\n",
     "'mse'"},
    {"inner_softmax", "(5,)",
     "layers.Dense(4), layers.Softmax(), layers.Dense(3)\n", "'mse'"},
    {"dropout", "(6,)",
     "layers.Dense(8, activation='tanh'), layers.Dropout(0.5),\n"
     "layers.Dense(3)\n", "'mse'"},
    // Losses.
    {"sparse_crossentropy_softmax", "(6,)",
     "layers.Dense(5, activation='tanh'), layers.Dense(4, activation='softmax')\n",
     "'sparse_categorical_crossentropy'"},
    {"categorical_crossentropy_softmax", "(6,)",
     "layers.Dense(5, activation='tanh'), layers.Dense(4, activation='softmax')\n",
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
    // real thing.
    {"lesson_full_size", "(28, 28, 1)",
     "layers.Conv2D(32, 3, activation='relu'), layers.MaxPooling2D(2, strides=2),\n"
     "layers.Conv2D(32, 3, activation='relu'), layers.MaxPooling2D(2, strides=2),\n"
     "layers.Flatten(), layers.Dense(128, activation='relu'),\n"
     "layers.Dense(10, activation='softmax')\n",
     "'sparse_categorical_crossentropy'", 331},
};

INSTANTIATE_TEST_SUITE_P(Ops, GradientCheck, ::testing::ValuesIn(kCases),
                         [](const auto &info) { return std::string(info.param.name); });

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
  std::string source = std::string("import keras\nfrom keras import layers\n"
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
      double slot[2] = {expectedSlots[i], slots > 1 ? expectedSlots[count + i] : 0};
      double g = double(grads[i]) + double(grads[count + i]);
      c.rule(expected[i], slot, g, iteration + 1);
      expectedSlots[i] = slot[0];
      if (slots > 1)
        expectedSlots[count + i] = slot[1];
    }
    for (int64_t i = 0; i < count; ++i)
      ASSERT_NEAR(params[i], expected[i], 1e-6 * std::max(1.0, std::fabs(expected[i])))
          << "parameter " << i << " after step " << iteration + 1;
    for (int64_t i = 0; i < slots * count; ++i)
      ASSERT_NEAR(state[i], expectedSlots[i], 1e-6 * std::max(1.0, std::fabs(expectedSlots[i])))
          << "slot element " << i << " after step " << iteration + 1;
  }
}

const OptimizerCase kOptimizers[] = {
    {"adam_defaults", "'adam'",
     [](double &w, double *s, double g, int t) {
       s[0] += (g - s[0]) * (1 - 0.9);
       s[1] += (g * g - s[1]) * (1 - 0.999);
       double alpha = 0.001 * std::sqrt(1 - std::pow(0.999, t)) / (1 - std::pow(0.9, t));
       w -= s[0] * alpha / (std::sqrt(s[1]) + 1e-7);
     }},
    {"adam_settings", "keras.optimizers.Adam(learning_rate=0.01, beta_1=0.8, beta_2=0.99, epsilon=1e-3)",
     [](double &w, double *s, double g, int t) {
       s[0] += (g - s[0]) * (1 - 0.8);
       s[1] += (g * g - s[1]) * (1 - 0.99);
       double alpha = 0.01 * std::sqrt(1 - std::pow(0.99, t)) / (1 - std::pow(0.8, t));
       w -= s[0] * alpha / (std::sqrt(s[1]) + 1e-3);
     }},
    {"sgd_plain", "'sgd'",
     [](double &w, double *, double g, int) { w -= 0.01 * g; }},
    {"sgd_momentum", "keras.optimizers.SGD(learning_rate=0.1, momentum=0.9)",
     [](double &w, double *s, double g, int) {
       s[0] = 0.9 * s[0] - 0.1 * g;
       w += s[0];
     }},
    {"sgd_nesterov", "keras.optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True)",
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

INSTANTIATE_TEST_SUITE_P(Keras, OptimizerUpdate, ::testing::ValuesIn(kOptimizers),
                         [](const auto &info) { return std::string(info.param.name); });

} // namespace
