//===- ForwardMatrixTest.cpp - Compiled forward pass vs the reference -----===//
//
// Each case is a small `cnn` model, written as the IR the frontends emit,
// compiled with CompiledModel under every combination of the pipeline's
// options (fusion on/off x tiling on/off), run on random inputs and weights,
// and compared with test/reference's plain loops:
//
//   |compiled - reference| <= 1e-5 * max(1, |reference|)   for every element
//
// and the compiled outputs on 1 and 2 threads must be bit-identical.
//
// The matrix is a covering subset, not a full product (that would take
// hours): every value of every attribute appears, and so does every pair of
// padding x stride and of pooling kind x padding. Each case says what it
// adds.
//
// Weights are uniform in [-a, a] with a = min(1, sqrt(3 / fan_in)), inputs
// and biases uniform in [-1, 1]. The fan-in scaling (as Keras's own
// initializers do) keeps every layer's outputs near unit size; with raw
// [-1, 1] weights a 5x5x32 window sums 800 products to ~10, and float32's
// rounding of such a sum (~1e-5) would trip the tolerance on outputs near
// zero whatever the compiler does.
//
// The buffers handed to the compiled code are fenced: inputs and
// parameters by NaNs (a read out of bounds poisons an output), outputs by a
// sentinel that must survive (a write out of bounds is caught), and outputs
// start as NaN (an element never written is caught).
//
//===----------------------------------------------------------------------===//

#include "compiler/backend/CompiledModel.h"
#include "compiler/backend/Pipeline.h"
#include "frontends/LoadModel.h"
#include "runtime/infer/ForwardRunner.h"
#include "test/reference/Reference.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/FormatVariadic.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <iomanip>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>

using namespace cnnc;
using namespace cnnc::reference;

namespace {

//===----------------------------------------------------------------------===//
// Models, described once for both the IR and the reference
//===----------------------------------------------------------------------===//

struct Layer {
  enum class Kind {
    Conv2D,
    Pool2D,
    GlobalPool2D,
    Flatten,
    Dense,
    Activation,
    Softmax,
    Dropout
  };
  explicit Layer(Kind kind) : kind(kind) {}

  Kind kind;
  int64_t filters = 0;         // Conv2D
  int64_t units = 0;           // Dense
  Pair window{1, 1};           // Conv2D kernel, Pool2D pool_size
  std::optional<Pair> strides; // absent on a pool: strides = pool_size
  Pair dilation{1, 1};         // Conv2D
  Padding padding = Padding::Valid;
  bool bias = true;              // Conv2D, Dense
  PoolKind pool = PoolKind::Max; // Pool2D, GlobalPool2D
  bool keepdims = false;         // GlobalPool2D
  std::string activation;        // relu | sigmoid | tanh | linear, or a
                                 // cnn.activation function (`function`)
  bool function = false;         // Activation: a cnn.activation
  double alpha = 0.0;            // cnn.activation's parameters
  std::optional<double> maxValue;
  double threshold = 0.0;
  int64_t axis = -1; // Softmax
};

// Constructors that read like the Keras layers they stand for.

Layer conv2dLayer(int64_t filters, Pair kernel, Pair strides, Padding padding,
                  bool bias = true, Pair dilation = {1, 1}) {
  Layer l{Layer::Kind::Conv2D};
  l.filters = filters;
  l.window = kernel;
  l.strides = strides;
  l.padding = padding;
  l.bias = bias;
  l.dilation = dilation;
  return l;
}

Layer poolLayer(PoolKind kind, Pair size, std::optional<Pair> strides,
                Padding padding) {
  Layer l{Layer::Kind::Pool2D};
  l.pool = kind;
  l.window = size;
  l.strides = strides;
  l.padding = padding;
  return l;
}

Layer globalPoolLayer(PoolKind kind, bool keepdims) {
  Layer l{Layer::Kind::GlobalPool2D};
  l.pool = kind;
  l.keepdims = keepdims;
  return l;
}

Layer flattenLayer() { return Layer{Layer::Kind::Flatten}; }

Layer denseLayer(int64_t units, bool bias = true) {
  Layer l{Layer::Kind::Dense};
  l.units = units;
  l.bias = bias;
  return l;
}

Layer activationLayer(const std::string &name) {
  Layer l{Layer::Kind::Activation};
  l.activation = name;
  return l;
}

/// A cnn.activation: Keras's LeakyReLU, ELU, ReLU with arguments and the
/// activation functions beyond relu, sigmoid and tanh.
Layer functionLayer(const std::string &name, double alpha = 0.0,
                    std::optional<double> maxValue = std::nullopt,
                    double threshold = 0.0) {
  Layer l{Layer::Kind::Activation};
  l.activation = name;
  l.function = true;
  l.alpha = alpha;
  l.maxValue = maxValue;
  l.threshold = threshold;
  return l;
}

Layer softmaxLayer(int64_t axis = -1) {
  Layer l{Layer::Kind::Softmax};
  l.axis = axis;
  return l;
}

Layer dropoutLayer() { return Layer{Layer::Kind::Dropout}; }

struct Model {
  std::string name;           // also the test's name: [A-Za-z0-9_]
  std::vector<int64_t> input; // without the batch
  std::vector<Layer> layers;
  std::vector<int64_t> batches = {1, 3};
};

void PrintTo(const Model &model, std::ostream *os) { *os << model.name; }

/// The pipeline's switches, named for the test names.
struct Variant {
  bool fuse, tile;
};

void PrintTo(const Variant &v, std::ostream *os) {
  *os << (v.fuse ? "fuse" : "nofuse") << "_" << (v.tile ? "tile" : "notile");
}

const Variant kAllVariants[] = {
    {true, true}, {true, false}, {false, true}, {false, false}};

//===----------------------------------------------------------------------===//
// Shapes and parameters
//===----------------------------------------------------------------------===//

const char *poolName(PoolKind kind) {
  return kind == PoolKind::Max ? "max" : kind == PoolKind::Avg ? "avg" : "min";
}

Pair stridesOf(const Layer &layer) {
  return layer.strides ? *layer.strides : layer.window;
}

/// The layer's output shape (without the batch) for an input of `shape`,
/// by the reference's reading of Keras's rules. The IR parser checks it
/// against the dialect's own shape inference.
std::vector<int64_t> outputShape(const Layer &layer,
                                 const std::vector<int64_t> &shape) {
  switch (layer.kind) {
  case Layer::Kind::Conv2D:
  case Layer::Kind::Pool2D: {
    Pair s = stridesOf(layer);
    return {outputLength(shape[0], layer.window[0], s[0], layer.dilation[0],
                         layer.padding),
            outputLength(shape[1], layer.window[1], s[1], layer.dilation[1],
                         layer.padding),
            layer.kind == Layer::Kind::Conv2D ? layer.filters : shape[2]};
  }
  case Layer::Kind::GlobalPool2D:
    if (layer.keepdims)
      return {1, 1, shape[2]};
    return {shape[2]};
  case Layer::Kind::Flatten: {
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    return {n};
  }
  case Layer::Kind::Dense: {
    std::vector<int64_t> out = shape;
    out.back() = layer.units;
    return out;
  }
  default:
    return shape;
  }
}

/// The layer's parameters' shapes, in Keras order (kernel, then bias).
std::vector<std::vector<int64_t>>
paramShapes(const Layer &layer, const std::vector<int64_t> &shape) {
  std::vector<std::vector<int64_t>> params;
  if (layer.kind == Layer::Kind::Conv2D) {
    params.push_back(
        {layer.window[0], layer.window[1], shape[2], layer.filters});
    if (layer.bias)
      params.push_back({layer.filters});
  } else if (layer.kind == Layer::Kind::Dense) {
    params.push_back({shape.back(), layer.units});
    if (layer.bias)
      params.push_back({layer.units});
  }
  return params;
}

/// A seed from the case's name: stable across runs and platforms, unlike
/// std::hash, so a failure reproduces.
uint32_t seedOf(const std::string &text) {
  uint32_t hash = 2166136261u;
  for (char c : text)
    hash = (hash ^ uint8_t(c)) * 16777619u;
  return hash;
}

void fillUniform(std::vector<float> &values, std::mt19937 &random,
                 float limit) {
  std::uniform_real_distribution<float> uniform(-limit, limit);
  for (float &v : values)
    v = uniform(random);
}

/// The model's parameters, kernels scaled by their fan-in (see the top).
std::vector<RefTensor> makeParams(const Model &model) {
  std::mt19937 random(seedOf(model.name + "/params"));
  std::vector<RefTensor> params;
  std::vector<int64_t> shape = model.input;
  for (const Layer &layer : model.layers) {
    for (const std::vector<int64_t> &paramShape : paramShapes(layer, shape)) {
      RefTensor param(paramShape);
      bool isKernel = paramShape.size() > 1;
      int64_t fanIn = 1;
      for (size_t i = 0; i + 1 < paramShape.size(); ++i)
        fanIn *= paramShape[i];
      float limit =
          isKernel ? std::min(1.0f, std::sqrt(3.0f / float(fanIn))) : 1.0f;
      fillUniform(param.data, random, limit);
      params.push_back(std::move(param));
    }
    shape = outputShape(layer, shape);
  }
  return params;
}

RefTensor makeInput(const Model &model, int64_t batch) {
  std::vector<int64_t> shape = {batch};
  shape.insert(shape.end(), model.input.begin(), model.input.end());
  RefTensor input(shape);
  std::mt19937 random(seedOf(model.name + "/input/" + std::to_string(batch)));
  fillUniform(input.data, random, 1.0f);
  return input;
}

//===----------------------------------------------------------------------===//
// The reference forward pass
//===----------------------------------------------------------------------===//

RefTensor runReference(const Model &model, RefTensor x,
                       const std::vector<RefTensor> &params) {
  size_t next = 0;
  for (const Layer &layer : model.layers) {
    switch (layer.kind) {
    case Layer::Kind::Conv2D: {
      const RefTensor &kernel = params[next++];
      const RefTensor *bias = layer.bias ? &params[next++] : nullptr;
      x = conv2d(x, kernel, bias, *layer.strides, layer.dilation,
                 layer.padding);
      break;
    }
    case Layer::Kind::Pool2D:
      x = pool2d(layer.pool, x, layer.window, stridesOf(layer), layer.padding);
      break;
    case Layer::Kind::GlobalPool2D:
      x = globalPool2d(layer.pool, x, layer.keepdims);
      break;
    case Layer::Kind::Flatten:
      x = flatten(x);
      break;
    case Layer::Kind::Dense: {
      const RefTensor &kernel = params[next++];
      const RefTensor *bias = layer.bias ? &params[next++] : nullptr;
      x = dense(x, kernel, bias);
      break;
    }
    case Layer::Kind::Activation:
      if (layer.function)
        x = kerasActivation(x, layer.activation, layer.alpha, layer.maxValue,
                            layer.threshold);
      else if (layer.activation == "relu")
        x = relu(x);
      else if (layer.activation == "sigmoid")
        x = sigmoid(x);
      else if (layer.activation == "tanh")
        x = reference::tanh(x);
      break; // linear: the identity
    case Layer::Kind::Softmax:
      x = softmax(x, layer.axis);
      break;
    case Layer::Kind::Dropout:
      break; // the identity outside training
    }
  }
  return x;
}

//===----------------------------------------------------------------------===//
// The `cnn` IR, in the syntax of test/Dialect/cnn/ops.mlir
//===----------------------------------------------------------------------===//

std::string tensorType(const std::vector<int64_t> &shape, bool batched) {
  std::string type = batched ? "tensor<?x" : "tensor<";
  for (int64_t d : shape)
    type += std::to_string(d) + "x";
  return type + "f32>";
}

std::string pairText(Pair p) {
  return "[" + std::to_string(p[0]) + ", " + std::to_string(p[1]) + "]";
}

const char *paddingText(Padding p) {
  return p == Padding::Same ? "same" : "valid";
}

/// `func.func @forward(%arg0: input, %arg1: param, ...) -> output`, one op
/// per layer, as `cnnc --emit=cnn` prints a model.
std::string buildIR(const Model &model) {
  std::string signature = "%arg0: " + tensorType(model.input, true);
  std::ostringstream body;
  std::vector<int64_t> shape = model.input;
  std::string value = "%arg0";
  int nextArg = 1, nextValue = 0;
  for (const Layer &layer : model.layers) {
    std::vector<int64_t> out = outputShape(layer, shape);
    std::string inType = tensorType(shape, true),
                outType = tensorType(out, true);
    std::vector<std::string> params;
    for (const std::vector<int64_t> &paramShape : paramShapes(layer, shape)) {
      std::string arg = "%arg" + std::to_string(nextArg++);
      signature += ", " + arg + ": " + tensorType(paramShape, false);
      params.push_back(arg);
    }
    std::string result = "%" + std::to_string(nextValue++);
    body << "    " << result << " = ";
    auto operandTypes = [&] {
      std::string types = "(" + inType;
      for (const std::vector<int64_t> &p : paramShapes(layer, shape))
        types += ", " + tensorType(p, false);
      return types + ") -> " + outType;
    };
    auto operands = [&] {
      std::string text = value;
      for (const std::string &p : params)
        text += ", " + p;
      return text;
    };
    switch (layer.kind) {
    case Layer::Kind::Conv2D:
      body << "cnn.conv2d " << operands()
           << " strides = " << pairText(*layer.strides)
           << " dilation = " << pairText(layer.dilation)
           << " padding = " << paddingText(layer.padding) << " : "
           << operandTypes();
      break;
    case Layer::Kind::Pool2D:
      body << "cnn." << poolName(layer.pool) << "_pool2d " << value
           << " pool_size = " << pairText(layer.window);
      if (layer.strides)
        body << " strides = " << pairText(*layer.strides);
      body << " padding = " << paddingText(layer.padding) << " : "
           << operandTypes();
      break;
    case Layer::Kind::GlobalPool2D:
      body << "cnn.global_" << poolName(layer.pool) << "_pool2d " << value
           << (layer.keepdims ? " keepdims" : "") << " : " << operandTypes();
      break;
    case Layer::Kind::Flatten:
      body << "cnn.flatten " << value << " : " << operandTypes();
      break;
    case Layer::Kind::Dense:
      body << "cnn.dense " << operands() << " : " << operandTypes();
      break;
    case Layer::Kind::Activation:
      if (!layer.function) {
        body << "cnn." << layer.activation << " " << value << " : " << outType;
        break;
      }
      body << "cnn.activation " << layer.activation << " " << value;
      if (layer.alpha != 0.0)
        body << " alpha = " << llvm::formatv("{0:e}", layer.alpha).str();
      if (layer.maxValue)
        body << " max_value = "
             << llvm::formatv("{0:e}", *layer.maxValue).str();
      if (layer.threshold != 0.0)
        body << " threshold = "
             << llvm::formatv("{0:e}", layer.threshold).str();
      body << " : " << outType;
      break;
    case Layer::Kind::Softmax:
      body << "cnn.softmax " << value;
      if (layer.axis != -1)
        body << " axis = " << layer.axis;
      body << " : " << outType;
      break;
    case Layer::Kind::Dropout:
      body << "cnn.dropout " << value << " rate = 5.000000e-01 : " << outType;
      break;
    }
    body << "\n";
    value = result;
    shape = out;
  }
  std::string outType = tensorType(shape, true);
  return "module attributes {cnn.model} {\n  func.func @forward(" + signature +
         ") -> " + outType + " {\n" + body.str() + "    return " + value +
         " : " + outType + "\n  }\n}\n";
}

//===----------------------------------------------------------------------===//
// Fenced buffers and the comparison
//===----------------------------------------------------------------------===//

/// `values` with `kFence` floats of `fill` on either side.
class Fenced {
public:
  static constexpr size_t kFence = 4096;

  Fenced(size_t size, float fill, float fence)
      : storage(size + 2 * kFence, fence), size(size) {
    std::fill(begin(), begin() + size, fill);
  }
  Fenced(const std::vector<float> &values, float fence)
      : Fenced(values.size(), 0.0f, fence) {
    std::copy(values.begin(), values.end(), begin());
  }

  float *begin() { return storage.data() + kFence; }
  const float *begin() const { return storage.data() + kFence; }

  /// True if both fences still hold `fence`, bit for bit.
  bool fencesIntact(float fence) const {
    for (size_t i = 0; i < kFence; ++i)
      if (!sameBits(storage[i], fence) ||
          !sameBits(storage[kFence + size + i], fence))
        return false;
    return true;
  }

private:
  static bool sameBits(float a, float b) {
    return std::memcmp(&a, &b, sizeof a) == 0;
  }
  std::vector<float> storage;
  size_t size;
};

float quietNaN() { return std::numeric_limits<float>::quiet_NaN(); }

/// A NaN with a payload no computation produces.
float sentinel() {
  uint32_t bits = 0x7fc0dead;
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

std::string indexText(const std::vector<int64_t> &shape, int64_t flat) {
  std::vector<int64_t> index(shape.size());
  for (size_t axis = shape.size(); axis-- > 0;) {
    index[axis] = flat % shape[axis];
    flat /= shape[axis];
  }
  return formatShape(index);
}

::testing::AssertionResult matchesReference(const float *actual,
                                            const RefTensor &expected) {
  int64_t mismatches = 0;
  double worst = 0;
  std::ostringstream detail;
  // Enough digits to see a difference at the tolerance's scale.
  detail << std::setprecision(9);
  for (int64_t i = 0; i < expected.numElements(); ++i) {
    double a = actual[i], b = expected.data[size_t(i)];
    double error = std::fabs(a - b);
    // Written so that a NaN fails.
    if (!(error <= 1e-5 * std::max(1.0, std::fabs(b)))) {
      if (mismatches < 8)
        detail << "\n  at " << indexText(expected.shape, i) << ": compiled "
               << a << ", reference " << b << " (error " << error << ")";
      ++mismatches;
    }
    if (!std::isnan(error))
      worst = std::max(worst, error);
  }
  if (mismatches == 0)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << mismatches << " of " << expected.numElements()
         << " elements differ from the reference (largest finite error "
         << worst << ")" << detail.str();
}

/// Inputs, parameters and expected outputs, made once per model and batch:
/// the lesson's model at batch 1000 takes the reference a second or two,
/// and every pipeline variant reuses it.
struct Fixture {
  std::vector<RefTensor> params;
  RefTensor input, expected;
};

const Fixture &fixtureFor(const Model &model, int64_t batch) {
  static std::map<std::string, std::unique_ptr<Fixture>> cache;
  std::unique_ptr<Fixture> &slot =
      cache[model.name + "/" + std::to_string(batch)];
  if (!slot) {
    slot = std::make_unique<Fixture>();
    slot->params = makeParams(model);
    slot->input = makeInput(model, batch);
    slot->expected = runReference(model, slot->input, slot->params);
  }
  return *slot;
}

//===----------------------------------------------------------------------===//
// The test
//===----------------------------------------------------------------------===//

class ForwardMatrix
    : public ::testing::TestWithParam<std::tuple<Model, Variant>> {};

TEST_P(ForwardMatrix, MatchesTheReference) {
  const Model &model = std::get<0>(GetParam());
  Variant variant = std::get<1>(GetParam());
  PipelineOptions options;
  options.fuse = variant.fuse;
  options.tile = variant.tile;

  mlir::DialectRegistry registry;
  registerPipelineDialects(registry);
  registerModelDialects(registry);
  mlir::MLIRContext context(registry);
  std::string diagnostics;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    llvm::raw_string_ostream os(diagnostics);
    os << "\n" << d.getLocation() << ": " << d;
    return mlir::success();
  });

  std::string ir = buildIR(model);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(ir, &context);
  ASSERT_TRUE(module) << "the test's IR does not parse (its shapes disagree "
                         "with the dialect's?):"
                      << diagnostics << "\n"
                      << ir;
  // compile() lowers the module in place; the OwningOpRef still owns it.
  auto compiled = CompiledModel::compile(*module, options);
  ASSERT_TRUE(bool(compiled))
      << llvm::toString(compiled.takeError()) << diagnostics << "\n"
      << ir;
  const ModelKernels &kernels = (*compiled)->kernels();
  const ModelInfo &info = kernels.info;
  WorkerPool onePool(1), twoPool(2);

  // The model's interface, as the reference sees it.
  const Fixture &first = fixtureFor(model, model.batches.front());
  EXPECT_EQ(info.inputShapes, std::vector<std::vector<int64_t>>{model.input});
  std::vector<int64_t> outputDims(first.expected.shape.begin() + 1,
                                  first.expected.shape.end());
  ASSERT_EQ(info.outputShape, outputDims) << ir;
  ASSERT_EQ(info.params.size(), first.params.size());
  for (size_t i = 0; i < first.params.size(); ++i)
    EXPECT_EQ(info.params[i].shape, first.params[i].shape);

  for (int64_t batch : model.batches) {
    SCOPED_TRACE("batch " + std::to_string(batch));
    const Fixture &fixture = fixtureFor(model, batch);
    Fenced input(fixture.input.data, quietNaN());
    std::vector<Fenced> params;
    std::vector<const float *> paramPointers;
    params.reserve(fixture.params.size());
    for (const RefTensor &param : fixture.params) {
      params.emplace_back(param.data, quietNaN());
      paramPointers.push_back(params.back().begin());
    }

    size_t outputSize = fixture.expected.data.size();
    Fenced one(outputSize, quietNaN(), sentinel()),
        two(outputSize, quietNaN(), sentinel());
    runForward(kernels, onePool, input.begin(), batch, paramPointers.data(),
               one.begin());
    runForward(kernels, twoPool, input.begin(), batch, paramPointers.data(),
               two.begin());

    EXPECT_TRUE(one.fencesIntact(sentinel())) << "wrote outside the output";
    EXPECT_TRUE(two.fencesIntact(sentinel())) << "wrote outside the output";
    EXPECT_TRUE(matchesReference(one.begin(), fixture.expected)) << ir;
    EXPECT_EQ(std::memcmp(one.begin(), two.begin(), outputSize * 4), 0)
        << "1 and 2 threads give different bits";
  }
}

std::string
testName(const ::testing::TestParamInfo<std::tuple<Model, Variant>> &info) {
  std::ostringstream name;
  name << std::get<0>(info.param).name << "__";
  PrintTo(std::get<1>(info.param), &name);
  return name.str();
}

constexpr Padding valid = Padding::Valid, same = Padding::Same;
constexpr PoolKind maxPool = PoolKind::Max, avgPool = PoolKind::Avg,
                   minPool = PoolKind::Min;

#define CNNC_MATRIX(Suite, Models)                                             \
  INSTANTIATE_TEST_SUITE_P(                                                    \
      Suite, ForwardMatrix,                                                    \
      ::testing::Combine(::testing::ValuesIn(Models),                          \
                         ::testing::ValuesIn(kAllVariants)),                   \
      testName)

//===----------------------------------------------------------------------===//
// Conv2D alone. Covers padding x stride (valid/same x 1/2/3), dilation 1/2
// (stride 1 only, as Keras requires), kernels 1/2/3/5, input sizes 7/9/13,
// channels and filters 1/3/32, with and without bias, and non-square
// kernels and strides (rows and columns must not be swapped).
//===----------------------------------------------------------------------===//

const Model kConvModels[] = {
    {"conv_k3_s1_valid_7x7x1_f3",
     {7, 7, 1},
     {conv2dLayer(3, {3, 3}, {1, 1}, valid)}},
    {"conv_k3_s1_same_9x9x3_f8_nobias",
     {9, 9, 3},
     {conv2dLayer(8, {3, 3}, {1, 1}, same, /*bias=*/false)}},
    // Same, stride 1, even kernel: the one padding cell goes bottom/right.
    {"conv_k2_s1_same_9x9x3_f4",
     {9, 9, 3},
     {conv2dLayer(4, {2, 2}, {1, 1}, same)}},
    {"conv_k5_s1_same_13x13x32_f32",
     {13, 13, 32},
     {conv2dLayer(32, {5, 5}, {1, 1}, same)}},
    {"conv_k5_s2_valid_13x13x3_f4",
     {13, 13, 3},
     {conv2dLayer(4, {5, 5}, {2, 2}, valid)}},
    // Same, stride 2 on an odd size: total padding 1, all after.
    {"conv_k2_s2_same_7x7x1_f32",
     {7, 7, 1},
     {conv2dLayer(32, {2, 2}, {2, 2}, same)}},
    {"conv_k3_s2_same_13x13x3_f8_nobias",
     {13, 13, 3},
     {conv2dLayer(8, {3, 3}, {2, 2}, same, false)}},
    {"conv_k1_s3_valid_9x9x32_f3_nobias",
     {9, 9, 32},
     {conv2dLayer(3, {1, 1}, {3, 3}, valid, false)}},
    {"conv_k5_s3_same_13x13x1_f5",
     {13, 13, 1},
     {conv2dLayer(5, {5, 5}, {3, 3}, same)}},
    {"conv_k3_s3_valid_7x7x3_f2",
     {7, 7, 3},
     {conv2dLayer(2, {3, 3}, {3, 3}, valid)}},
    {"conv_k3_d2_valid_9x9x3_f3",
     {9, 9, 3},
     {conv2dLayer(3, {3, 3}, {1, 1}, valid, true, {2, 2})}},
    {"conv_k3_d2_same_13x13x32_f8_nobias",
     {13, 13, 32},
     {conv2dLayer(8, {3, 3}, {1, 1}, same, false, {2, 2})}},
    {"conv_k2_d2_same_7x7x3_f2",
     {7, 7, 3},
     {conv2dLayer(2, {2, 2}, {1, 1}, same, true, {2, 2})}},
    {"conv_k5_d2_valid_13x13x1_f1_nobias",
     {13, 13, 1},
     {conv2dLayer(1, {5, 5}, {1, 1}, valid, false, {2, 2})}},
    // Rows and columns differ in size, kernel, stride and dilation.
    {"conv_k3x1_s1x2_same_9x13x3_f4",
     {9, 13, 3},
     {conv2dLayer(4, {3, 1}, {1, 2}, same)}},
    {"conv_k2x3_s3x1_valid_13x7x1_f3",
     {13, 7, 1},
     {conv2dLayer(3, {2, 3}, {3, 1}, valid)}},
    {"conv_k3x2_d1x2_valid_9x7x3_f2",
     {9, 7, 3},
     {conv2dLayer(2, {3, 2}, {1, 1}, valid, true, {1, 2})}},
};
CNNC_MATRIX(Conv2D, kConvModels);

//===----------------------------------------------------------------------===//
// Pooling alone. Covers kind x padding (max/avg/min x valid/same), pool
// sizes 2/3, strides 1/2/3 and absent, odd sizes (the last row/column
// dropped under valid, padded under same), and non-square windows.
//===----------------------------------------------------------------------===//

const Model kPoolModels[] = {
    {"maxpool_p2_s2_valid_13x13x3",
     {13, 13, 3},
     {poolLayer(maxPool, {2, 2}, Pair{2, 2}, valid)}},
    {"maxpool_p3_s1_same_9x9x3",
     {9, 9, 3},
     {poolLayer(maxPool, {3, 3}, Pair{1, 1}, same)}},
    // Strides absent = pool size; 7 under same -> 4, the last window
    // half padding.
    {"maxpool_p2_nostrides_same_7x7x32",
     {7, 7, 32},
     {poolLayer(maxPool, {2, 2}, std::nullopt, same)}},
    {"maxpool_p3_s3_valid_9x9x1",
     {9, 9, 1},
     {poolLayer(maxPool, {3, 3}, Pair{3, 3}, valid)}},
    // Same average divides by the in-bounds cells only.
    {"avgpool_p2_s2_same_7x7x3",
     {7, 7, 3},
     {poolLayer(avgPool, {2, 2}, Pair{2, 2}, same)}},
    {"avgpool_p3_nostrides_valid_9x9x3",
     {9, 9, 3},
     {poolLayer(avgPool, {3, 3}, std::nullopt, valid)}},
    {"avgpool_p3_s1_same_7x7x32",
     {7, 7, 32},
     {poolLayer(avgPool, {3, 3}, Pair{1, 1}, same)}},
    {"avgpool_p2_s3_valid_13x13x3",
     {13, 13, 3},
     {poolLayer(avgPool, {2, 2}, Pair{3, 3}, valid)}},
    {"minpool_p2_s2_same_9x9x3",
     {9, 9, 3},
     {poolLayer(minPool, {2, 2}, Pair{2, 2}, same)}},
    {"minpool_p3_s2_valid_13x13x1",
     {13, 13, 1},
     {poolLayer(minPool, {3, 3}, Pair{2, 2}, valid)}},
    {"minpool_p3_s3_same_7x7x3",
     {7, 7, 3},
     {poolLayer(minPool, {3, 3}, Pair{3, 3}, same)}},
    {"avgpool_p2x3_s1x2_same_9x7x3",
     {9, 7, 3},
     {poolLayer(avgPool, {2, 3}, Pair{1, 2}, same)}},
    {"maxpool_p3x2_nostrides_valid_13x9x3",
     {13, 9, 3},
     {poolLayer(maxPool, {3, 2}, std::nullopt, valid)}},
};
CNNC_MATRIX(Pool2D, kPoolModels);

//===----------------------------------------------------------------------===//
// Global pooling, flatten, dense, activations, dropout: each alone.
//===----------------------------------------------------------------------===//

const Model kOtherLayerModels[] = {
    {"globalmax_9x9x3", {9, 9, 3}, {globalPoolLayer(maxPool, false)}},
    {"globalmax_keepdims_7x7x32", {7, 7, 32}, {globalPoolLayer(maxPool, true)}},
    {"globalavg_13x13x3", {13, 13, 3}, {globalPoolLayer(avgPool, false)}},
    {"globalavg_keepdims_9x9x1", {9, 9, 1}, {globalPoolLayer(avgPool, true)}},
    {"globalmin_7x7x32", {7, 7, 32}, {globalPoolLayer(minPool, false)}},
    {"globalmin_keepdims_13x13x3",
     {13, 13, 3},
     {globalPoolLayer(minPool, true)}},
    {"flatten_5x7x3", {5, 7, 3}, {flattenLayer()}},
    {"dense_rank2_50_to_10", {50}, {denseLayer(10)}},
    {"dense_rank2_32_to_7_nobias", {32}, {denseLayer(7, false)}},
    // Dense on rank 4 acts on the last axis: a 1x1 convolution.
    {"dense_rank4_5x5x32_to_16", {5, 5, 32}, {denseLayer(16)}},
    {"dense_rank4_3x7x3_to_5_nobias", {3, 7, 3}, {denseLayer(5, false)}},
    {"relu_7x7x3", {7, 7, 3}, {activationLayer("relu")}},
    {"sigmoid_9x9x3", {9, 9, 3}, {activationLayer("sigmoid")}},
    {"sigmoid_rank2_10", {10}, {activationLayer("sigmoid")}},
    {"tanh_7x7x32", {7, 7, 32}, {activationLayer("tanh")}},
    {"linear_7x7x3", {7, 7, 3}, {activationLayer("linear")}},
    {"softmax_rank2_10", {10}, {softmaxLayer()}},
    {"softmax_last_axis_5x5x8", {5, 5, 8}, {softmaxLayer(-1)}},
    {"softmax_axis1_5x7x3", {5, 7, 3}, {softmaxLayer(1)}},
    {"dropout_7x7x3", {7, 7, 3}, {dropoutLayer()}},
};
CNNC_MATRIX(OtherLayers, kOtherLayerModels);

//===----------------------------------------------------------------------===//
// cnn.activation: each function, after a convolution (outputs beyond
// [-1, 1], on both sides of each kink), and a parameterised ReLU fused-free.
//===----------------------------------------------------------------------===//

Layer wideConv() { return conv2dLayer(4, {3, 3}, {1, 1}, Padding::Same); }

const Model kActivationFunctionModels[] = {
    {"leaky_relu_7x7x3", {7, 7, 3}, {wideConv(), functionLayer("relu", 0.3)}},
    {"relu_max_slope_threshold_7x7x3",
     {7, 7, 3},
     {wideConv(), functionLayer("relu", 0.1, 0.6, 0.2)}},
    {"relu6_rank2_40", {40}, {denseLayer(16), functionLayer("relu", 0, 6.0)}},
    {"elu_alpha_7x7x3", {7, 7, 3}, {wideConv(), functionLayer("elu", 0.4)}},
    {"selu_7x7x3", {7, 7, 3}, {wideConv(), functionLayer("selu")}},
    {"softplus_7x7x3", {7, 7, 3}, {wideConv(), functionLayer("softplus")}},
    {"softsign_7x7x3", {7, 7, 3}, {wideConv(), functionLayer("softsign")}},
    {"swish_7x7x3", {7, 7, 3}, {wideConv(), functionLayer("swish")}},
    {"gelu_7x7x3", {7, 7, 3}, {wideConv(), functionLayer("gelu")}},
    {"gelu_tanh_7x7x3", {7, 7, 3}, {wideConv(), functionLayer("gelu_tanh")}},
    {"hard_sigmoid_keras2_7x7x3",
     {7, 7, 3},
     {wideConv(), functionLayer("hard_sigmoid", 0.2)}},
    {"hard_sigmoid_keras3_7x7x3",
     {7, 7, 3},
     {wideConv(), functionLayer("hard_sigmoid", 1.0 / 6.0)}},
    {"mish_7x7x3", {7, 7, 3}, {wideConv(), functionLayer("mish")}},
    {"exponential_7x7x3",
     {7, 7, 3},
     {wideConv(), functionLayer("exponential")}},
};
CNNC_MATRIX(ActivationFunctions, kActivationFunctionModels);

//===----------------------------------------------------------------------===//
// conv -> relu -> pool: what --cnn-fuse-conv-relu-pool rewrites, for every
// pooling kind, plus the partial chains it may also take.
//===----------------------------------------------------------------------===//

const Model kChainModels[] = {
    // The lesson's second stage: 13 -> 11 -> 5 (the last row dropped).
    {"chain_conv_relu_maxpool_13x13x32",
     {13, 13, 32},
     {conv2dLayer(32, {3, 3}, {1, 1}, valid), activationLayer("relu"),
      poolLayer(maxPool, {2, 2}, Pair{2, 2}, valid)}},
    {"chain_conv_relu_avgpool_same_9x9x3",
     {9, 9, 3},
     {conv2dLayer(8, {3, 3}, {1, 1}, same), activationLayer("relu"),
      poolLayer(avgPool, {3, 3}, Pair{2, 2}, same)}},
    {"chain_conv_relu_minpool_7x7x3",
     {7, 7, 3},
     {conv2dLayer(4, {2, 2}, {1, 1}, valid, false), activationLayer("relu"),
      poolLayer(minPool, {2, 2}, std::nullopt, valid)}},
    {"chain_conv_s2_relu_maxpool_same_13x13x1",
     {13, 13, 1},
     {conv2dLayer(3, {3, 3}, {2, 2}, same), activationLayer("relu"),
      poolLayer(maxPool, {3, 3}, Pair{1, 1}, same)}},
    {"chain_conv_d2_relu_avgpool_13x13x3",
     {13, 13, 3},
     {conv2dLayer(5, {3, 3}, {1, 1}, valid, true, {2, 2}),
      activationLayer("relu"), poolLayer(avgPool, {2, 2}, Pair{2, 2}, valid)}},
    {"chain_conv_relu_9x9x3",
     {9, 9, 3},
     {conv2dLayer(4, {3, 3}, {1, 1}, valid), activationLayer("relu")}},
    {"chain_conv_maxpool_9x9x3",
     {9, 9, 3},
     {conv2dLayer(4, {3, 3}, {1, 1}, valid),
      poolLayer(maxPool, {2, 2}, Pair{2, 2}, valid)}},
    // Two fusable chains back to back, then a head.
    {"chain_two_stages_and_head_13x13x1",
     {13, 13, 1},
     {conv2dLayer(8, {3, 3}, {1, 1}, same), activationLayer("relu"),
      poolLayer(minPool, {2, 2}, Pair{2, 2}, same),
      conv2dLayer(8, {3, 3}, {1, 1}, valid), activationLayer("relu"),
      poolLayer(avgPool, {2, 2}, std::nullopt, valid), flattenLayer(),
      denseLayer(10), softmaxLayer()}},
};
CNNC_MATRIX(Chains, kChainModels);

//===----------------------------------------------------------------------===//
// The lesson's model (examples/mnist_cnn.py), at batch 1, 3 and 1000:
// 28 -> 26 -> 13 -> 11 -> 5 -> 800 -> 128 -> 10.
//===----------------------------------------------------------------------===//

const Model kLessonModels[] = {
    {"lesson_mnist_cnn",
     {28, 28, 1},
     {conv2dLayer(32, {3, 3}, {1, 1}, valid), activationLayer("relu"),
      poolLayer(maxPool, {2, 2}, Pair{2, 2}, valid),
      conv2dLayer(32, {3, 3}, {1, 1}, valid), activationLayer("relu"),
      poolLayer(maxPool, {2, 2}, Pair{2, 2}, valid), flattenLayer(),
      denseLayer(128), activationLayer("relu"), denseLayer(10), softmaxLayer()},
     {1, 3, 1000}},
};
CNNC_MATRIX(Lesson, kLessonModels);

} // namespace
