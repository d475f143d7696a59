//===- KinkGradientTest.cpp - Gradients at kinks and ties, TensorFlow's ---===//
//
// GradientCheckTest compares gradients with finite differences, which say
// nothing where a function has a kink or a tie: there the gradient is a
// convention, and Keras's is that of the TensorFlow ops it builds each
// layer from. Such points are common in practice: on MNIST's background
// (exactly 0) a convolution without bias gives exactly 0, a clamp
// saturates to exactly its bound, and a global max pooling sees a whole
// channel tie. Here each case puts one sample exactly on a kink or a tie
// (weights chosen so that the sums are exact in float32) and compares
// every parameter's gradient with the one TensorFlow computes, worked out
// by hand below from its gradient functions:
//
// - selu: SeluGrad, `y < 0 ? ... : scale`: scale at 0.
// - PReLU, relu(x) - alpha * relu(-x): ReluGrad is 0 at 0, so is dx.
// - ReLU(max_value, negative_slope, threshold), as Keras composes it
//   (keras/src/activations/activations.py, tf.keras 2's backend.relu):
//   max_value 6 without threshold is relu6 (Relu6Grad: 0 at 6), any other
//   a clip_by_value (its gradient passes at the bound); the negative part
//   alpha * relu(t - x) is 0 at the threshold; LeakyReLU alone is
//   tf.nn.leaky_relu (alpha at 0).
// - hard_sigmoid (Keras 2): clip_by_value(0.2 x + 0.5, 0, 1): 0.2 at the
//   ends of the ramp.
// - GlobalMax/MinPooling2D: reduce_max's _MinOrMaxGrad divides the gradient
//   evenly among the tied cells; MaxPooling2D's MaxPoolGrad gives a
//   window's to its first maximum.
// - sparse_categorical_crossentropy on probabilities clips them, then
//   takes sparse_softmax_cross_entropy_with_logits of their log: with the
//   label's probability clipped, the others still get 1 / sum(clipped).
//
// The loss is mse on one sample (dL/dy = 2 (y - t) / units) unless said.
//
//===----------------------------------------------------------------------===//

#include "test/unit/CompileForTest.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace cnnc;

namespace {

struct KinkCase {
  const char *name;
  const char *input;  // Keras input shape
  const char *layers; // the Sequential's layers after the Input
  const char *loss;
  std::vector<float> x;                   // the one sample
  std::vector<std::vector<float>> params; // in the model's order
  std::vector<float> labels;              // targets (mse) or a class index
  /// Each parameter's gradient, as TensorFlow computes it.
  std::vector<std::vector<float>> expected;
};

void PrintTo(const KinkCase &c, std::ostream *os) { *os << c.name; }

constexpr float kSeluScale = 1.05070098735548049342f;

// x = (1, 1) through Dense(1) with kernel (a, a') and bias 0 gives exactly
// a + a': the activation's input, set on its kink.
const KinkCase kCases[] = {
    // z = 0.5 - 0.5 = 0, y = selu(0) = 0, t = 1: dL/dy = -2, dL/dz =
    // -2 scale (the old rule, x > 0 ? scale : scale alpha e^x, gave
    // -2 * 1.7581).
    {"selu_at_0",
     "(2,)",
     "layers.Dense(1, activation='selu')",
     "'mse'",
     {1, 1},
     {{0.5f, -0.5f}, {0}},
     {1},
     {{-2 * kSeluScale, -2 * kSeluScale}, {-2 * kSeluScale}}},
    // PReLU at 0: dx = 0, and alpha's gradient dy * min(x, 0) = 0.
    {"prelu_at_0",
     "(2,)",
     "layers.Dense(1), layers.PReLU()",
     "'mse'",
     {1, 1},
     {{0.5f, -0.5f}, {0}, {0.25f}},
     {1},
     {{0, 0}, {0}, {0}}},
    // LeakyReLU alone is tf.nn.leaky_relu: alpha at 0.
    {"leaky_relu_at_0",
     "(2,)",
     "layers.Dense(1), layers.LeakyReLU(0.2)",
     "'mse'",
     {1, 1},
     {{0.5f, -0.5f}, {0}},
     {1},
     {{-0.4f, -0.4f}, {-0.4f}}},
    // z = 0.25 + 0.25 = max_value: clip_by_value passes, dL/dz = dL/dy =
    // 2 (0.5 - 1) = -1.
    {"relu_at_max_value",
     "(2,)",
     "layers.Dense(1), layers.ReLU(max_value=0.5)",
     "'mse'",
     {1, 1},
     {{0.25f, 0.25f}, {0}},
     {1},
     {{-1, -1}, {-1}}},
    // z = 6 = max_value 6: relu6, 0 there.
    {"relu6_at_6",
     "(2,)",
     "layers.Dense(1), layers.ReLU(max_value=6)",
     "'mse'",
     {1, 1},
     {{3, 3}, {0}},
     {7},
     {{0, 0}, {0}}},
    // With a threshold, max_value 6 is a clip again: 1 at 6.
    {"thresholded_relu_at_6",
     "(2,)",
     "layers.Dense(1), layers.ReLU(max_value=6, threshold=0.5)",
     "'mse'",
     {1, 1},
     {{3, 3}, {0}},
     {7},
     {{-2, -2}, {-2}}},
    // A negative slope with max_value: relu(x) - 0.1 relu(-x), 0 at 0.
    {"sloped_relu_at_0",
     "(2,)",
     "layers.Dense(1), layers.ReLU(max_value=1, negative_slope=0.1)",
     "'mse'",
     {1, 1},
     {{0.5f, -0.5f}, {0}},
     {1},
     {{0, 0}, {0}}},
    // ... and with a threshold: x (x > 0.5) - 0.1 relu(0.5 - x), 0 at 0.5.
    {"sloped_relu_at_threshold",
     "(2,)",
     "layers.Dense(1), layers.ReLU(negative_slope=0.1, threshold=0.5)",
     "'mse'",
     {1, 1},
     {{0.25f, 0.25f}, {0}},
     {1},
     {{0, 0}, {0}}},
    // Keras 2's hard_sigmoid at the top of its ramp: 0.2 * 2.5 + 0.5 = 1,
    // y = 1, t = 2: dL/dz = -2 * 0.2.
    {"hard_sigmoid_at_1",
     "(2,)",
     "layers.Dense(1, activation='hard_sigmoid')",
     "'mse'",
     {1, 1},
     {{1.25f, 1.25f}, {0}},
     {2},
     {{-0.4f, -0.4f}, {-0.4f}}},
    // Four cells of two channels, (1, 0), (0, 1), (0, 0), (0.5, 0.5),
    // through a 1x1 convolution (0.5, 0.5): 0.5, 0.5, 0, 0.5, three tied
    // maxima. t = 1.5: dL/dy = -2, a third to each tied cell; the kernel's
    // gradient sums x times that: (-2/3)(1 + 0 + 0.5) = -1 for both.
    {"global_max_pooling_tie",
     "(1, 4, 2)",
     "layers.Conv2D(1, 1, use_bias=False), layers.GlobalMaxPooling2D()",
     "'mse'",
     {1, 0, 0, 1, 0, 0, 0.5f, 0.5f},
     {{0.5f, 0.5f}},
     {1.5f},
     {{-1, -1}}},
    // The same as a minimum: cells (-1, 0), (0, -1), (0, 0), (-0.5, -0.5)
    // give -0.5 three times; t = -1.5: dL/dy = 2, kernel (2/3)(-1.5).
    {"global_min_pooling_tie",
     "(1, 4, 2)",
     "layers.Conv2D(1, 1, use_bias=False), GlobalMinPooling2D()",
     "'mse'",
     {-1, 0, 0, -1, 0, 0, -0.5f, -0.5f},
     {{0.5f, 0.5f}},
     {-1.5f},
     {{-1, -1}}},
    // A pooling window's tie goes to its first maximum: the window over
    // (1, 0) and (0, 1) gives it all to the first cell.
    {"max_pooling_tie",
     "(1, 2, 2)",
     "layers.Conv2D(1, 1, use_bias=False), layers.MaxPooling2D((1, 2)),\n"
     "layers.Flatten()",
     "'mse'",
     {1, 0, 0, 1},
     {{0.5f, 0.5f}},
     {1.5f},
     {{-2, 0}}},
    // Sparse crossentropy on softplus probabilities (softplus keeps no
    // logits): z = (-20, 0, 0), label 0: p = (2e-9, ln 2, ln 2) clips to
    // c = (1e-7, ln 2, ln 2), S = sum c. dL/dp = (0 (clipped), 1/S, 1/S),
    // dL/dz = dL/dp * sigmoid(z) = dL/dp * 0.5; x = (1, 0).
    {"sparse_crossentropy_clipped",
     "(2,)",
     "layers.Dense(3, activation='softplus')",
     "'sparse_categorical_crossentropy'",
     {1, 0},
     {{-20, 0, 0, 0, 0, 0}, {0, 0, 0}},
     {0},
     {{0, 0.5f / 1.3862944f, 0.5f / 1.3862944f, 0, 0, 0},
      {0, 0.5f / 1.3862944f, 0.5f / 1.3862944f}}},
    // The same on a sigmoid output, which keeps its logits for the loss as
    // a softmax does: no clipping, the softmax crossentropy of z, dL/dz =
    // softmax(z) - onehot = (1e-9 - 1, 0.5, 0.5), rounded.
    {"sparse_crossentropy_sigmoid_logits",
     "(2,)",
     "layers.Dense(3, activation='sigmoid')",
     "'sparse_categorical_crossentropy'",
     {1, 0},
     {{-20, 0, 0, 0, 0, 0}, {0, 0, 0}},
     {0},
     {{-1, 0.5f, 0.5f, 0, 0, 0}, {-1, 0.5f, 0.5f}}},
};

class KinkGradient : public ::testing::TestWithParam<KinkCase> {};

TEST_P(KinkGradient, IsTensorFlows) {
  const KinkCase &c = GetParam();
  std::string source = std::string("from tensorflow import keras\n"
                                   "from keras import layers\n"
                                   "from keras.layers import *\n"
                                   "model = keras.Sequential([\n"
                                   "    layers.Input(shape=") +
                       c.input + "),\n" + c.layers +
                       "])\nmodel.compile(optimizer='sgd', loss=" + c.loss +
                       ")\n";
  std::string diagnostics;
  PipelineOptions options;
  options.train = true;
  std::unique_ptr<CompiledModel> model =
      compilePythonModel(source, options, diagnostics);
  ASSERT_TRUE(model && model->kernels().trainGradients) << diagnostics << "\n"
                                                        << source;
  const ModelKernels &k = model->kernels();
  ASSERT_EQ(k.info.params.size(), c.params.size()) << source;
  std::vector<const float *> params;
  std::vector<std::vector<float>> grads;
  std::vector<float *> gradPointers;
  for (size_t p = 0; p < c.params.size(); ++p) {
    ASSERT_EQ(size_t(k.info.params[p].elements()), c.params[p].size())
        << k.info.params[p].name;
    params.push_back(c.params[p].data());
    grads.emplace_back(c.params[p].size(), std::nanf(""));
  }
  for (auto &g : grads)
    gradPointers.push_back(g.data());
  std::vector<int32_t> classIndex;
  const void *labels = c.labels.data();
  if (k.info.sparseLabels) {
    classIndex.push_back(int32_t(c.labels[0]));
    labels = classIndex.data();
  }
  float stats[2] = {NAN, NAN};
  k.trainGradients(c.x.data(), labels, /*batch=*/1, params.data(),
                   /*scale=*/1.0f, /*seed=*/1, /*step=*/0, /*first_sample=*/0,
                   stats, gradPointers.data());
  for (size_t p = 0; p < grads.size(); ++p)
    for (size_t i = 0; i < grads[p].size(); ++i)
      EXPECT_NEAR(grads[p][i], c.expected[p][i], 1e-6)
          << k.info.params[p].name << "[" << i << "]\n"
          << source;
}

INSTANTIATE_TEST_SUITE_P(Keras, KinkGradient, ::testing::ValuesIn(kCases),
                         [](const auto &info) {
                           return std::string(info.param.name);
                         });

} // namespace
