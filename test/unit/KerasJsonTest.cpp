//===- KerasJsonTest.cpp - The Keras / TF.js JSON frontend ----------------===//
//
// What parseKerasJson reads from each JSON form of a Keras Sequential model
// (docs/keras-semantics.md §5), and what it refuses, with the exact error text.
//
// The fixtures come from outside cnnc: examples/*.json are tf.keras 2.12
// to_json() twins of examples/*.py, the Keras 2.3 / 2.15 / 3.x / converter
// files are written by hand from docs/keras-semantics.md, and tfjs/ is written
// by TF.js 4.22 itself
// (test/Frontends/keras-json/Inputs/make_tfjs_fixtures.js).
//
//===----------------------------------------------------------------------===//

#include "frontends/keras-json/KerasJson.h"

#include "frontends/common/LocatedError.h"
#include "frontends/keras-json/JsonLocator.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

using namespace cnnc;
using llvm::StringRef;
using Pair = std::array<int64_t, 2>;
using Shape = std::vector<int64_t>;

namespace {

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

std::string sourcePath(StringRef relative) {
  return (StringRef(CNNC_SOURCE_DIR) + "/" + relative).str();
}

std::string inputPath(StringRef name) {
  return sourcePath(("test/Frontends/keras-json/Inputs/" + name).str());
}

std::string readFile(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer) {
    ADD_FAILURE() << "cannot read " << path;
    return "";
  }
  return (*buffer)->getBuffer().str();
}

/// Parses `text`, failing the test (and giving an empty model) on an error.
ModelSpec parse(StringRef text, StringRef fileName = "model.json") {
  llvm::Expected<ModelSpec> model = parseKerasJson(text, fileName);
  if (!model) {
    ADD_FAILURE() << llvm::toString(model.takeError());
    return ModelSpec();
  }
  return std::move(*model);
}

/// Parses a fixture, naming it by its file name alone in locations.
ModelSpec parseFile(const std::string &path) {
  return parse(readFile(path), llvm::sys::path::filename(path));
}

/// The one-line error parsing `text` gives, or "no error".
std::string errorOf(StringRef text, StringRef fileName = "model.json") {
  llvm::Expected<ModelSpec> model = parseKerasJson(text, fileName);
  if (model)
    return "no error";
  return llvm::toString(model.takeError());
}

std::string at(const SourceLoc &loc) {
  return loc.file + ":" + std::to_string(loc.line) + ":" +
         std::to_string(loc.column);
}

std::vector<std::string> namesOf(const ModelSpec &model) {
  std::vector<std::string> names;
  for (const Layer &layer : model.layers)
    names.push_back(layer.name);
  return names;
}

std::vector<LayerKind> kindsOf(const ModelSpec &model) {
  std::vector<LayerKind> kinds;
  for (const Layer &layer : model.layers)
    kinds.push_back(layer.kind);
  return kinds;
}

void expectVarianceScaling(const Initializer &init, double scale,
                           Initializer::Mode mode,
                           Initializer::Distribution distribution) {
  EXPECT_EQ(init.kind, Initializer::Kind::VarianceScaling);
  EXPECT_EQ(init.scale, scale);
  EXPECT_EQ(init.mode, mode);
  EXPECT_EQ(init.distribution, distribution);
  EXPECT_FALSE(init.seed);
}

void expectGlorotUniform(const Initializer &init) {
  expectVarianceScaling(init, 1.0, Initializer::Mode::FanAvg,
                        Initializer::Distribution::Uniform);
}

void expectConstant(const Initializer &init, double value) {
  EXPECT_EQ(init.kind, Initializer::Kind::Constant);
  EXPECT_EQ(init.value, value);
}

/// The pooling lesson's model (examples/mnist_cnn.py), field by field, as
/// every JSON form must give it; names and initializers are the forms' own.
void expectLessonModel(const ModelSpec &model,
                       const std::vector<std::string> &names) {
  EXPECT_EQ(model.inputShape, (Shape{28, 28, 1}));
  ASSERT_EQ(model.layers.size(), 7u);
  EXPECT_EQ(namesOf(model), names);

  for (size_t i : {0, 2}) {
    const Layer &conv = model.layers[i];
    EXPECT_EQ(conv.kind, LayerKind::Conv2D);
    EXPECT_EQ(conv.filters, 32);
    EXPECT_EQ(conv.kernelSize, (Pair{3, 3}));
    EXPECT_EQ(conv.strides, (Pair{1, 1}));
    EXPECT_EQ(conv.dilation, (Pair{1, 1}));
    EXPECT_EQ(conv.padding, Padding::Valid);
    EXPECT_EQ(conv.activation, Activation::ReLU);
    EXPECT_TRUE(conv.useBias);
    expectConstant(conv.biasInitializer, 0.0);
  }
  for (size_t i : {1, 3}) {
    const Layer &pool = model.layers[i];
    EXPECT_EQ(pool.kind, LayerKind::MaxPooling2D);
    EXPECT_EQ(pool.poolSize, (Pair{2, 2}));
    EXPECT_EQ(pool.strides, (Pair{2, 2}));
    EXPECT_EQ(pool.padding, Padding::Valid);
  }
  EXPECT_EQ(model.layers[4].kind, LayerKind::Flatten);

  const Layer &hidden = model.layers[5];
  EXPECT_EQ(hidden.kind, LayerKind::Dense);
  EXPECT_EQ(hidden.units, 128);
  EXPECT_EQ(hidden.activation, Activation::ReLU);
  EXPECT_TRUE(hidden.useBias);
  const Layer &output = model.layers[6];
  EXPECT_EQ(output.kind, LayerKind::Dense);
  EXPECT_EQ(output.units, 10);
  EXPECT_EQ(output.activation, Activation::Softmax);
  for (size_t i : {5, 6})
    expectConstant(model.layers[i].biasInitializer, 0.0);
}

const std::vector<std::string> kKerasLessonNames = {
    "conv2d",  "max_pooling2d", "conv2d_1", "max_pooling2d_1",
    "flatten", "dense",         "dense_1"};

void expectKerasGlorotKernels(const ModelSpec &model) {
  for (size_t i : {0, 2, 5, 6})
    expectGlorotUniform(model.layers[i].kernelInitializer);
}

void expectAdam(const TrainingSpec &training) {
  ASSERT_TRUE(training.optimizer);
  EXPECT_EQ(training.optimizer->kind, KerasOptimizer::Adam);
  const auto &hp = training.optimizer->hyperParameters;
  ASSERT_EQ(hp.size(), 4u);
  EXPECT_NEAR(hp.at("learning_rate"), 0.001, 1e-9);
  EXPECT_EQ(hp.at("beta_1"), 0.9);
  EXPECT_EQ(hp.at("beta_2"), 0.999);
  EXPECT_EQ(hp.at("epsilon"), 1e-7);
}

//===----------------------------------------------------------------------===//
// tf.keras <= 2.12 model.to_json()
//===----------------------------------------------------------------------===//

TEST(Keras2ToJson, LessonModelFieldByField) {
  ModelSpec model = parseFile(sourcePath("examples/mnist_cnn.json"));
  EXPECT_EQ(model.name, "sequential");
  expectLessonModel(model, kKerasLessonNames);
  expectKerasGlorotKernels(model);
  // Keras 2's to_json() carries no compile() or fit() settings.
  EXPECT_TRUE(model.training.empty());
}

TEST(Keras2ToJson, LocationsPointAtTheModelTheInputAndEachClassName) {
  ModelSpec model = parseFile(sourcePath("examples/mnist_cnn.json"));
  EXPECT_EQ(at(model.loc), "mnist_cnn.json:1:1");
  // The InputLayer's batch_input_shape value.
  EXPECT_EQ(at(model.inputLoc), "mnist_cnn.json:9:32");
  ASSERT_EQ(model.layers.size(), 7u);
  EXPECT_EQ(at(model.layers[0].loc), "mnist_cnn.json:17:23");
  EXPECT_EQ(at(model.layers[1].loc), "mnist_cnn.json:50:23");
  EXPECT_EQ(at(model.layers[2].loc), "mnist_cnn.json:62:23");
}

TEST(Keras2ToJson, StandaloneKeras23HasNoInputLayerAndNamesFromOne) {
  ModelSpec model = parseFile(inputPath("keras2_3_lesson.json"));
  EXPECT_EQ(model.name, "sequential_1");
  expectLessonModel(model,
                    {"conv2d_1", "max_pooling2d_1", "conv2d_2",
                     "max_pooling2d_2", "flatten_1", "dense_1", "dense_2"});
  // The first layer's batch_input_shape gives the input.
  EXPECT_EQ(at(model.inputLoc), "keras2_3_lesson.json:11:32");
  // Keras 2.3 writes glorot_uniform as its VarianceScaling definition.
  expectKerasGlorotKernels(model);
}

TEST(Keras2ToJson, EveryExampleHasATwinThatParses) {
  std::error_code ec;
  int twins = 0;
  for (llvm::sys::fs::directory_iterator it(sourcePath("examples"), ec), end;
       it != end && !ec; it.increment(ec)) {
    StringRef path = it->path();
    if (!path.ends_with(".py"))
      continue;
    std::string twin = (path.drop_back(3) + ".json").str();
    SCOPED_TRACE(twin);
    ASSERT_TRUE(llvm::sys::fs::exists(twin)) << "no JSON twin";
    ModelSpec model = parseFile(twin);
    EXPECT_FALSE(model.layers.empty());
    EXPECT_EQ(model.inputShape, (Shape{28, 28, 1}));
    ++twins;
  }
  EXPECT_EQ(twins, 9);
}

TEST(Keras2ToJson, TwinsKeepThePythonModelsNamesAndSettings) {
  using K = LayerKind;
  {
    ModelSpec m = parseFile(sourcePath("examples/average_pooling.json"));
    EXPECT_EQ(namesOf(m),
              (std::vector<std::string>{"conv2d", "average_pooling2d",
                                        "conv2d_1", "average_pooling2d_1",
                                        "flatten", "dense", "dense_1"}));
    // AvgPool2D is AveragePooling2D, with the class's name counter.
    EXPECT_EQ(m.layers[3].kind, K::AveragePooling2D);
    EXPECT_EQ(m.layers[3].padding, Padding::Same);
  }
  {
    ModelSpec m = parseFile(sourcePath("examples/global_pooling.json"));
    EXPECT_EQ(kindsOf(m),
              (std::vector<K>{K::Conv2D, K::MaxPooling2D, K::Conv2D,
                              K::GlobalAveragePooling2D, K::Dense}));
    EXPECT_EQ(m.layers[2].filters, 64);
    EXPECT_FALSE(m.layers[3].keepDims);
  }
  {
    ModelSpec m = parseFile(sourcePath("examples/keras_io_convnet.json"));
    EXPECT_EQ(m.layers[5].kind, K::Dropout);
    EXPECT_EQ(m.layers[5].name, "dropout");
    EXPECT_EQ(m.layers[5].rate, 0.5);
    EXPECT_FALSE(m.layers[5].seed);
  }
  {
    ModelSpec m = parseFile(sourcePath("examples/min_pooling.json"));
    EXPECT_EQ(m.name, "min_pooling");
    EXPECT_EQ(m.layers[1].kind, K::MinPooling2D);
    EXPECT_EQ(m.layers[3].name, "min_pooling2d_1");
    EXPECT_EQ(m.layers[3].poolSize, (Pair{2, 2}));
  }
  {
    ModelSpec m = parseFile(sourcePath("examples/same_padding_strides.json"));
    EXPECT_EQ(m.name, "same_padding");
    EXPECT_EQ(m.layers[0].strides, (Pair{2, 2}));
    EXPECT_EQ(m.layers[0].padding, Padding::Same);
    EXPECT_EQ(m.layers[1].kernelSize, (Pair{5, 5}));
    EXPECT_EQ(m.layers[1].activation, Activation::Linear);
    EXPECT_EQ(m.layers[2].poolSize, (Pair{3, 3}));
    EXPECT_EQ(m.layers[2].strides, (Pair{2, 2}));
    EXPECT_EQ(m.layers[3].dilation, (Pair{2, 2}));
  }
  {
    ModelSpec m = parseFile(sourcePath("examples/separate_activations.json"));
    EXPECT_EQ(namesOf(m), (std::vector<std::string>{
                              "stem", "re_lu", "max_pooling2d", "conv2d",
                              "activation", "max_pooling2d_1", "flatten",
                              "dense", "activation_1", "dense_1", "softmax"}));
    EXPECT_EQ(m.layers[4].activation, Activation::ReLU);
    EXPECT_EQ(m.layers[8].activation, Activation::Tanh);
    EXPECT_EQ(m.layers[10].kind, K::Softmax);
    EXPECT_EQ(m.layers[10].axis, -1);
  }
}

//===----------------------------------------------------------------------===//
// tf.keras 2.13 - 2.15
//===----------------------------------------------------------------------===//

TEST(Keras215, ModuleWrappedObjectsReadAsKeras212) {
  ModelSpec model = parseFile(inputPath("keras2_15_lesson.json"));
  expectLessonModel(model, kKerasLessonNames);
  expectKerasGlorotKernels(model);
  EXPECT_TRUE(model.training.empty());
}

TEST(Keras215, InputShapeFromTheFirstLayersBuildConfig) {
  ModelSpec model = parseFile(inputPath("keras2_15_build_config.json"));
  expectLessonModel(model, kKerasLessonNames);
  // "build_config": {"input_shape": [...]} of the first Conv2D.
  EXPECT_EQ(at(model.inputLoc), "keras2_15_build_config.json:44:26");
}

//===----------------------------------------------------------------------===//
// Keras 3
//===----------------------------------------------------------------------===//

TEST(Keras3, DTypePolicyObjectsBatchShapeAndCompileConfig) {
  ModelSpec model = parseFile(inputPath("keras3_lesson.json"));
  expectLessonModel(model, kKerasLessonNames);
  expectKerasGlorotKernels(model);
  // The InputLayer's batch_shape.
  EXPECT_EQ(at(model.inputLoc), "keras3_lesson.json:20:26");

  const TrainingSpec &training = model.training;
  expectAdam(training);
  EXPECT_EQ(at(training.optimizer->loc), "keras3_lesson.json:284:21");
  EXPECT_EQ(training.loss, KerasLoss::SparseCategoricalCrossentropy);
  EXPECT_FALSE(training.lossFromLogits);
  EXPECT_EQ(training.metrics, (std::vector<std::string>{"accuracy"}));
  // compile_config holds no fit() arguments.
  EXPECT_FALSE(training.epochs);
  EXPECT_FALSE(training.batchSize);
}

TEST(Keras3, DTypeStringsAndAnOptimizerGivenByName) {
  ModelSpec model = parseFile(inputPath("keras3_3_lesson.json"));
  expectLessonModel(model, kKerasLessonNames);
  ASSERT_TRUE(model.training.optimizer);
  // compile(optimizer='adam'): the name only; Keras's defaults apply.
  EXPECT_EQ(model.training.optimizer->kind, KerasOptimizer::Adam);
  EXPECT_TRUE(model.training.optimizer->hyperParameters.empty());
  // The loss as a serialised SparseCategoricalCrossentropy object.
  EXPECT_EQ(model.training.loss, KerasLoss::SparseCategoricalCrossentropy);
  EXPECT_FALSE(model.training.lossFromLogits);
}

//===----------------------------------------------------------------------===//
// TF.js
//===----------------------------------------------------------------------===//

const std::vector<std::string> kTfjsLessonNames = {
    "conv2d_Conv2D1",   "max_pooling2d_MaxPooling2D1",
    "conv2d_Conv2D2",   "max_pooling2d_MaxPooling2D2",
    "flatten_Flatten1", "dense_Dense1",
    "dense_Dense2"};

/// TF.js writes its glorotNormal default as VarianceScaling "normal": a
/// truncated normal without Keras's stddev correction.
void expectTfjsGlorotNormalKernels(const ModelSpec &model) {
  for (size_t i : {0, 2, 5, 6})
    expectVarianceScaling(
        model.layers[i].kernelInitializer, 1.0, Initializer::Mode::FanAvg,
        Initializer::Distribution::TruncatedNormalUncorrected);
}

TEST(Tfjs, ToJsonKeepsTfjsNamesAndInitializers) {
  ModelSpec model = parseFile(inputPath("tfjs/lesson.toJSON.json"));
  EXPECT_EQ(model.name, "sequential_1");
  expectLessonModel(model, kTfjsLessonNames);
  expectTfjsGlorotNormalKernels(model);
  // No InputLayer: the first layer's batch_input_shape.
  EXPECT_EQ(at(model.inputLoc), "lesson.toJSON.json:1:627");
  EXPECT_EQ(at(model.layers[0].loc), "lesson.toJSON.json:1:84");
  EXPECT_TRUE(model.training.empty());
}

TEST(Tfjs, SavedModelJsonWithTrainingConfig) {
  ModelSpec model = parseFile(inputPath("tfjs/lesson/model.json"));
  EXPECT_EQ(model.name, "sequential_1");
  expectLessonModel(model, kTfjsLessonNames);
  expectTfjsGlorotNormalKernels(model);
  EXPECT_EQ(at(model.loc), "model.json:1:1");
  EXPECT_EQ(at(model.layers[0].loc), "model.json:1:101");

  // TF.js's camelCase optimizer config, under Keras's names.
  expectAdam(model.training);
  EXPECT_EQ(at(model.training.optimizer->loc), "model.json:1:3426");
  EXPECT_EQ(model.training.loss, KerasLoss::SparseCategoricalCrossentropy);
  EXPECT_EQ(model.training.metrics, (std::vector<std::string>{"accuracy"}));
}

TEST(Tfjs, MomentumIsSgdWithMomentum) {
  ModelSpec model = parseFile(inputPath("tfjs/same_padding/model.json"));
  // Names count on across the models one TF.js process builds.
  EXPECT_EQ(model.name, "sequential_2");
  EXPECT_EQ(namesOf(model), (std::vector<std::string>{
                                "conv2d_Conv2D3", "conv2d_Conv2D4",
                                "max_pooling2d_MaxPooling2D3", "conv2d_Conv2D5",
                                "flatten_Flatten2", "dense_Dense3"}));
  EXPECT_EQ(model.layers[0].kernelSize, (Pair{3, 3}));
  EXPECT_EQ(model.layers[0].strides, (Pair{2, 2}));
  EXPECT_EQ(model.layers[0].padding, Padding::Same);
  EXPECT_EQ(model.layers[2].poolSize, (Pair{3, 3}));
  EXPECT_EQ(model.layers[3].dilation, (Pair{2, 2}));

  ASSERT_TRUE(model.training.optimizer);
  EXPECT_EQ(model.training.optimizer->kind, KerasOptimizer::SGD);
  const auto &hp = model.training.optimizer->hyperParameters;
  EXPECT_EQ(hp.at("learning_rate"), 0.01);
  EXPECT_EQ(hp.at("momentum"), 0.9);
  EXPECT_EQ(hp.at("nesterov"), 0.0);
}

TEST(Tfjs, PoolingAndDropoutModel) {
  using K = LayerKind;
  ModelSpec model = parseFile(inputPath("tfjs/pooling_dropout.toJSON.json"));
  EXPECT_EQ(kindsOf(model),
            (std::vector<K>{K::Conv2D, K::AveragePooling2D, K::Conv2D,
                            K::GlobalAveragePooling2D, K::Dropout, K::Dense}));
  EXPECT_EQ(model.layers[1].strides, (Pair{2, 2}));
  EXPECT_EQ(model.layers[4].rate, 0.25);
  const Initializer &bias = model.layers[2].biasInitializer;
  EXPECT_EQ(bias.kind, Initializer::Kind::RandomNormal);
  EXPECT_EQ(bias.mean, 0.0);
  EXPECT_EQ(bias.stddev, 0.01);
  EXPECT_EQ(bias.seed, 7);
}

TEST(Tfjs, SeparateActivationLayersAndExplicitNames) {
  using K = LayerKind;
  ModelSpec model =
      parseFile(inputPath("tfjs/separate_activations/model.json"));
  EXPECT_EQ(model.name, "activations");
  EXPECT_EQ(kindsOf(model),
            (std::vector<K>{K::Conv2D, K::ReLU, K::MaxPooling2D, K::Conv2D,
                            K::Activation, K::MaxPooling2D, K::Flatten,
                            K::Dense, K::Activation, K::Dense, K::Softmax}));
  EXPECT_EQ(model.layers[0].name, "stem");
  EXPECT_EQ(model.layers[1].name, "re_lu_ReLU1");
  EXPECT_EQ(model.layers[8].activation, Activation::Tanh);
  // TF.js's Softmax layer defaults to axis 1 (the last axis of (N, C)).
  EXPECT_EQ(model.layers[10].axis, 1);
  // heNormal, as TF.js serialises it.
  expectVarianceScaling(model.layers[0].kernelInitializer, 2.0,
                        Initializer::Mode::FanIn,
                        Initializer::Distribution::TruncatedNormalUncorrected);
}

TEST(Tfjs, TinyModelInitializers) {
  ModelSpec model = parseFile(inputPath("tfjs/tiny/model.json"));
  EXPECT_EQ(model.inputShape, (Shape{8, 8, 1}));
  EXPECT_EQ(model.layers[2].kind, LayerKind::GlobalMaxPooling2D);
  const Layer &dense = model.layers[3];
  EXPECT_EQ(dense.kernelInitializer.kind, Initializer::Kind::RandomUniform);
  EXPECT_EQ(dense.kernelInitializer.minval, -0.1);
  EXPECT_EQ(dense.kernelInitializer.maxval, 0.1);
  EXPECT_EQ(dense.kernelInitializer.seed, 3);
  expectConstant(dense.biasInitializer, 1.0);
  // glorotUniform, as TF.js serialises it.
  expectGlorotUniform(model.layers[0].kernelInitializer);
}

TEST(Tfjs, ConverterModelJsonWithKerasTrainingConfig) {
  ModelSpec model = parseFile(inputPath("tfjs_converter_lesson.json"));
  expectLessonModel(model, kKerasLessonNames);
  // Written by Keras: glorot_uniform stays Keras's.
  expectKerasGlorotKernels(model);
  // tf.keras 2.11+ names its optimizers "Custom>Adam".
  expectAdam(model.training);
  EXPECT_EQ(model.training.loss, KerasLoss::SparseCategoricalCrossentropy);
  // [[{"class_name": "MeanMetricWrapper", "config": {"name": "accuracy"}}]]
  EXPECT_EQ(model.training.metrics, (std::vector<std::string>{"accuracy"}));
}

//===----------------------------------------------------------------------===//
// Leniency: what Keras writers vary in
//===----------------------------------------------------------------------===//

/// A model with an InputLayer on line 2 and one layer on line 3.
std::string withLayer(StringRef className, StringRef config) {
  return ("{\"class_name\": \"Sequential\", \"config\": {\"layers\": [\n"
          "{\"class_name\": \"InputLayer\", \"config\": "
          "{\"batch_input_shape\": [null, 28, 28, 1]}},\n"
          "{\"class_name\": \"" +
          className + "\", \"config\": " + config + "}\n]}}\n")
      .str();
}

TEST(Leniency, DefaultsFillWhatAWriterOmits) {
  ModelSpec model = parse(withLayer("Conv2D", R"({"filters": 8,
      "kernel_size": 3})"));
  ASSERT_EQ(model.layers.size(), 1u);
  const Layer &conv = model.layers[0];
  EXPECT_EQ(conv.kernelSize, (Pair{3, 3}));
  EXPECT_FALSE(conv.strides);
  EXPECT_EQ(conv.activation, Activation::Linear);
  expectGlorotUniform(conv.kernelInitializer);
  // A layer without a name gets Keras's auto-name.
  EXPECT_EQ(conv.name, "conv2d");
}

TEST(Leniency, VarianceScalingWithNullModeAndDistributionTakesTheDefaults) {
  // TF.js 0.8 wrote null for both (realworld/tfjs-layers083-zeropadding);
  // the weights come from the file, so the initializer must not refuse it.
  const Layer conv = parse(withLayer("Conv2D", R"({"filters": 2,
      "kernel_size": 3, "kernel_initializer": {"class_name":
      "VarianceScaling", "config": {"scale": 1, "mode": null,
      "distribution": null, "seed": null}}})"))
                         .layers[0];
  EXPECT_EQ(conv.kernelInitializer.mode, Initializer::Mode::FanIn);
  EXPECT_EQ(conv.kernelInitializer.distribution,
            Initializer::Distribution::TruncatedNormal);
}

TEST(Leniency, ActivationLayersAsEachWriterWritesThem) {
  // Keras 2 and TF.js write LeakyReLU's `alpha`, Keras 3 `negative_slope`.
  EXPECT_EQ(parse(withLayer("LeakyReLU", R"({"alpha": 0.2})")).layers[0].alpha,
            0.2);
  EXPECT_EQ(parse(withLayer("LeakyReLU", R"({"negative_slope": 0.1})"))
                .layers[0]
                .alpha,
            0.1);
  EXPECT_EQ(parse(withLayer("LeakyReLU", "{}")).layers[0].alpha, 0.3);
  EXPECT_EQ(parse(withLayer("ELU", "{}")).layers[0].alpha, 1.0);
  const Layer relu = parse(withLayer("ReLU", R"({"max_value": 6.0,
      "negative_slope": 0.1, "threshold": 0.5})"))
                         .layers[0];
  EXPECT_EQ(relu.maxValue, 6.0);
  EXPECT_EQ(relu.alpha, 0.1);
  EXPECT_EQ(relu.threshold, 0.5);
}

TEST(Leniency, HardSigmoidFollowsTheWritersKerasVersion) {
  auto activation = [](StringRef version) {
    std::string text =
        withLayer("Activation", R"({"activation": "hard_sigmoid"})");
    text.insert(text.rfind('}'),
                (", \"keras_version\": \"" + version + "\"").str());
    return parse(text).layers[0].activation;
  };
  EXPECT_EQ(activation("2.15.0"), Activation::HardSigmoid);
  EXPECT_EQ(activation("tfjs-layers 4.22.0"), Activation::HardSigmoid);
  EXPECT_EQ(activation("3.3.3"), Activation::HardSigmoidKeras3);
}

TEST(Leniency, AliasesInitializerStringsAndNullActivation) {
  ModelSpec model = parse(withLayer("MaxPool2D", "{}"));
  EXPECT_EQ(model.layers[0].kind, LayerKind::MaxPooling2D);
  EXPECT_FALSE(model.layers[0].strides);

  model = parse(withLayer("Dense", R"({"units": 4, "activation": null,
      "kernel_initializer": "he_uniform", "bias_initializer": "ones"})"));
  EXPECT_EQ(model.layers[0].activation, Activation::Linear);
  expectVarianceScaling(model.layers[0].kernelInitializer, 2.0,
                        Initializer::Mode::FanIn,
                        Initializer::Distribution::Uniform);
  expectConstant(model.layers[0].biasInitializer, 1.0);

  // Keras reads VarianceScaling "normal" as its corrected truncated normal.
  model = parse(withLayer("Dense", R"({"units": 4, "kernel_initializer":
      {"class_name": "VarianceScaling", "config": {"scale": 2.0,
       "mode": "fan_out", "distribution": "normal", "seed": 5}}})"));
  const Initializer &init = model.layers[0].kernelInitializer;
  EXPECT_EQ(init.distribution, Initializer::Distribution::TruncatedNormal);
  EXPECT_EQ(init.mode, Initializer::Mode::FanOut);
  EXPECT_EQ(init.seed, 5);
}

TEST(Leniency, OldKerasAndTfjsBareLayerListConfig) {
  ModelSpec model = parse(R"({"class_name": "Sequential", "config": [
    {"class_name": "Flatten", "config": {"name": "flatten_1",
     "batch_input_shape": [null, 4, 4, 1]}},
    {"class_name": "Dense", "config": {"name": "dense_1", "units": 2}}]})");
  EXPECT_EQ(model.name, "sequential");
  EXPECT_EQ(model.inputShape, (Shape{4, 4, 1}));
  EXPECT_EQ(namesOf(model), (std::vector<std::string>{"flatten_1", "dense_1"}));
}

TEST(Leniency, IntegralFloatsAndAByteOrderMark) {
  // Python writes 3.0 for a float that holds an integer.
  ModelSpec model =
      parse("\xef\xbb\xbf" + withLayer("Dense", R"({"units": 4.0})"));
  EXPECT_EQ(model.layers[0].units, 4);
}

TEST(Leniency, NoInputShapeIsLeftToTheGenerator) {
  ModelSpec model = parse(R"({"class_name": "Sequential", "config":
    {"layers": [{"class_name": "Flatten", "config": {}}]}})");
  EXPECT_TRUE(model.inputShape.empty());
  EXPECT_EQ(at(model.inputLoc), at(model.loc));
}

//===----------------------------------------------------------------------===//
// Errors: one line, `file:line:col: error: message`, at the offending value
//===----------------------------------------------------------------------===//

TEST(Errors, NotJsonAtAll) {
  EXPECT_EQ(errorOf(""), "model.json:1:1: error: not a JSON file: the file is "
                         "empty");
  EXPECT_EQ(errorOf("\n  \n"), "model.json:1:1: error: not a JSON file: the "
                               "file is empty");
  EXPECT_EQ(errorOf("import keras\n"),
            "model.json:1:1: error: not a JSON file: expected '{', found 'i'");
  EXPECT_EQ(errorOf("\nfrom keras import layers\n"),
            "model.json:2:1: error: not a JSON file: expected '{', found 'f'");
  EXPECT_EQ(errorOf("\x89HDF\r\n\x1a\n", "m.json"),
            "m.json:1:1: error: not a JSON file: it is an HDF5 file");
  EXPECT_EQ(errorOf(std::string("\0\1", 2)),
            "model.json:1:1: error: not a JSON file: expected '{', found byte "
            "0x00");
}

TEST(Errors, SyntaxErrorsPointAtTheOffendingByte) {
  EXPECT_EQ(errorOf("{\n  \"a\": 1,\n  \"b\" 2}"),
            "model.json:3:7: error: invalid JSON: expected : after object key");
  EXPECT_EQ(errorOf("{\"a\": [1, 2}\n"),
            "model.json:1:12: error: invalid JSON: expected , or ] after array "
            "element");
  EXPECT_EQ(errorOf("{\"a\": 1} x"),
            "model.json:1:10: error: invalid JSON: text after end of document");
  EXPECT_EQ(errorOf("{\"a\": "),
            "model.json:1:7: error: invalid JSON: unexpected EOF");
  EXPECT_EQ(errorOf("{\"a\": \"\xff\"}"),
            "model.json:1:8: error: invalid JSON: invalid UTF-8 sequence");
}

TEST(Errors, DeepNestingIsRefusedBeforeTheRecursiveParser) {
  std::string deep(1000000, '[');
  EXPECT_EQ(errorOf(deep),
            "model.json:1:101: error: JSON nested more than 100 levels deep");
  std::string ok = std::string(100, '[') + std::string(100, ']');
  EXPECT_EQ(errorOf(ok), "model.json:1:1: error: expected a JSON object "
                         "holding a Keras model, found an array");
}

TEST(Errors, FilesTooCostlyToParseAreRefusedBeforeParsing) {
  // Each object costs llvm::json kilobytes: 50,000 is thousands of layers.
  std::string objects = "[";
  for (int i = 0; i < 50001; ++i)
    objects += "{},";
  EXPECT_EQ(errorOf(objects + "{}]"),
            "model.json:1:150002: error: more than 50000 JSON objects, too "
            "many for a model description");
  std::string huge(16 * 1024 * 1024 + 1, ' ');
  EXPECT_EQ(errorOf(huge), "model.json:1:1: error: the file is too large for a "
                           "model description (16777217 bytes; the limit is "
                           "16777216)");
}

TEST(Errors, NotASequentialModel) {
  EXPECT_EQ(errorOf("[]"), "model.json:1:1: error: expected a JSON object "
                           "holding a Keras model, found an array");
  EXPECT_EQ(errorOf("{}"), "model.json:1:1: error: not a Keras model: "
                           "expected 'class_name' (Keras to_json) or "
                           "'modelTopology' (TF.js model.json)");
  EXPECT_EQ(errorOf("42"), "model.json:1:1: error: expected a JSON object "
                           "holding a Keras model, found 42");
  // Functional models are read (KerasFunctional.cpp); these lack their
  // layers.
  EXPECT_EQ(errorOf(R"({"class_name": "Functional", "config": {}})"),
            "model.json:1:40: error: missing 'layers'");
  EXPECT_EQ(errorOf(R"({"module": "keras", "class_name": "Model"})"),
            "model.json:1:1: error: missing 'config'");
  EXPECT_EQ(errorOf(R"({"class_name": "Subclassed", "config": {}})"),
            "model.json:1:16: error: unsupported model class \"Subclassed\" "
            "(cnnc reads Sequential and Functional models)");
  EXPECT_EQ(
      errorOf(R"({"class_name": "Sequential", "config": {"layers": []}})"),
      "model.json:1:51: error: the model has no layers");
  EXPECT_EQ(errorOf(R"({"class_name": "Sequential"})"),
            "model.json:1:1: error: missing 'config'");
}

TEST(Errors, UnknownLayerClassAtItsClassName) {
  EXPECT_EQ(errorOf(withLayer("UnitNormalization", "{}")),
            "model.json:3:16: error: unsupported layer class "
            "\"UnitNormalization\"");
}

TEST(Errors, UnsupportedLayerSettings) {
  EXPECT_EQ(errorOf(withLayer("Conv2D", R"({"name": "c", "filters": 1,
"kernel_size": 3, "data_format": "channels_first"})")),
            "model.json:4:34: error: Conv2D 'c': unsupported data_format "
            "\"channels_first\" (cnnc is channels_last only)");
  EXPECT_EQ(errorOf(withLayer("Conv2D", R"({"name": "c", "filters": 2,
"kernel_size": 3, "groups": 2})")),
            "model.json:4:29: error: Conv2D 'c': grouped convolution is not "
            "supported ('groups' must be 1, found 2)");
  EXPECT_EQ(errorOf(withLayer("Dense", R"({"name": "d", "units": 2,
"bias_constraint": {"class_name": "NonNeg", "config": {}}})")),
            "model.json:4:20: error: Dense 'd': 'bias_constraint' is not "
            "supported (cnnc needs null here)");
  EXPECT_EQ(errorOf(withLayer("Dropout", R"({"name": "x", "rate": 0.5,
"noise_shape": [null, 1, 1, 1]})")),
            "model.json:4:16: error: Dropout 'x': 'noise_shape' is not "
            "supported (cnnc needs null here)");
  EXPECT_EQ(errorOf(withLayer("ReLU", R"({"name": "r", "threshold": -0.5})")),
            "model.json:3:61: error: ReLU 'r': 'threshold' must be >= 0, found "
            "-0.5");
  EXPECT_EQ(errorOf(withLayer("Activation", R"({"name": "a",
"activation": "hard_silu"})")),
            "model.json:4:15: error: Activation 'a': unsupported activation "
            "\"hard_silu\" (cnnc has linear, relu, softmax, sigmoid, tanh, "
            "elu, selu, softplus, softsign, swish, silu, gelu, gelu_new, "
            "hard_sigmoid, relu6, mish, exponential)");
  EXPECT_EQ(
      errorOf(withLayer("Flatten", R"({"name": "f", "dtype": "float16"})")),
      "model.json:3:60: error: Flatten 'f': unsupported dtype "
      "\"float16\" (cnnc computes in float32)");
  EXPECT_EQ(errorOf(withLayer("Dense", R"({"name": "d", "units": 2,
"kernel_initializer": {"class_name": "Identity", "config": {}}})")),
            "model.json:4:38: error: Dense 'd': unsupported initializer "
            "\"Identity\" for 'kernel_initializer'");
}

TEST(Errors, ValuesThatCannotWork) {
  EXPECT_EQ(
      errorOf(withLayer("Conv2D", R"({"filters": -1, "kernel_size": 3})")),
      "model.json:3:48: error: Conv2D: 'filters' must be positive, "
      "found -1");
  EXPECT_EQ(errorOf(withLayer("Dense", R"({"name": "d", "units": 0})")),
            "model.json:3:58: error: Dense 'd': 'units' must be positive, "
            "found 0");
  EXPECT_EQ(errorOf(withLayer("MaxPooling2D", R"({"name": "p",
"strides": [2, -2]})")),
            "model.json:4:16: error: MaxPooling2D 'p': 'strides' must be "
            "positive, found -2");
  EXPECT_EQ(errorOf(withLayer("Conv2D", R"({"name": "c", "filters": 1,
"kernel_size": [9223372036854775807, 1]})")),
            "model.json:4:17: error: Conv2D 'c': 'kernel_size' is too large, "
            "found 9223372036854775807 (the limit is 2147483647)");
  EXPECT_EQ(errorOf(withLayer("Conv2D", R"({"name": "c", "filters": 1,
"kernel_size": [1, 1, 1]})")),
            "model.json:4:16: error: Conv2D 'c': expected 2 integers for "
            "'kernel_size', found 3");
  EXPECT_EQ(errorOf(withLayer("Dropout", R"({"name": "x", "rate": -0.1})")),
            "model.json:3:59: error: Dropout 'x': 'rate' must be in [0, 1), "
            "found -0.1");
  EXPECT_EQ(errorOf(withLayer("Conv2D", R"({"name": "c", "filters": 1,
"kernel_size": 3, "strides": 2, "dilation_rate": [1, 2]})")),
            "model.json:4:30: error: Conv2D 'c': 'strides' > 1 together with "
            "'dilation_rate' > 1 is not supported");
}

TEST(Errors, WrongJsonTypesSayWhatTheyFound) {
  EXPECT_EQ(errorOf(withLayer("Dense", R"({"name": "d", "units": "10"})")),
            "model.json:3:58: error: Dense 'd': expected an integer for "
            "'units', found \"10\"");
  EXPECT_EQ(errorOf(withLayer("Dense", R"({"name": "d", "units": 3.5})")),
            "model.json:3:58: error: Dense 'd': expected an integer for "
            "'units', found 3.5");
  EXPECT_EQ(errorOf(withLayer("Dense", R"({"name": "d", "units": 1e400})")),
            "model.json:3:58: error: Dense 'd': expected an integer for "
            "'units', found 1e400");
  EXPECT_EQ(errorOf(withLayer("Dense", R"({"name": "d", "units": 1e30})")),
            "model.json:3:58: error: Dense 'd': 'units' is too large, found "
            "1e30");
  EXPECT_EQ(errorOf(withLayer("Dense", R"({"name": "d", "units": [10]})")),
            "model.json:3:58: error: Dense 'd': expected an integer for "
            "'units', found an array");
  EXPECT_EQ(errorOf(withLayer("Dropout", R"({"name": "x", "rate": null})")),
            "model.json:3:59: error: Dropout 'x': expected a finite number "
            "for 'rate', found null");
  EXPECT_EQ(errorOf(withLayer("Dense", R"({"name": "d", "units": 1,
"use_bias": 1})")),
            "model.json:4:13: error: Dense 'd': expected true or false for "
            "'use_bias', found 1");
  EXPECT_EQ(errorOf(withLayer("Dense", "[]")),
            "model.json:3:35: error: expected an object for 'config', found "
            "an array");
  EXPECT_EQ(errorOf(withLayer("Dense", R"({"name": 7})")),
            "model.json:3:44: error: expected a string for 'name', found 7");
}

TEST(Errors, MissingRequiredFieldsPointAtTheConfig) {
  EXPECT_EQ(errorOf(withLayer("Dense", R"({"name": "d"})")),
            "model.json:3:35: error: Dense 'd': missing 'units'");
}

TEST(Errors, InputShapes) {
  auto model = [](StringRef shape) {
    return ("{\"class_name\": \"Sequential\", \"config\": {\"layers\": [\n"
            "{\"class_name\": \"InputLayer\", \"config\": "
            "{\"batch_input_shape\": " +
            shape + "}},\n{\"class_name\": \"Flatten\"}]}}")
        .str();
  };
  EXPECT_EQ(errorOf(model("[null, 28, null, 1]")),
            "model.json:2:73: error: InputLayer: input dimension 2 is unknown "
            "(null); cnnc needs a fixed input shape");
  EXPECT_EQ(errorOf(model("[null, 0, 28, 1]")),
            "model.json:2:69: error: InputLayer: input dimension 1 must be "
            "positive, found 0");
  EXPECT_EQ(errorOf(model("[null]")),
            "model.json:2:62: error: InputLayer: the input shape has no "
            "dimensions besides the batch");
  EXPECT_EQ(errorOf(model("\"28x28\"")),
            "model.json:2:62: error: InputLayer: expected a list of "
            "dimensions for the input shape, found \"28x28\"");
}

TEST(Errors, ModelStructure) {
  // An InputLayer after a layer, two names alike.
  EXPECT_EQ(errorOf(R"({"class_name": "Sequential", "config": {"layers": [
{"class_name": "Flatten", "config": {"name": "f"}},
{"class_name": "InputLayer", "config": {"batch_input_shape": [null, 1]}}]}})"),
            "model.json:3:16: error: an InputLayer must come before every "
            "other layer");
  EXPECT_EQ(errorOf(R"({"class_name": "Sequential", "config": {"layers": [
{"class_name": "Flatten", "config": {"name": "f"}},
{"class_name": "Flatten", "config": {"name": "f"}}]}})"),
            "model.json:3:46: error: duplicate layer name \"f\"");
  EXPECT_EQ(errorOf(R"({"format": "graph-model", "modelTopology": {}})"),
            "model.json:1:12: error: unsupported TF.js format "
            "\"graph-model\" (cnnc reads layers models, not graph models)");
}

/// A model with one Dense layer and `compile` as Keras 3's compile_config.
std::string withCompile(StringRef compile) {
  return ("{\"class_name\": \"Sequential\", \"config\": {\"layers\": [\n"
          "{\"class_name\": \"Dense\", \"config\": {\"units\": 1}}]},\n"
          "\"compile_config\": " +
          compile + "}\n")
      .str();
}

TEST(Training, OptimizerLossAndMetricSpellings) {
  ModelSpec model = parse(withCompile(R"({"optimizer": {"class_name": "SGD",
    "config": {"learning_rate": 0.1, "momentum": 0.9, "nesterov": true,
               "clipnorm": null, "name": "SGD"}},
    "loss": {"class_name": "CategoricalCrossentropy",
             "config": {"from_logits": true, "reduction": "auto"}},
    "metrics": [{"class_name": "SparseCategoricalAccuracy",
                 "config": {"name": "sparse_categorical_accuracy"}}]})"));
  const TrainingSpec &t = model.training;
  ASSERT_TRUE(t.optimizer);
  EXPECT_EQ(t.optimizer->kind, KerasOptimizer::SGD);
  EXPECT_EQ(t.optimizer->hyperParameters,
            (std::map<std::string, double>{
                {"learning_rate", 0.1}, {"momentum", 0.9}, {"nesterov", 1.0}}));
  EXPECT_EQ(t.loss, KerasLoss::CategoricalCrossentropy);
  EXPECT_TRUE(t.lossFromLogits);
  EXPECT_EQ(t.metrics,
            (std::vector<std::string>{"sparse_categorical_accuracy"}));

  // Keras 2 may give the loss and metrics per output (one, in a Sequential).
  model = parse(withCompile(R"({"optimizer": "RMSprop",
    "loss": ["mean_squared_error"], "metrics": {"dense": ["mae", "mse"]}})"));
  EXPECT_EQ(model.training.optimizer->kind, KerasOptimizer::RMSprop);
  EXPECT_EQ(model.training.loss, KerasLoss::MSE);
  EXPECT_EQ(model.training.metrics, (std::vector<std::string>{"mae", "mse"}));

  // Keras 2's legacy optimizers call the learning rate `lr`.
  model = parse(withCompile(R"({"optimizer": {"class_name": "RMSprop",
    "config": {"lr": 0.01, "rho": 0.8, "decay": 0.0, "epsilon": null}}})"));
  EXPECT_EQ(
      model.training.optimizer->hyperParameters,
      (std::map<std::string, double>{{"learning_rate", 0.01}, {"rho", 0.8}}));
}

TEST(Training, UnsupportedSettingsAreErrorsNotDropped) {
  EXPECT_EQ(errorOf(withCompile(R"({"optimizer": "adagrad"})")),
            "model.json:3:33: error: unsupported optimizer \"adagrad\" "
            "(cnnc has adam, sgd and rmsprop)");
  EXPECT_EQ(errorOf(withCompile(R"({"optimizer": {"class_name": "Adam",
"config": {"amsgrad": true}}})")),
            "model.json:4:23: error: optimizer 'adam': 'amsgrad' is not "
            "supported, found true");
  EXPECT_EQ(errorOf(withCompile(R"({"optimizer": {"class_name": "Adam",
"config": {"weight_decay": 0.004, "clipvalue": 1.0}}})")),
            "model.json:4:28: error: optimizer 'adam': 'weight_decay' is not "
            "supported, found 0.004");
  EXPECT_EQ(errorOf(withCompile(R"({"loss": "hinge"})")),
            "model.json:3:28: error: unsupported loss \"hinge\" (cnnc has "
            "sparse_categorical_crossentropy, categorical_crossentropy, "
            "binary_crossentropy and mse)");
  EXPECT_EQ(errorOf(withCompile(R"({"loss": {"class_name":
"CategoricalCrossentropy", "config": {"label_smoothing": 0.1}}})")),
            "model.json:4:58: error: loss 'categorical_crossentropy': label "
            "smoothing is not supported, found 0.1");
}

TEST(Training, StandaloneTrainingConfigText) {
  TrainingSpec training;
  ASSERT_FALSE(errorToBool(parseKerasTrainingConfig(
      R"({"loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"],
          "optimizer_config": {"class_name": "RMSProp", "config":
          {"learningRate": 0.001, "decay": 0.9, "momentum": 0,
           "epsilon": 1e-7, "centered": false}}})",
      "m.h5", /*isTfjs=*/true, training)));
  ASSERT_TRUE(training.optimizer);
  EXPECT_EQ(training.optimizer->kind, KerasOptimizer::RMSprop);
  // TF.js's RMSProp `decay` is Keras's rho; its momentum 0 is the plain
  // RMSprop cnnc implements, not a setting to keep.
  EXPECT_EQ(training.optimizer->hyperParameters,
            (std::map<std::string, double>{
                {"learning_rate", 0.001}, {"rho", 0.9}, {"epsilon", 1e-7}}));
}

//===----------------------------------------------------------------------===//
// Robustness: hostile input ends in an error, never a crash
//===----------------------------------------------------------------------===//

TEST(Robustness, EveryPrefixOfAModelIsAnErrorOrTheModel) {
  std::string text = readFile(sourcePath("examples/mnist_cnn.json"));
  for (size_t n = 0; n < text.size(); ++n) {
    llvm::Expected<ModelSpec> model = parseKerasJson(text.substr(0, n), "m");
    // Only the whole text (less its final newline) is a model.
    if (model)
      EXPECT_EQ(n, text.size() - 1);
    else
      llvm::consumeError(model.takeError());
  }
}

TEST(Robustness, EveryByteReplacedStillEndsWell) {
  std::string text = readFile(inputPath("tfjs/tiny.toJSON.json"));
  for (size_t i = 0; i < text.size(); ++i) {
    for (char c : {'\0', '"', '[', '}', '-', '9', '\\', '\xff'}) {
      std::string mutated = text;
      mutated[i] = c;
      llvm::Expected<ModelSpec> model = parseKerasJson(mutated, "m");
      if (!model)
        llvm::consumeError(model.takeError());
    }
  }
}

//===----------------------------------------------------------------------===//
// JsonLocator
//===----------------------------------------------------------------------===//

TEST(JsonLocator, FindsValuesByPath) {
  StringRef text = "{\n  \"a\": [1, {\"b\": \"x\"}],\n  \"c\": null\n}";
  JsonLocator locator(text);
  JsonPath root;
  EXPECT_EQ(locator.lineColumn(locator.offsetOf(root)), std::make_pair(1u, 1u));
  EXPECT_EQ(
      locator.lineColumn(locator.offsetOf(root.key("a").index(1).key("b"))),
      std::make_pair(2u, 18u));
  EXPECT_EQ(locator.lineColumn(locator.offsetOf(root.key("c"))),
            std::make_pair(3u, 8u));
  EXPECT_EQ(locator.tokenAt(locator.offsetOf(root.key("c"))), "null");
  // A path that leads nowhere stops at the deepest value that exists.
  EXPECT_FALSE(locator.contains(root.key("a").index(7)));
  EXPECT_EQ(locator.lineColumn(locator.offsetOf(root.key("a").index(7))),
            std::make_pair(2u, 8u));
  EXPECT_EQ(root.key("a").index(1).key("b").str(), "a[1].b");
}

TEST(JsonLocator, EscapedAndDuplicateKeysMatchLlvmJson) {
  // llvm::json decodes keys and keeps the last of duplicates.
  StringRef text = R"({"k\u0065y": 1, "key": 2, "t\"q": 3})";
  JsonLocator locator(text);
  EXPECT_EQ(locator.tokenAt(locator.offsetOf(JsonPath().key("key"))), "2");
  EXPECT_EQ(locator.tokenAt(locator.offsetOf(JsonPath().key("t\"q"))), "3");
  EXPECT_EQ(decodeJsonString(R"(\ud83d\ude00 \u00e9 \ud800)"),
            "\xf0\x9f\x98\x80 \xc3\xa9 \xef\xbf\xbd");
}

TEST(JsonLocator, SurvivesMalformedText) {
  for (StringRef text : {"", "{", "[1,", "{\"a\"", "{\"a\":", "\"abc",
                         "{\"a\": [1, 2}", "]]]]", "{{{{"}) {
    JsonLocator locator(text);
    (void)locator.offsetOf(JsonPath().key("a").index(3));
  }
  // Brackets in strings do not count.
  auto excess = JsonLocator::findExcess("[\"[[{{\", [[1]]]", 2, 10);
  ASSERT_TRUE(excess);
  EXPECT_EQ(excess->kind, JsonLocator::Excess::Depth);
  EXPECT_EQ(excess->offset, 10u);
  EXPECT_FALSE(JsonLocator::findExcess("[\"[[{{\", [1]]", 2, 10));
  excess = JsonLocator::findExcess("[{}, {\"{\": {}}]", 5, 2);
  ASSERT_TRUE(excess);
  EXPECT_EQ(excess->kind, JsonLocator::Excess::Objects);
  EXPECT_EQ(excess->offset, 11u);
}

} // namespace
