//===- LossValueTest.cpp - Compiled loss values vs the reference ----------===//
//
// GradientCheckTest checks each loss's gradient against the loss cnnc
// itself reports, so a wrong loss value with a consistent gradient passes
// there. Here the value is checked: for every loss form (mean squared
// error, categorical crossentropy on probabilities, on a softmax output
// (which Keras and cnnc take from the softmax's input, the logits), and
// from_logits=True; sparse categorical crossentropy the same three ways),
// a one-layer Keras model is compiled with its training step, and the loss
// sum that cnnc_evaluate and cnnc_train_gradients report is compared with
// test/reference's forward pass and loss, computed from the definitions in
// double:
//
//   |compiled - reference| <= 1e-5 * max(1, |reference|)
//
// Saturated cases (weights 30x larger) push probabilities below Keras's
// epsilon: on probabilities they check the clipping, and on logits that
// there is none (a softmax output's loss runs past -log(1e-7) = 16.1).
//
//===----------------------------------------------------------------------===//

#include "compiler/backend/CompiledModel.h"
#include "compiler/backend/Pipeline.h"
#include "frontends/LoadModel.h"
#include "test/reference/Reference.h"
#include "test/unit/CompileForTest.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/Error.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <random>
#include <unistd.h>

using namespace cnnc;
using namespace cnnc::reference;

namespace {

/// What the reference computes the loss of, and how.
enum class Loss {
  MeanSquaredError,
  Categorical,       // on probabilities
  CategoricalLogits, // on logits
  Sparse,            // on probabilities
  SparseLogits,      // on logits
};

struct LossCase {
  const char *name;
  const char *layers;     // after Input((6,)); one Dense, maybe a Softmax
  const char *loss;       // compile()'s loss
  const char *activation; // the Dense's, for the reference
  /// Keras takes the loss from the Dense's output before the activation
  /// (a softmax output under crossentropy, or from_logits=True).
  bool fromPreActivation;
  Loss reference;
  /// Weights are uniform in [-a, a] * weightScale, a = sqrt(3 / 6).
  float weightScale = 1.0f;
  /// One-hot targets rather than soft ones (categorical losses).
  bool oneHot = false;
};

void PrintTo(const LossCase &c, std::ostream *os) { *os << c.name; }

std::unique_ptr<CompiledModel> compileModel(const std::string &source,
                                            std::string &diagnostics) {
  PipelineOptions options;
  options.train = true;
  return compilePythonModel(source, options, diagnostics);
}

RefTensor activate(const RefTensor &x, const std::string &activation) {
  if (activation == "linear")
    return x;
  if (activation == "sigmoid")
    return sigmoid(x);
  if (activation == "tanh")
    return tanh(x);
  if (activation == "softmax")
    return softmax(x);
  if (activation == "softplus") {
    // log(1 + e^x), in double and then rounded, as the reference does.
    RefTensor y = x;
    for (float &v : y.data)
      v = float(std::log1p(std::exp(double(v))));
    return y;
  }
  throw std::invalid_argument("activation " + activation);
}

class LossValue
    : public ::testing::TestWithParam<std::tuple<LossCase, int64_t>> {};

TEST_P(LossValue, MatchesTheReference) {
  const LossCase &c = std::get<0>(GetParam());
  const int64_t batch = std::get<1>(GetParam());
  std::string source =
      std::string("import keras\nfrom keras import layers\n"
                  "model = keras.Sequential([layers.Input((6,)), ") +
      c.layers + "])\nmodel.compile(optimizer='sgd', loss=" + c.loss + ")\n";
  std::string diagnostics;
  std::unique_ptr<CompiledModel> model = compileModel(source, diagnostics);
  ASSERT_TRUE(model) << diagnostics << "\n" << source;
  const ModelKernels &k = model->kernels();
  const ModelInfo &info = k.info;
  ASSERT_TRUE(k.evaluate && k.trainGradients);
  ASSERT_EQ(info.params.size(), 2u);
  const int64_t in = 6, classes = info.outputElements();
  bool sparse =
      c.reference == Loss::Sparse || c.reference == Loss::SparseLogits;
  ASSERT_EQ(info.sparseLabels, sparse);

  std::mt19937 rng(2024 + uint32_t(batch));
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  RefTensor x({batch, in}), kernel({in, classes}), bias({classes});
  for (float &v : x.data)
    v = unit(rng);
  float a = std::sqrt(3.0f / float(in)) * c.weightScale;
  for (float &v : kernel.data)
    v = a * unit(rng);
  for (float &v : bias.data)
    v = c.weightScale * unit(rng);
  std::vector<int32_t> labels(static_cast<size_t>(batch));
  RefTensor targets({batch, classes});
  for (int64_t n = 0; n < batch; ++n) {
    labels[size_t(n)] = int32_t(rng() % uint32_t(classes));
    float sum = 0;
    for (int64_t j = 0; j < classes; ++j) {
      float t =
          c.oneHot ? float(j == labels[size_t(n)]) : 0.1f + (unit(rng) + 1.0f);
      sum += targets.data[size_t(n * classes + j)] = t;
    }
    // Crossentropy targets are distributions; mse's need not be.
    if (c.reference != Loss::MeanSquaredError)
      for (int64_t j = 0; j < classes; ++j)
        targets.data[size_t(n * classes + j)] /= sum;
  }

  // The reference: forward, then the loss by its definition.
  RefTensor z = dense(x, kernel, &bias);
  RefTensor lossInput = c.fromPreActivation ? z : activate(z, c.activation);
  double expected = 0;
  switch (c.reference) {
  case Loss::MeanSquaredError:
    expected = meanSquaredErrorSum(lossInput, targets);
    break;
  case Loss::Categorical:
    expected = categoricalCrossentropySum(lossInput, targets);
    break;
  case Loss::CategoricalLogits:
    expected = categoricalCrossentropyFromLogitsSum(lossInput, targets);
    break;
  case Loss::Sparse:
    expected = sparseCategoricalCrossentropySum(lossInput, labels);
    break;
  case Loss::SparseLogits:
    expected = sparseCategoricalCrossentropyFromLogitsSum(lossInput, labels);
    break;
  }
  // A saturated case must be one where clipping the probabilities, or not,
  // makes a difference, or it would not tell the forms apart.
  if (c.weightScale > 1.0f && batch > 1) {
    RefTensor probabilities = c.fromPreActivation ? softmax(z) : lossInput;
    double clipped =
        sparse ? sparseCategoricalCrossentropySum(probabilities, labels)
               : categoricalCrossentropySum(probabilities, targets);
    double logits = sparse
                        ? sparseCategoricalCrossentropyFromLogitsSum(z, labels)
                        : categoricalCrossentropyFromLogitsSum(z, targets);
    EXPECT_GT(std::fabs(clipped - logits), 1.0)
        << "the saturated case does not reach the clipping";
  }

  const void *labelData = sparse
                              ? static_cast<const void *>(labels.data())
                              : static_cast<const void *>(targets.data.data());
  const float *params[] = {kernel.data.data(), bias.data.data()};
  double tolerance = 1e-5 * std::max(1.0, std::fabs(expected));

  float stats[2] = {NAN, NAN};
  k.evaluate(x.data.data(), labelData, batch, params, stats);
  EXPECT_NEAR(stats[0], expected, tolerance) << "cnnc_evaluate\n" << source;

  // The training step reports the unscaled sum too (scale only weighs the
  // gradients), as the trainer passes it: 1 / the batch.
  std::vector<float> kernelGrad(kernel.data.size()), biasGrad(bias.data.size());
  float *grads[] = {kernelGrad.data(), biasGrad.data()};
  float trainStats[2] = {NAN, NAN};
  k.trainGradients(x.data.data(), labelData, batch, params, 1.0f / float(batch),
                   /*seed=*/1, /*step=*/0, /*first_sample=*/0, trainStats,
                   grads);
  EXPECT_NEAR(trainStats[0], expected, tolerance) << "cnnc_train_gradients\n"
                                                  << source;
}

const LossCase kCases[] = {
    // Mean squared error: mean over the classes, on the output as it is,
    // softmax or not.
    {"mse_tanh", "layers.Dense(4, activation='tanh')", "'mse'", "tanh", false,
     Loss::MeanSquaredError},
    {"mse_softmax", "layers.Dense(4, activation='softmax')",
     "'mean_squared_error'", "softmax", false, Loss::MeanSquaredError},
    {"mse_object_linear", "layers.Dense(3)", "keras.losses.MeanSquaredError()",
     "linear", false, Loss::MeanSquaredError, 5.0f},
    // Categorical crossentropy on probabilities (a softplus output, which
    // keeps no logits: rows not summing to 1), with soft targets, and
    // saturated with one-hot ones.
    {"categorical_softplus", "layers.Dense(4, activation='softplus')",
     "'categorical_crossentropy'", "softplus", false, Loss::Categorical},
    {"categorical_softplus_clipped", "layers.Dense(4, activation='softplus')",
     "'categorical_crossentropy'", "softplus", false, Loss::Categorical, 30.0f,
     true},
    // A sigmoid output keeps its logits as a softmax does, and Keras's
    // categorical crossentropy takes them: the softmax crossentropy of the
    // sigmoid's input (tf.keras 2's backend and Keras 3's TensorFlow one).
    {"categorical_sigmoid", "layers.Dense(4, activation='sigmoid')",
     "'categorical_crossentropy'", "sigmoid", true, Loss::CategoricalLogits},
    {"categorical_sigmoid_saturated", "layers.Dense(4, activation='sigmoid')",
     "'categorical_crossentropy'", "sigmoid", true, Loss::CategoricalLogits,
     30.0f, true},
    // A softmax output: Keras's loss from the logits, unclipped.
    {"categorical_softmax", "layers.Dense(4, activation='softmax')",
     "'categorical_crossentropy'", "softmax", true, Loss::CategoricalLogits},
    {"categorical_softmax_saturated", "layers.Dense(4, activation='softmax')",
     "'categorical_crossentropy'", "softmax", true, Loss::CategoricalLogits,
     30.0f, true},
    {"categorical_softmax_layer", "layers.Dense(4), layers.Softmax()",
     "keras.losses.CategoricalCrossentropy()", "softmax", true,
     Loss::CategoricalLogits, 30.0f},
    // from_logits=True on a softmax output: Keras warns and takes the
    // softmax's logits all the same, not a second softmax.
    {"categorical_from_logits_on_softmax",
     "layers.Dense(4, activation='softmax')",
     "keras.losses.CategoricalCrossentropy(from_logits=True)", "softmax", true,
     Loss::CategoricalLogits},
    {"sparse_from_logits_on_softmax", "layers.Dense(5), layers.Softmax()",
     "keras.losses.SparseCategoricalCrossentropy(from_logits=True)", "softmax",
     true, Loss::SparseLogits},
    // from_logits=True on a linear output.
    {"categorical_from_logits", "layers.Dense(4)",
     "keras.losses.CategoricalCrossentropy(from_logits=True)", "linear", true,
     Loss::CategoricalLogits},
    {"categorical_from_logits_saturated", "layers.Dense(4)",
     "keras.losses.CategoricalCrossentropy(from_logits=True)", "linear", true,
     Loss::CategoricalLogits, 30.0f, true},
    // Sparse categorical crossentropy, the same three ways. On
    // probabilities Keras clips first and normalizes after (the categorical
    // form normalizes first): the two differ where a probability is
    // clipped, as in the saturated case.
    {"sparse_softplus", "layers.Dense(5, activation='softplus')",
     "'sparse_categorical_crossentropy'", "softplus", false, Loss::Sparse},
    {"sparse_softplus_clipped", "layers.Dense(5, activation='softplus')",
     "'sparse_categorical_crossentropy'", "softplus", false, Loss::Sparse,
     30.0f},
    {"sparse_sigmoid", "layers.Dense(5, activation='sigmoid')",
     "'sparse_categorical_crossentropy'", "sigmoid", true, Loss::SparseLogits},
    {"sparse_softmax", "layers.Dense(5, activation='softmax')",
     "'sparse_categorical_crossentropy'", "softmax", true, Loss::SparseLogits},
    {"sparse_softmax_saturated", "layers.Dense(5, activation='softmax')",
     "keras.losses.SparseCategoricalCrossentropy()", "softmax", true,
     Loss::SparseLogits, 30.0f},
    {"sparse_from_logits", "layers.Dense(5)",
     "keras.losses.SparseCategoricalCrossentropy(from_logits=True)", "linear",
     true, Loss::SparseLogits},
    {"sparse_from_logits_saturated", "layers.Dense(5)",
     "keras.losses.SparseCategoricalCrossentropy(from_logits=True)", "linear",
     true, Loss::SparseLogits, 30.0f},
};

INSTANTIATE_TEST_SUITE_P(Losses, LossValue,
                         ::testing::Combine(::testing::ValuesIn(kCases),
                                            ::testing::Values(1, 7)),
                         [](const auto &info) {
                           return std::string(std::get<0>(info.param).name) +
                                  "_batch" +
                                  std::to_string(std::get<1>(info.param));
                         });

} // namespace
