//===- KerasPythonTest.cpp - The Keras-Python frontend --------------------===//
//
// What parseKerasPython reads from a training script as people write it
// (docs/keras-semantics.md §2-§5): the lesson's model and every example, each
// import style, constants, Keras 2's positional signatures and defaults,
// layer names, compile() and fit(); and what it refuses, with the exact
// `file:line:col: error: message` text. The last part feeds it hostile
// input that must give an error, never a crash.
//
//===----------------------------------------------------------------------===//

#include "frontends/keras-python/KerasPython.h"

#include "frontends/common/LocatedError.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

using namespace cnnc;
using llvm::StringRef;
using Pair = std::array<int64_t, 2>;
using Shape = std::vector<int64_t>;

namespace {

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

std::string readExample(StringRef name) {
  std::string path = (StringRef(CNNC_SOURCE_DIR) + "/examples/" + name).str();
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer) {
    ADD_FAILURE() << "cannot read " << path;
    return "";
  }
  return (*buffer)->getBuffer().str();
}

/// Parses `source` as "model.py"; a failure is reported with its message.
ModelSpec parse(StringRef source) {
  auto model = parseKerasPython(source, "model.py");
  if (!model) {
    ADD_FAILURE() << llvm::toString(model.takeError());
    return ModelSpec();
  }
  return std::move(*model);
}

/// The error text parseKerasPython gives for `source` ("" if none).
std::string errorOf(StringRef source) {
  auto model = parseKerasPython(source, "model.py");
  if (model) {
    ADD_FAILURE() << "expected an error";
    return "";
  }
  return llvm::toString(model.takeError());
}

/// A script around one layer line, so each test shows only what it is about.
std::string withLayer(StringRef layerLine) {
  return ("from tensorflow import keras\n"
          "from tensorflow.keras import layers\n"
          "model = keras.Sequential()\n" +
          layerLine + "\n")
      .str();
}

/// The model's only (or first) layer, from withLayer().
Layer firstLayer(StringRef layerLine) {
  ModelSpec model = parse(withLayer(layerLine));
  if (model.layers.empty()) {
    ADD_FAILURE() << "no layer";
    return Layer();
  }
  return model.layers.front();
}

/// A compiled one-layer model with `lines` appended.
TrainingSpec trainingOf(StringRef lines) {
  std::string source = "import tensorflow as tf\n"
                       "from tensorflow import keras\n"
                       "model = keras.Sequential([keras.layers.Dense(10)])\n" +
                       lines.str() + "\n";
  return parse(source).training;
}

std::string at(const SourceLoc &loc) {
  return std::to_string(loc.line) + ":" + std::to_string(loc.column);
}

//===----------------------------------------------------------------------===//
// The lesson's model and the examples
//===----------------------------------------------------------------------===//

TEST(KerasPythonExamples, LessonModelFieldByField) {
  ModelSpec model = parse(readExample("mnist_cnn.py"));
  EXPECT_EQ(model.name, "sequential");
  EXPECT_EQ(at(model.loc), "14:9"); // model = Sequential()
  EXPECT_EQ(model.inputShape, (Shape{28, 28, 1}));
  EXPECT_EQ(at(model.inputLoc), "16:87"); // input_shape=(28,28,1)
  ASSERT_EQ(model.layers.size(), 7u);

  const Layer &conv = model.layers[0];
  EXPECT_EQ(conv.kind, LayerKind::Conv2D);
  EXPECT_EQ(conv.name, "conv2d");
  EXPECT_EQ(at(conv.loc), "16:11");
  EXPECT_EQ(conv.filters, 32);
  EXPECT_EQ(conv.kernelSize, (Pair{3, 3}));
  EXPECT_EQ(conv.strides, (Pair{1, 1}));
  EXPECT_EQ(conv.dilation, (Pair{1, 1}));
  EXPECT_EQ(conv.padding, Padding::Valid);
  EXPECT_EQ(conv.activation, Activation::ReLU);
  EXPECT_TRUE(conv.useBias);
  EXPECT_EQ(conv.kernelInitializer.kind, Initializer::Kind::VarianceScaling);
  EXPECT_EQ(conv.kernelInitializer.mode, Initializer::Mode::FanAvg);
  EXPECT_EQ(conv.kernelInitializer.distribution,
            Initializer::Distribution::Uniform);
  EXPECT_EQ(conv.kernelInitializer.scale, 1.0);
  EXPECT_EQ(conv.biasInitializer.kind, Initializer::Kind::Constant);
  EXPECT_EQ(conv.biasInitializer.value, 0.0);

  const Layer &pool = model.layers[1];
  EXPECT_EQ(pool.kind, LayerKind::MaxPooling2D);
  EXPECT_EQ(pool.name, "max_pooling2d");
  EXPECT_EQ(pool.poolSize, (Pair{2, 2}));
  EXPECT_EQ(pool.strides, (Pair{2, 2})); // strides=2
  EXPECT_EQ(pool.padding, Padding::Valid);

  EXPECT_EQ(model.layers[2].name, "conv2d_1");
  EXPECT_EQ(model.layers[2].filters, 32);
  EXPECT_EQ(model.layers[3].name, "max_pooling2d_1");
  EXPECT_EQ(model.layers[4].kind, LayerKind::Flatten);
  EXPECT_EQ(model.layers[4].name, "flatten");
  EXPECT_EQ(model.layers[5].kind, LayerKind::Dense);
  EXPECT_EQ(model.layers[5].name, "dense");
  EXPECT_EQ(model.layers[5].units, 128);
  EXPECT_EQ(model.layers[5].activation, Activation::ReLU);
  EXPECT_EQ(model.layers[6].name, "dense_1");
  EXPECT_EQ(model.layers[6].units, 10);
  EXPECT_EQ(model.layers[6].activation, Activation::Softmax);
  EXPECT_EQ(at(model.layers[6].loc), "25:11");

  const TrainingSpec &training = model.training;
  ASSERT_TRUE(training.optimizer);
  EXPECT_EQ(training.optimizer->kind, KerasOptimizer::Adam);
  EXPECT_TRUE(training.optimizer->hyperParameters.empty());
  EXPECT_EQ(at(training.optimizer->loc), "29:25");
  EXPECT_EQ(training.loss, KerasLoss::SparseCategoricalCrossentropy);
  EXPECT_FALSE(training.lossFromLogits);
  EXPECT_EQ(training.metrics, std::vector<std::string>{"accuracy"});
  EXPECT_EQ(training.epochs, 5);
  EXPECT_EQ(training.batchSize, 32);
  EXPECT_FALSE(training.validationSplit); // the lesson trains on all 60,000
  EXPECT_FALSE(training.shuffle);
}

TEST(KerasPythonExamples, KerasIoConvnet) {
  ModelSpec model = parse(readExample("keras_io_convnet.py"));
  EXPECT_EQ(model.inputShape,
            (Shape{28, 28, 1})); // keras.Input(shape=input_shape)
  EXPECT_EQ(at(model.inputLoc), "27:27");
  ASSERT_EQ(model.layers.size(), 7u);
  EXPECT_EQ(model.layers[0].filters, 32);
  EXPECT_EQ(model.layers[2].filters, 64);
  EXPECT_EQ(model.layers[5].kind, LayerKind::Dropout);
  EXPECT_EQ(model.layers[5].name, "dropout");
  EXPECT_EQ(model.layers[5].rate, 0.5);
  EXPECT_EQ(model.layers[6].units, 10); // Dense(num_classes)
  EXPECT_EQ(model.training.optimizer->kind, KerasOptimizer::Adam);
  EXPECT_EQ(model.training.loss, KerasLoss::CategoricalCrossentropy);
  EXPECT_EQ(model.training.batchSize, 128);
  EXPECT_EQ(model.training.epochs, 15);
  EXPECT_EQ(model.training.validationSplit, 0.1);
}

TEST(KerasPythonExamples, AveragePooling) {
  ModelSpec model = parse(readExample("average_pooling.py"));
  ASSERT_EQ(model.layers.size(), 7u);
  EXPECT_EQ(model.layers[1].kind, LayerKind::AveragePooling2D);
  EXPECT_EQ(model.layers[1].poolSize, (Pair{2, 2}));
  EXPECT_FALSE(model.layers[1].strides); // None: = pool_size
  EXPECT_EQ(model.layers[3].kind, LayerKind::AveragePooling2D); // AvgPool2D
  EXPECT_EQ(model.layers[3].name, "average_pooling2d_1");
  EXPECT_EQ(model.layers[3].padding, Padding::Same);
  EXPECT_EQ(model.layers[3].strides, (Pair{2, 2}));
  EXPECT_EQ(model.training.optimizer->kind, KerasOptimizer::RMSprop);
  EXPECT_FALSE(model.training.epochs);
}

TEST(KerasPythonExamples, GlobalPooling) {
  ModelSpec model = parse(readExample("global_pooling.py"));
  ASSERT_EQ(model.layers.size(), 5u);
  EXPECT_EQ(model.layers[0].kernelSize, (Pair{3, 3})); // Conv2D(32, 3)
  EXPECT_EQ(model.layers[1].poolSize, (Pair{2, 2}));   // MaxPooling2D()
  EXPECT_EQ(model.layers[3].kind, LayerKind::GlobalAveragePooling2D);
  EXPECT_FALSE(model.layers[3].keepDims);
  ASSERT_TRUE(model.training.optimizer);
  EXPECT_EQ(model.training.optimizer->kind, KerasOptimizer::Adam);
  EXPECT_EQ(model.training.optimizer->hyperParameters.at("learning_rate"),
            1e-3);
  EXPECT_EQ(at(model.training.optimizer->loc), "13:25");
  EXPECT_EQ(model.training.loss, KerasLoss::SparseCategoricalCrossentropy);
}

TEST(KerasPythonExamples, MinPooling) {
  ModelSpec model = parse(readExample("min_pooling.py"));
  EXPECT_EQ(model.name, "min_pooling");
  ASSERT_EQ(model.layers.size(), 6u);
  EXPECT_EQ(model.layers[1].kind, LayerKind::MinPooling2D);
  EXPECT_EQ(model.layers[1].name, "min_pooling2d");
  EXPECT_EQ(model.layers[3].poolSize, (Pair{2, 2})); // MinPooling2D(2)
  EXPECT_TRUE(model.training.empty());
}

TEST(KerasPythonExamples, SamePaddingStrides) {
  ModelSpec model = parse(readExample("same_padding_strides.py"));
  EXPECT_EQ(model.name, "same_padding");
  EXPECT_EQ(model.inputShape, (Shape{28, 28, 1})); // InputLayer(input_shape=)
  ASSERT_EQ(model.layers.size(), 6u);
  EXPECT_EQ(model.layers[0].strides, (Pair{2, 2}));
  EXPECT_EQ(model.layers[0].padding, Padding::Same);
  EXPECT_EQ(model.layers[1].kernelSize, (Pair{5, 5}));
  EXPECT_EQ(model.layers[1].activation, Activation::Linear);
  EXPECT_EQ(model.layers[2].kind, LayerKind::MaxPooling2D); // MaxPool2D
  EXPECT_EQ(model.layers[2].poolSize, (Pair{3, 3}));
  EXPECT_EQ(model.layers[3].dilation, (Pair{2, 2}));
  const OptimizerSpec &sgd = *model.training.optimizer;
  EXPECT_EQ(sgd.kind, KerasOptimizer::SGD);
  EXPECT_EQ(sgd.hyperParameters.at("learning_rate"), 0.01);
  EXPECT_EQ(sgd.hyperParameters.at("momentum"), 0.9);
  EXPECT_EQ(sgd.hyperParameters.count("nesterov"), 0u);
}

TEST(KerasPythonExamples, SeparateActivations) {
  ModelSpec model = parse(readExample("separate_activations.py"));
  ASSERT_EQ(model.layers.size(), 11u);
  std::vector<std::string> names;
  for (const Layer &layer : model.layers)
    names.push_back(layer.name);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "stem", "re_lu", "max_pooling2d", "conv2d", "activation",
                       "max_pooling2d_1", "flatten", "dense", "activation_1",
                       "dense_1", "softmax"}));
  EXPECT_EQ(model.layers[4].activation, Activation::ReLU);
  EXPECT_EQ(model.layers[8].activation, Activation::Tanh); // activation='tanh'
  EXPECT_EQ(model.layers[10].axis, -1);
}

//===----------------------------------------------------------------------===//
// Import styles (docs/keras-semantics.md §5)
//===----------------------------------------------------------------------===//

struct ImportStyle {
  const char *prelude;
  const char *sequential;
  const char *layerPrefix;
};

class KerasPythonImports : public testing::TestWithParam<ImportStyle> {};

TEST_P(KerasPythonImports, ResolveToTheSameModel) {
  const ImportStyle &style = GetParam();
  std::string p = style.layerPrefix;
  std::string source = std::string(style.prelude) +
                       "\nmodel = " + style.sequential + "()\nmodel.add(" + p +
                       "Conv2D(8, 3, input_shape=(28, 28, 1)))\nmodel.add(" +
                       p + "MaxPooling2D())\nmodel.add(" + p +
                       "Flatten())\nmodel.add(" + p +
                       "Dense(10, activation='softmax'))\n";
  ModelSpec model = parse(source);
  ASSERT_EQ(model.layers.size(), 4u) << source;
  EXPECT_EQ(model.layers[0].kind, LayerKind::Conv2D);
  EXPECT_EQ(model.layers[1].kind, LayerKind::MaxPooling2D);
  EXPECT_EQ(model.layers[2].kind, LayerKind::Flatten);
  EXPECT_EQ(model.layers[3].activation, Activation::Softmax);
  EXPECT_EQ(model.inputShape, (Shape{28, 28, 1}));
}

INSTANTIATE_TEST_SUITE_P(
    AllStyles, KerasPythonImports,
    testing::Values(
        ImportStyle{
            "from keras import Sequential\nfrom keras.layers import Conv2D, "
            "MaxPooling2D, Flatten, Dense",
            "Sequential", ""},
        ImportStyle{
            "from keras.models import Sequential\nfrom keras.layers import *",
            "Sequential", ""},
        ImportStyle{"from keras.models import *\nfrom keras.layers import *",
                    "Sequential", ""},
        ImportStyle{"from tensorflow import keras", "keras.Sequential",
                    "keras.layers."},
        ImportStyle{"import keras\nfrom keras import layers",
                    "keras.Sequential", "layers."},
        ImportStyle{"import tensorflow as tf", "tf.keras.models.Sequential",
                    "tf.keras.layers."},
        ImportStyle{"import tensorflow as tf", "tf.keras.Sequential",
                    "tf.keras.layers."},
        ImportStyle{"from tensorflow.keras import layers, models",
                    "models.Sequential", "layers."},
        ImportStyle{"import keras", "keras.models.Sequential", "keras.layers."},
        ImportStyle{
            "from tensorflow.keras.models import Sequential\nfrom "
            "tensorflow.keras.layers import Conv2D, MaxPool2D as MaxPooling2D, "
            "Flatten, Dense",
            "Sequential", ""},
        ImportStyle{"import tensorflow.keras as K", "K.Sequential",
                    "K.layers."},
        ImportStyle{"import keras.layers as L\nfrom keras import models",
                    "models.Sequential", "L."},
        ImportStyle{"from keras.layers.core import Dense, Flatten\nfrom "
                    "keras.layers.convolutional import Conv2D\nfrom "
                    "keras.layers.pooling "
                    "import MaxPooling2D\nfrom keras.engine.sequential import "
                    "Sequential",
                    "Sequential", ""},
        ImportStyle{"import tf_keras as keras", "keras.Sequential",
                    "keras.layers."},
        ImportStyle{"from tensorflow.python.keras import layers\nfrom "
                    "tensorflow.python.keras.models import Sequential",
                    "Sequential", "layers."},
        ImportStyle{
            "try:\n    from tensorflow import keras\nexcept ImportError:\n    "
            "import keras",
            "keras.Sequential", "keras.layers."}));

TEST(KerasPythonImports, UnknownImportsAreSkipped) {
  ModelSpec model =
      parse("import numpy as np\n"
            "import matplotlib.pyplot as plt\n"
            "from sklearn.model_selection import train_test_split\n"
            "from numpy import *\n"
            "from . import utils\n"
            "from keras import Sequential, layers\n"
            "model = Sequential([layers.Dense(3, input_shape=(4,))])\n"
            "plt.plot(np.arange(10))\n");
  EXPECT_EQ(model.layers.size(), 1u);
  EXPECT_EQ(model.inputShape, (Shape{4}));
}

TEST(KerasPythonImports, OptimizerImportPaths) {
  for (StringRef line :
       {"model.compile(optimizer=tf.keras.optimizers.Adam(0.002))",
        "model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.002))",
        "from keras.optimizers import "
        "Adam\nmodel.compile(optimizer=Adam(0.002))",
        "from tensorflow.keras import optimizers\n"
        "model.compile(optimizer=optimizers.Adam(lr=0.002))",
        "model.compile(optimizer=tf.optimizers.Adam(0.002))",
        "model.compile(optimizer=tf.keras.optimizers.legacy.Adam(0.002))"}) {
    TrainingSpec training = trainingOf(line);
    ASSERT_TRUE(training.optimizer) << line.str();
    EXPECT_EQ(training.optimizer->kind, KerasOptimizer::Adam) << line.str();
    EXPECT_EQ(training.optimizer->hyperParameters.at("learning_rate"), 0.002)
        << line.str();
  }
}

//===----------------------------------------------------------------------===//
// Constants and ordinary Python around the model
//===----------------------------------------------------------------------===//

TEST(KerasPythonConstants, ModuleLevelConstants) {
  ModelSpec model = parse(R"py(
from keras import Sequential, layers
num_classes = 10
img_rows, img_cols = 28, 28
input_shape = (img_rows, img_cols, 1)
filters = 16
filters = filters * 2          # reassignment
hidden = 28 * 28 // 4 - -4     # 200
drop = 1 / 4
kernel = [3, 3]
model = Sequential(name=f"net" if False else "net")
model.add(layers.Conv2D(filters, tuple(kernel), input_shape=input_shape))
model.add(layers.Flatten())
model.add(layers.Dense(hidden))
model.add(layers.Dropout(drop))
model.add(layers.Dense(num_classes, activation=None))
)py");
  EXPECT_EQ(model.name, "net");
  EXPECT_EQ(model.inputShape, (Shape{28, 28, 1}));
  EXPECT_EQ(model.layers[0].filters, 32);
  EXPECT_EQ(model.layers[0].kernelSize, (Pair{3, 3}));
  EXPECT_EQ(model.layers[2].units, 200);
  EXPECT_EQ(model.layers[3].rate, 0.25);
  EXPECT_EQ(model.layers[4].units, 10);
  EXPECT_EQ(model.layers[4].activation, Activation::Linear);
}

TEST(KerasPythonConstants, KerasExamplesMnistCnn) {
  // keras-team/keras examples/mnist_cnn.py (Keras 2.x), abridged.
  ModelSpec model = parse(R"py(
from __future__ import print_function
import keras
from keras.datasets import mnist
from keras.models import Sequential
from keras.layers import Dense, Dropout, Flatten
from keras.layers import Conv2D, MaxPooling2D
from keras import backend as K

batch_size = 128
num_classes = 10
epochs = 12
img_rows, img_cols = 28, 28
(x_train, y_train), (x_test, y_test) = mnist.load_data()

if K.image_data_format() == 'channels_first':
    x_train = x_train.reshape(x_train.shape[0], 1, img_rows, img_cols)
    input_shape = (1, img_rows, img_cols)
else:
    x_train = x_train.reshape(x_train.shape[0], img_rows, img_cols, 1)
    input_shape = (img_rows, img_cols, 1)
print(x_train.shape[0], 'train samples')
y_train = keras.utils.to_categorical(y_train, num_classes)

model = Sequential()
model.add(Conv2D(32, kernel_size=(3, 3),
                 activation='relu',
                 input_shape=input_shape))
model.add(Conv2D(64, (3, 3), activation='relu'))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Dropout(0.25))
model.add(Flatten())
model.add(Dense(128, activation='relu'))
model.add(Dropout(0.5))
model.add(Dense(num_classes, activation='softmax'))

model.compile(loss=keras.losses.categorical_crossentropy,
              optimizer=keras.optimizers.Adadelta() if False else keras.optimizers.SGD(),
              metrics=['accuracy'])
model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs, verbose=1,
          validation_data=(x_test, y_test))
)py");
  EXPECT_EQ(model.inputShape, (Shape{28, 28, 1}));
  EXPECT_EQ(model.layers.size(), 8u);
  EXPECT_EQ(model.training.loss, KerasLoss::CategoricalCrossentropy);
  EXPECT_EQ(model.training.optimizer->kind, KerasOptimizer::SGD);
  EXPECT_EQ(model.training.epochs, 12);
  EXPECT_EQ(model.training.batchSize, 128);
}

TEST(KerasPythonConstants, ArbitraryPythonIsSkipped) {
  ModelSpec model = parse(R"py(
"""A docstring."""
import numpy as np
from tensorflow import keras
from keras.datasets import mnist

(x_train, y_train), (x_test, y_test) = mnist.load_data()
x_train = x_train.reshape(-1, 28, 28, 1).astype("float32") / 255
x_train, x_val = x_train[:-5000], x_train[-5000:]
print(f"{x_train.shape=}", x_train[0, :, ::2].mean())

class Callback(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        print(logs["loss"])

@staticmethod
def helper(a, /, b=2, *args, c, d=4, **kwargs) -> int:
    global counter
    return lambda x, *y, **z: (x, y, z)

with open("log.txt", "w") as f, open("b") as g:
    f.write("x")
try:
    import wandb
except (ImportError, ModuleNotFoundError) as e:
    wandb = None
else:
    pass
finally:
    pass
while False:
    break
squares = {i: i * i for i in range(3)}
odd = [i for i in range(10) if i % 2 if i > 2]
assert len(odd) == 3, "odd"
del squares
x = y = 1; x += 1; y **= 2
ann: int = 3

model = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])
model.summary()
model.fit(x_train, y_train, validation_data=(x_val, y_test), verbose=2,
          callbacks=[Callback()])
score = model.evaluate(x_test, y_test, verbose=0)
print("Test loss:", score[0])
if __name__ == "__main__":
    model.save("model.h5")
)py");
  EXPECT_EQ(model.layers.size(), 1u);
  EXPECT_FALSE(model.training.epochs);
}

TEST(KerasPythonConstants, LayersBuiltAheadAndInCollections) {
  ModelSpec model = parse(R"py(
import tensorflow as tf
L = tf.keras.layers
conv = L.Conv2D(8, 3, name="first")
stack = [conv, L.MaxPooling2D()]
stack.append(L.Flatten())
stack += [L.Dense(4)]
common = dict(activation="relu", padding="same")
model = tf.keras.Sequential()
model.add(tf.keras.Input(shape=(10, 10, 3)))
for layer in stack[:2]:
    model.add(layer)
model.add(L.Conv2D(4, 1, **common))
for layer in stack[2:]:
    model.add(layer)
)py");
  ASSERT_EQ(model.layers.size(), 5u);
  EXPECT_EQ(model.layers[0].name, "first");
  EXPECT_EQ(at(model.layers[0].loc), "4:8"); // where the layer was created
  EXPECT_EQ(model.layers[2].padding, Padding::Same);
  EXPECT_EQ(model.layers[2].activation, Activation::ReLU);
  EXPECT_EQ(model.layers[4].kind, LayerKind::Dense);
}

TEST(KerasPythonConstants, FunctionsLoopsAndMainGuard) {
  ModelSpec model = parse(R"py(
from tensorflow import keras
from tensorflow.keras import layers

def conv_block(model, filters, pool=True):
    model.add(layers.Conv2D(filters, 3, padding="same", activation="relu"))
    if pool:
        model.add(layers.MaxPooling2D())

def build_model(input_shape=(32, 32, 3), num_classes=10, widths=(16, 32)):
    model = keras.Sequential(name="cifar")
    model.add(keras.Input(shape=input_shape))
    for i, w in enumerate(widths):
        conv_block(model, w, pool=i < 1)
    model.add(layers.GlobalMaxPooling2D(keepdims=False))
    model.add(layers.Dense(num_classes, activation="softmax"))
    return model

def main():
    model = build_model(num_classes=5)
    model.compile("sgd", "sparse_categorical_crossentropy")

if __name__ == "__main__":
    main()
)py");
  EXPECT_EQ(model.name, "cifar");
  EXPECT_EQ(model.inputShape, (Shape{32, 32, 3}));
  ASSERT_EQ(model.layers.size(), 5u);
  EXPECT_EQ(model.layers[0].filters, 16);
  EXPECT_EQ(model.layers[1].kind, LayerKind::MaxPooling2D);
  EXPECT_EQ(model.layers[2].filters, 32);
  EXPECT_EQ(model.layers[3].kind, LayerKind::GlobalMaxPooling2D);
  EXPECT_EQ(model.layers[4].units, 5);
  EXPECT_EQ(model.training.optimizer->kind, KerasOptimizer::SGD);
}

TEST(KerasPythonConstants, ListComprehensionOfLayers) {
  ModelSpec model = parse(R"py(
import keras
model = keras.Sequential(
    [keras.layers.Dense(u, activation="relu") for u in (64, 32)]
    + [keras.layers.Dense(10)], name="mlp")
model.build((None, 784))
)py");
  ASSERT_EQ(model.layers.size(), 3u);
  EXPECT_EQ(model.layers[1].units, 32);
  EXPECT_EQ(model.inputShape, (Shape{784})); // from model.build, batch dropped
  EXPECT_EQ(at(model.inputLoc), "6:13");
}

TEST(KerasPythonConstants, PopRemovesTheLastLayer) {
  ModelSpec model = parse(withLayer("model.add(layers.Dense(3, input_dim=4))\n"
                                    "model.add(layers.Dense(9))\nmodel.pop()"));
  ASSERT_EQ(model.layers.size(), 1u);
  EXPECT_EQ(model.inputShape, (Shape{4})); // input_dim=
}

//===----------------------------------------------------------------------===//
// Input shapes
//===----------------------------------------------------------------------===//

TEST(KerasPythonInputs, EveryWayToGiveTheInputShape) {
  struct Case {
    const char *line;
    Shape shape;
  };
  for (const Case &c :
       {Case{"model.add(layers.Dense(2, input_shape=(5, 6)))", {5, 6}},
        Case{"model.add(layers.Dense(2, input_shape=[7]))", {7}},
        Case{"model.add(layers.Dense(2, batch_input_shape=(None, 8)))", {8}},
        Case{"model.add(layers.Dense(2, batch_input_shape=(32, 9)))", {9}},
        Case{"model.add(layers.InputLayer(input_shape=(3,)))\n"
             "model.add(layers.Dense(2))",
             {3}},
        Case{"model.add(layers.InputLayer((4, 4, "
             "1)))\nmodel.add(layers.Dense(2))",
             {4, 4, 1}},
        Case{"model.add(layers.InputLayer(shape=(2,)))\nmodel.add(layers.Dense("
             "2))",
             {2}},
        Case{"model.add(keras.Input((11,)))\nmodel.add(layers.Dense(2))", {11}},
        Case{"model.add(layers.Input(batch_shape=(None, 12)))\n"
             "model.add(layers.Dense(2))",
             {12}},
        Case{
            "model.add(keras.Input(shape=(5,)))\n"
            "model.add(layers.Dense(2, input_shape=(99,)))", // Keras ignores it
            {5}},
        Case{"model.add(layers.Dense(2))\nmodel.add(layers.Dense(2, "
             "input_shape=(99,)))",
             {}}}) {
    EXPECT_EQ(parse(withLayer(c.line)).inputShape, c.shape) << c.line;
  }
}

//===----------------------------------------------------------------------===//
// Keras 2 signatures: positional arguments and defaults
//===----------------------------------------------------------------------===//

TEST(KerasPythonSignatures, Conv2DDefaults) {
  Layer conv = firstLayer("model.add(layers.Conv2D(4, 5))");
  EXPECT_EQ(conv.filters, 4);
  EXPECT_EQ(conv.kernelSize, (Pair{5, 5}));
  EXPECT_EQ(conv.strides, (Pair{1, 1}));
  EXPECT_EQ(conv.padding, Padding::Valid);
  EXPECT_EQ(conv.dilation, (Pair{1, 1}));
  EXPECT_EQ(conv.activation, Activation::Linear);
  EXPECT_TRUE(conv.useBias);
  EXPECT_EQ(conv.kernelInitializer.kind, Initializer::Kind::VarianceScaling);
  EXPECT_EQ(conv.biasInitializer.kind, Initializer::Kind::Constant);
  EXPECT_EQ(conv.name, "conv2d");
}

TEST(KerasPythonSignatures, Conv2DPositionalOrder) {
  // filters, kernel_size, strides, padding, data_format, dilation_rate,
  // groups, activation, use_bias, kernel_initializer, bias_initializer
  Layer conv =
      firstLayer("model.add(layers.Conv2D(6, (3, 1), (1, 2), 'SAME', "
                 "'channels_last', 1, 1, 'tanh', False, 'he_normal', 'ones'))");
  EXPECT_EQ(conv.kernelSize, (Pair{3, 1}));
  EXPECT_EQ(conv.strides, (Pair{1, 2}));
  EXPECT_EQ(conv.padding, Padding::Same); // case-insensitive, as Keras
  EXPECT_EQ(conv.activation, Activation::Tanh);
  EXPECT_FALSE(conv.useBias);
  EXPECT_EQ(conv.kernelInitializer.scale, 2.0);
  EXPECT_EQ(conv.kernelInitializer.mode, Initializer::Mode::FanIn);
  EXPECT_EQ(conv.biasInitializer.value, 1.0);
}

TEST(KerasPythonSignatures, ConvolutionAliasAndDilation) {
  Layer conv = firstLayer(
      "model.add(layers.Convolution2D(filters=2, kernel_size=[2, 3], "
      "dilation_rate=(2, 1), use_bias=True))");
  EXPECT_EQ(conv.kind, LayerKind::Conv2D);
  EXPECT_EQ(conv.kernelSize, (Pair{2, 3}));
  EXPECT_EQ(conv.dilation, (Pair{2, 1}));
}

TEST(KerasPythonSignatures, PoolingDefaultsAndPositional) {
  Layer max = firstLayer("model.add(layers.MaxPooling2D())");
  EXPECT_EQ(max.poolSize, (Pair{2, 2}));
  EXPECT_FALSE(max.strides);
  EXPECT_EQ(max.padding, Padding::Valid);
  Layer avg = firstLayer("model.add(layers.AvgPool2D(3, 1, 'same'))");
  EXPECT_EQ(avg.kind, LayerKind::AveragePooling2D);
  EXPECT_EQ(avg.poolSize, (Pair{3, 3}));
  EXPECT_EQ(avg.strides, (Pair{1, 1}));
  EXPECT_EQ(avg.padding, Padding::Same);
  Layer min = firstLayer(
      "model.add(layers.MinPooling2D(pool_size=(2, 3), strides=None))");
  EXPECT_EQ(min.kind, LayerKind::MinPooling2D);
  EXPECT_EQ(min.poolSize, (Pair{2, 3}));
  EXPECT_FALSE(min.strides);
}

TEST(KerasPythonSignatures, GlobalPoolingAliases) {
  EXPECT_EQ(firstLayer("model.add(layers.GlobalMaxPool2D())").kind,
            LayerKind::GlobalMaxPooling2D);
  EXPECT_EQ(firstLayer("model.add(layers.GlobalAvgPool2D())").kind,
            LayerKind::GlobalAveragePooling2D);
  Layer min = firstLayer("model.add(layers.GlobalMinPooling2D(None, True))");
  EXPECT_EQ(min.kind, LayerKind::GlobalMinPooling2D);
  EXPECT_TRUE(min.keepDims);
  EXPECT_EQ(min.name, "global_min_pooling2d");
}

TEST(KerasPythonSignatures, DenseDropoutActivationSoftmaxReLU) {
  Layer dense = firstLayer("model.add(layers.Dense(7, 'sigmoid', False))");
  EXPECT_EQ(dense.units, 7);
  EXPECT_EQ(dense.activation, Activation::Sigmoid);
  EXPECT_FALSE(dense.useBias);
  EXPECT_EQ(firstLayer("model.add(layers.Dense(units=7.0))").units,
            7); // int(units)

  Layer dropout = firstLayer("model.add(layers.Dropout(0.25, None, 42))");
  EXPECT_EQ(dropout.rate, 0.25);
  EXPECT_EQ(dropout.seed, 42);
  EXPECT_EQ(firstLayer("model.add(layers.Dropout(rate=0))").rate, 0.0);

  EXPECT_EQ(firstLayer("model.add(layers.Activation('linear'))").activation,
            Activation::Linear);
  EXPECT_EQ(firstLayer("model.add(layers.Softmax(axis=1))").axis, 1);
  Layer relu = firstLayer("model.add(layers.ReLU(None, 0.0, 0))");
  EXPECT_EQ(relu.kind, LayerKind::ReLU);
  EXPECT_EQ(relu.name, "re_lu");
}

TEST(KerasPythonSignatures, CommonLayerKeywords) {
  Layer layer =
      firstLayer("model.add(layers.Flatten(name='flat', trainable=True, "
                 "dtype='float32', data_format=None))");
  EXPECT_EQ(layer.name, "flat");
  EXPECT_EQ(firstLayer("import tensorflow as tf\n"
                       "model.add(layers.Flatten(dtype=tf.float32))")
                .kind,
            LayerKind::Flatten);
}

//===----------------------------------------------------------------------===//
// Activations and initializers
//===----------------------------------------------------------------------===//

TEST(KerasPythonActivations, ByNameAndByReference) {
  struct Case {
    const char *expr;
    Activation activation;
  };
  for (const Case &c :
       {Case{"'relu'", Activation::ReLU}, Case{"None", Activation::Linear},
        Case{"tf.nn.relu", Activation::ReLU},
        Case{"keras.activations.softmax", Activation::Softmax},
        Case{"tf.keras.activations.sigmoid", Activation::Sigmoid},
        Case{"tf.math.tanh", Activation::Tanh},
        Case{"tf.nn.softmax", Activation::Softmax},
        Case{"'linear'", Activation::Linear}, Case{"'gelu'", Activation::Gelu},
        Case{"tf.nn.silu", Activation::Swish},
        Case{"'swish'", Activation::Swish},
        // tf.keras 2's hard_sigmoid: a .py is read as tf.keras 2.
        Case{"keras.activations.hard_sigmoid", Activation::HardSigmoid},
        Case{"'relu6'", Activation::Relu6}, Case{"'mish'", Activation::Mish},
        Case{"'exponential'", Activation::Exponential}}) {
    std::string line =
        std::string(
            "import tensorflow as tf\nmodel.add(layers.Dense(3, activation=") +
        c.expr + "))";
    EXPECT_EQ(firstLayer(line).activation, c.activation) << c.expr;
  }
}

TEST(KerasPythonActivations, ActivationLayersTakeKerasDefaults) {
  Layer leaky = firstLayer("model.add(layers.LeakyReLU())");
  EXPECT_EQ(leaky.kind, LayerKind::LeakyReLU);
  EXPECT_EQ(leaky.alpha, 0.3);
  // Keras 3's keyword for the same slope.
  EXPECT_EQ(firstLayer("model.add(layers.LeakyReLU(negative_slope=0.1))").alpha,
            0.1);
  Layer elu = firstLayer("model.add(layers.ELU())");
  EXPECT_EQ(elu.kind, LayerKind::ELU);
  EXPECT_EQ(elu.alpha, 1.0);
  Layer relu = firstLayer(
      "model.add(layers.ReLU(6.0, threshold=0.5, negative_slope=0.1))");
  EXPECT_EQ(relu.maxValue, 6.0);
  EXPECT_EQ(relu.alpha, 0.1);
  EXPECT_EQ(relu.threshold, 0.5);
  EXPECT_FALSE(firstLayer("model.add(layers.ReLU())").maxValue);
}

TEST(KerasPythonInitializers, NormalisedAsKerasReadsThem) {
  using Kind = Initializer::Kind;
  using Mode = Initializer::Mode;
  using Dist = Initializer::Distribution;
  auto init = [](StringRef expr) {
    return firstLayer(("import tensorflow as tf\n"
                       "model.add(layers.Dense(3, kernel_initializer=" +
                       expr + "))")
                          .str())
        .kernelInitializer;
  };
  Initializer gn = init("'glorot_normal'");
  EXPECT_EQ(gn.kind, Kind::VarianceScaling);
  EXPECT_EQ(gn.mode, Mode::FanAvg);
  EXPECT_EQ(gn.distribution, Dist::TruncatedNormal);
  Initializer hu = init("'HeUniform'");
  EXPECT_EQ(hu.scale, 2.0);
  EXPECT_EQ(hu.mode, Mode::FanIn);
  EXPECT_EQ(hu.distribution, Dist::Uniform);
  Initializer ln = init("keras.initializers.LecunNormal(seed=7)");
  EXPECT_EQ(ln.scale, 1.0);
  EXPECT_EQ(ln.mode, Mode::FanIn);
  EXPECT_EQ(ln.seed, 7);
  Initializer hn = init("tf.keras.initializers.HeNormal(1)");
  EXPECT_EQ(hn.distribution, Dist::TruncatedNormal);
  EXPECT_EQ(hn.seed, 1);
  Initializer rn = init("keras.initializers.RandomNormal(stddev=0.01)");
  EXPECT_EQ(rn.kind, Kind::RandomNormal);
  EXPECT_EQ(rn.mean, 0.0);
  EXPECT_EQ(rn.stddev, 0.01);
  Initializer ru = init("tf.random_uniform_initializer(-1, 1)");
  EXPECT_EQ(ru.kind, Kind::RandomUniform);
  EXPECT_EQ(ru.minval, -1.0);
  EXPECT_EQ(ru.maxval, 1.0);
  Initializer tn = init("keras.initializers.TruncatedNormal(0.5, 0.1)");
  EXPECT_EQ(tn.kind, Kind::TruncatedNormal);
  EXPECT_EQ(tn.mean, 0.5);
  Initializer vs =
      init("keras.initializers.VarianceScaling(2.0, 'FAN_OUT', 'normal')");
  EXPECT_EQ(vs.scale, 2.0);
  EXPECT_EQ(vs.mode, Mode::FanOut);
  EXPECT_EQ(vs.distribution, Dist::TruncatedNormal); // Keras reads 'normal' so
  EXPECT_EQ(init("keras.initializers.VarianceScaling(distribution='untruncated_"
                 "normal')")
                .distribution,
            Dist::UntruncatedNormal);
  Initializer vsDefault = init("'variance_scaling'");
  EXPECT_EQ(vsDefault.mode, Mode::FanIn);
  EXPECT_EQ(vsDefault.distribution, Dist::TruncatedNormal);
  EXPECT_EQ(init("keras.initializers.Constant(0.1)").value, 0.1);
  EXPECT_EQ(init("'zeros'").value, 0.0);
  EXPECT_EQ(init("keras.initializers.Ones()").value, 1.0);
  EXPECT_EQ(init("keras.initializers.zeros()").kind, Kind::Constant);
}

//===----------------------------------------------------------------------===//
// Layer and model names
//===----------------------------------------------------------------------===//

TEST(KerasPythonNames, ExplicitNamesDoNotUseUpAutoNames) {
  ModelSpec model = parse(R"py(
import keras
from keras import layers
model = keras.Sequential([
    layers.Conv2D(8, 3, name="stem", input_shape=(9, 9, 1)),
    layers.Conv2D(8, 3),
    layers.Conv2D(8, 3),
    layers.GlobalAveragePooling2D(),
    layers.Dense(4, name="head"),
    layers.Dense(2),
], "named")
)py");
  EXPECT_EQ(model.name, "named"); // Sequential's second positional
  std::vector<std::string> names;
  for (const Layer &layer : model.layers)
    names.push_back(layer.name);
  EXPECT_EQ(names, (std::vector<std::string>{"stem", "conv2d", "conv2d_1",
                                             "global_average_pooling2d", "head",
                                             "dense"}));
}

TEST(KerasPythonNames, FirstSequentialIsTheModel) {
  ModelSpec model =
      parse("import keras\n"
            "a = keras.Sequential([keras.layers.Dense(1)], name='a')\n"
            "b = keras.Sequential([keras.layers.Dense(2)], name='b')\n");
  EXPECT_EQ(model.name, "a");
  EXPECT_EQ(at(model.loc), "2:5");
}

//===----------------------------------------------------------------------===//
// compile() and fit()
//===----------------------------------------------------------------------===//

TEST(KerasPythonTraining, OptimizerStringsInAnyCase) {
  for (StringRef name :
       {"adam", "Adam", "SGD", "sgd", "RMSprop", "rmsprop", "RMSPROP"}) {
    TrainingSpec t =
        trainingOf(("model.compile(optimizer='" + name + "')").str());
    ASSERT_TRUE(t.optimizer);
    EXPECT_EQ(kerasName(t.optimizer->kind), name.lower());
    EXPECT_TRUE(t.optimizer->hyperParameters.empty());
  }
}

TEST(KerasPythonTraining, OptimizerPositionalOrder) {
  auto hp = [](StringRef call) {
    return trainingOf(("model.compile(" + call + ")").str())
        .optimizer->hyperParameters;
  };
  auto adam = hp("keras.optimizers.Adam(0.01, 0.8, 0.99, 1e-08, False)");
  EXPECT_EQ(adam.at("learning_rate"), 0.01);
  EXPECT_EQ(adam.at("beta_1"), 0.8);
  EXPECT_EQ(adam.at("beta_2"), 0.99);
  EXPECT_EQ(adam.at("epsilon"), 1e-8);
  EXPECT_EQ(adam.size(), 4u);
  auto sgd = hp("tf.keras.optimizers.SGD(0.1, 0.9, True)");
  EXPECT_EQ(sgd.at("learning_rate"), 0.1);
  EXPECT_EQ(sgd.at("momentum"), 0.9);
  EXPECT_EQ(sgd.at("nesterov"), 1.0);
  auto sgdKw = hp(
      "keras.optimizers.SGD(learning_rate=0.01, momentum=0.9, nesterov=False)");
  EXPECT_EQ(sgdKw.at("nesterov"), 0.0);
  auto rms = hp("keras.optimizers.RMSprop(1e-3, 0.95, 0.0, 1e-6, False)");
  EXPECT_EQ(rms.at("rho"), 0.95);
  EXPECT_EQ(rms.at("epsilon"), 1e-6);
  // Momentum 0 is checked, then not kept: cnnc's RMSprop has none.
  EXPECT_EQ(rms.count("momentum"), 0u);
  auto lr =
      hp("keras.optimizers.RMSprop(lr=0.5, name='opt', jit_compile=False)");
  EXPECT_EQ(lr.at("learning_rate"), 0.5);
  EXPECT_EQ(lr.size(), 1u);
}

TEST(KerasPythonTraining, Losses) {
  struct Case {
    const char *loss;
    const char *canonical;
    bool fromLogits;
  };
  for (const Case &c :
       {Case{"'sparse_categorical_crossentropy'",
             "sparse_categorical_crossentropy", false},
        Case{"'categorical_crossentropy'", "categorical_crossentropy", false},
        Case{"'mse'", "mse", false}, Case{"'mean_squared_error'", "mse", false},
        Case{"keras.losses.SparseCategoricalCrossentropy(from_logits=True)",
             "sparse_categorical_crossentropy", true},
        Case{"tf.keras.losses.CategoricalCrossentropy(True)",
             "categorical_crossentropy", true},
        Case{"keras.losses.MeanSquaredError()", "mse", false},
        Case{"tf.keras.losses.sparse_categorical_crossentropy",
             "sparse_categorical_crossentropy", false}}) {
    TrainingSpec t =
        trainingOf(std::string("model.compile('adam', loss=") + c.loss + ")");
    ASSERT_TRUE(t.loss) << c.loss;
    EXPECT_EQ(std::string(kerasName(*t.loss)), c.canonical) << c.loss;
    EXPECT_EQ(t.lossFromLogits, c.fromLogits) << c.loss;
  }
}

TEST(KerasPythonTraining, Metrics) {
  EXPECT_EQ(trainingOf("model.compile(metrics=['acc'])").metrics,
            std::vector<std::string>{"accuracy"});
  EXPECT_EQ(trainingOf("model.compile(metrics=[keras.metrics."
                       "SparseCategoricalAccuracy()])")
                .metrics,
            std::vector<std::string>{"sparse_categorical_accuracy"});
  EXPECT_EQ(trainingOf("model.compile(metrics='categorical_accuracy')").metrics,
            std::vector<std::string>{"categorical_accuracy"});
}

TEST(KerasPythonTraining, FitKeywordsAndPositionalOrder) {
  TrainingSpec kw =
      trainingOf("model.fit(x, y, batch_size=64, epochs=3, "
                 "validation_split=0.2, shuffle=False, verbose=0)");
  EXPECT_EQ(kw.batchSize, 64);
  EXPECT_EQ(kw.epochs, 3);
  EXPECT_EQ(kw.validationSplit, 0.2);
  EXPECT_EQ(kw.shuffle, false);
  // x, y, batch_size, epochs, verbose, callbacks, validation_split,
  // validation_data, shuffle
  TrainingSpec pos =
      trainingOf("model.fit(x, y, 16, 2, 1, [], 0.25, None, True)");
  EXPECT_EQ(pos.batchSize, 16);
  EXPECT_EQ(pos.epochs, 2);
  EXPECT_EQ(pos.validationSplit, 0.25);
  EXPECT_EQ(pos.shuffle, true);
}

TEST(KerasPythonTraining, RunTimeValuesAreLeftToTheCommandLine) {
  TrainingSpec t =
      trainingOf("import sys\nepochs = int(sys.argv[1])\n"
                 "model.compile(optimizer='adam', loss='mse')\n"
                 "model.fit(x, y, epochs=epochs, batch_size=None)");
  EXPECT_FALSE(t.epochs);
  EXPECT_FALSE(t.batchSize);
  EXPECT_EQ(t.loss, KerasLoss::MSE);
}

//===----------------------------------------------------------------------===//
// The functional API's shared layers
//===----------------------------------------------------------------------===//

// A layer object called again is one layer (one name, one config) with one
// entry per call, numbered as Keras numbers its nodes; every reference
// names the call it means. Unnamed layers made after it keep Keras's
// counts (the shared Dense is `dense` once, the next Dense `dense_1`).
TEST(KerasPythonFunctional, SharedLayerIsOneEntryPerCall) {
  ModelSpec m = parse("import keras\nfrom keras import layers\n"
                      "a = keras.Input((4,))\nb = keras.Input((4,))\n"
                      "d = layers.Dense(4)\n"
                      "y = layers.Concatenate()([d(a), d(d(b))])\n"
                      "out = layers.Dense(2)(y)\n"
                      "model = keras.Model([a, b], out)\n");
  ASSERT_EQ(m.layers.size(), 5u);
  std::vector<std::pair<std::string, int64_t>> calls;
  for (const Layer &layer : m.layers)
    calls.push_back({layer.name, layer.call});
  using Call = std::pair<std::string, int64_t>;
  EXPECT_EQ(calls, (std::vector<Call>{{"dense", 0},
                                      {"dense", 1},
                                      {"dense", 2},
                                      {"concatenate", 0},
                                      {"dense_1", 0}}));
  // d(b) is call 1, d(d(b)) call 2 on call 1's output.
  ASSERT_EQ(m.layers[1].inbound.size(), 1u);
  EXPECT_EQ(m.layers[1].inbound[0].layer, "input_2");
  EXPECT_EQ(m.layers[2].inbound[0].layer, "dense");
  EXPECT_EQ(m.layers[2].inbound[0].node, 1);
  ASSERT_EQ(m.layers[3].inbound.size(), 2u);
  EXPECT_EQ(m.layers[3].inbound[0].node, 0);
  EXPECT_EQ(m.layers[3].inbound[1].node, 2);
  EXPECT_EQ(m.layers[2].units, 4);
}

//===----------------------------------------------------------------------===//
// Errors: one class each, with the exact text
//===----------------------------------------------------------------------===//

struct ErrorCase {
  const char *source;
  const char *message;
};

class KerasPythonErrors : public testing::TestWithParam<ErrorCase> {};

TEST_P(KerasPythonErrors, ExactLocationAndMessage) {
  EXPECT_EQ(errorOf(GetParam().source), GetParam().message)
      << GetParam().source;
}

// The layer line of withLayer() is line 4.
#define L4(line)                                                               \
  "from tensorflow import keras\nfrom tensorflow.keras import layers\n"        \
  "model = keras.Sequential()\n" line "\n"

INSTANTIATE_TEST_SUITE_P(
    Syntax, KerasPythonErrors,
    testing::Values(
        ErrorCase{"x = f(a b)\n", "model.py:1:9: error: expected ')'"},
        ErrorCase{"x = f(a, b]\n",
                  "model.py:1:11: error: closing parenthesis ']' does "
                  "not match opening parenthesis '('"},
        ErrorCase{"x = [(1,\n 2]\n",
                  "model.py:2:3: error: closing parenthesis ']' does "
                  "not match opening parenthesis '(' on line 1"},
        ErrorCase{"x = (1,\ny = 2\n",
                  "model.py:1:5: error: '(' was never closed"},
        ErrorCase{"x = )\n", "model.py:1:5: error: unmatched ')'"},
        ErrorCase{"s = 'abc\n", "model.py:1:5: error: unterminated string"},
        ErrorCase{"s = \"\"\"abc\n\n",
                  "model.py:1:5: error: unterminated triple-quoted string"},
        ErrorCase{"if x:\n    y = 1\n  z = 2\n",
                  "model.py:3:3: error: inconsistent indentation"},
        ErrorCase{"x = 1\n    y = 2\n",
                  "model.py:2:5: error: unexpected indent"},
        ErrorCase{"if x:\ny = 2\n",
                  "model.py:2:1: error: expected an indented block"},
        ErrorCase{"if x\n    y = 2\n", "model.py:1:5: error: expected ':'"},
        ErrorCase{"x = 1 2\n", "model.py:1:7: error: expected newline"},
        ErrorCase{"x = 1 +\n", "model.py:1:8: error: expected an expression"},
        ErrorCase{"f() = 3\n",
                  "model.py:1:1: error: cannot assign to function call"},
        ErrorCase{"x = $\n", "model.py:1:5: error: invalid character '$'"},
        ErrorCase{"x = 012\n",
                  "model.py:1:5: error: leading zeros in decimal integer "
                  "literals are not permitted"},
        ErrorCase{"x = 1__0\n", "model.py:1:5: error: invalid decimal literal"},
        ErrorCase{"x = 0xg\n",
                  "model.py:1:5: error: invalid hexadecimal literal"},
        ErrorCase{"x = 1 \\ 2\n",
                  "model.py:1:7: error: unexpected character after line "
                  "continuation character"},
        ErrorCase{"f(a=1, 2)\n",
                  "model.py:1:8: error: positional argument follows "
                  "keyword argument"},
        ErrorCase{"if x:\n\ty = 1\n        z = 2\n",
                  "model.py:3:9: error: inconsistent use of tabs and spaces in "
                  "indentation"}));

INSTANTIATE_TEST_SUITE_P(
    Model, KerasPythonErrors,
    testing::Values(
        ErrorCase{"import numpy as np\nx = np.zeros(3)\n",
                  "model.py:1:1: error: no Sequential model defined"},
        ErrorCase{"", "model.py:1:1: error: no Sequential model defined"},
        ErrorCase{
            "from keras import Sequential\nm = "
            "Sequential(name='empty')\nm.summary()\n",
            "model.py:2:5: error: Sequential model 'empty' has no layers"},
        ErrorCase{"import keras\nimport sys\nif len(sys.argv) > 1:\n"
                  "    model = keras.Sequential([keras.layers.Dense(1)])\n",
                  "model.py:4:13: error: Sequential model defined under a "
                  "condition that "
                  "cnnc cannot evaluate"},
        ErrorCase{
            "import keras\ndef build():\n"
            "    return keras.Sequential([keras.layers.Dense(1)])\n",
            "model.py:3:12: error: Sequential model defined in function "
            "'build', "
            "which the script never calls (--entry build calls it with its "
            "defaults)"},
        ErrorCase{
            L4("import sys\nif sys.argv:\n    model.add(layers.Dense(1))"),
            "model.py:6:5: error: 'model.add' is called under a condition that "
            "cnnc cannot evaluate"},
        ErrorCase{L4("for n in sizes_from_somewhere():\n    "
                     "model.add(layers.Dense(n))"),
                  "model.py:5:5: error: 'model.add' is called in a loop that "
                  "cnnc cannot "
                  "evaluate"},
        ErrorCase{L4("model.add(layers.Dense(1, name='a'))\n"
                     "model.add(layers.Dense(1, name='a'))"),
                  "model.py:5:11: error: duplicate layer name 'a'"},
        ErrorCase{L4("model.add(layers.Dense(1, "
                     "name='dense'))\nmodel.add(layers.Dense(1))"),
                  "model.py:5:11: error: duplicate layer name 'dense'"},
        ErrorCase{L4("model.add(5)"),
                  "model.py:4:11: error: expected a layer, not an integer"},
        // A nested model is read as its layers: an empty one has none.
        ErrorCase{L4("model.add(keras.Sequential())"),
                  "model.py:4:11: error: Sequential model 'sequential_1' has "
                  "no layers"},
        ErrorCase{
            L4("model.add(layers.Dense(1))\nmodel.add(keras.Input((3,)))"),
            "model.py:5:11: error: an input must come before the model's first "
            "layer"},
        ErrorCase{L4("model.pop()"),
                  "model.py:4:1: error: pop() on a model with no layers"},
        ErrorCase{L4("model.add(layers.Dense(4, input_shape=(None, 28)))"),
                  "model.py:4:39: error: 'input_shape' must hold positive "
                  "integers, not "
                  "(None, 28)"},
        ErrorCase{L4("model.add(layers.Dense(4, input_shape=(28, 0)))"),
                  "model.py:4:39: error: 'input_shape' must hold positive "
                  "integers, not "
                  "(28, 0)"},
        ErrorCase{L4("model.add(layers.Dense(4, input_shape=784))"),
                  "model.py:4:39: error: 'input_shape' must be a tuple of "
                  "integers, not an "
                  "integer"},
        ErrorCase{
            L4("model.add(keras.Input(name='x'))"),
            "model.py:4:11: error: missing argument 'shape' to 'Input'"}));

INSTANTIATE_TEST_SUITE_P(
    Layers, KerasPythonErrors,
    testing::Values(
        ErrorCase{
            L4("model.add(layers.UnitNormalization())"),
            "model.py:4:11: error: unsupported layer 'UnitNormalization'"},
        ErrorCase{
            L4("model.add(layers.Conv2D(32, 3, foo=1))"),
            "model.py:4:32: error: unknown keyword argument 'foo' to 'Conv2D'"},
        ErrorCase{
            L4("model.add(layers.Dropout(0.5, None, 1, 2))"),
            "model.py:4:40: error: too many positional arguments to 'Dropout': "
            "expected at most 3, have 4"},
        ErrorCase{L4("model.add(layers.Dense())"),
                  "model.py:4:11: error: missing argument 'units' to 'Dense'"},
        ErrorCase{L4("model.add(layers.Dense(10, units=3))"),
                  "model.py:4:28: error: multiple values for argument 'units' "
                  "to 'Dense'"},
        ErrorCase{L4("model.add(layers.Conv2D(32, kernel_size='3'))"),
                  "model.py:4:41: error: 'kernel_size' must be an integer or a "
                  "tuple of 2 "
                  "integers, not a string"},
        ErrorCase{L4("model.add(layers.Conv2D(32, (3, 3, 3)))"),
                  "model.py:4:29: error: 'kernel_size' must be an integer or a "
                  "tuple of 2 "
                  "integers, not a tuple"},
        ErrorCase{
            L4("model.add(layers.Dense('10'))"),
            "model.py:4:24: error: 'units' must be an integer, not a string"},
        ErrorCase{L4("model.add(layers.Dense(10, use_bias=1))"),
                  "model.py:4:37: error: 'use_bias' must be True or False, not "
                  "an integer"},
        ErrorCase{
            L4("model.add(layers.Conv2D(8, 3, data_format='channels_first'))"),
            "model.py:4:43: error: unsupported data_format 'channels_first'"},
        ErrorCase{
            L4("model.add(layers.Conv2D(8, 3, groups=2))"),
            "model.py:4:38: error: unsupported 'groups' value 2 (only 1 is "
            "supported)"},
        ErrorCase{L4("model.add(layers.Dense(8, kernel_regularizer="
                     "keras.regularizers.OrthogonalRegularizer()))"),
                  "model.py:4:46: error: unsupported regularizer "
                  "'OrthogonalRegularizer' (cnnc has l1, l2 and l1_l2)"},
        ErrorCase{
            L4("model.add(layers.Conv2D(8, 3, bias_constraint='non_neg'))"),
            "model.py:4:47: error: unsupported 'bias_constraint' (only None is "
            "supported)"},
        ErrorCase{
            L4("model.add(layers.Dropout(0.5, noise_shape=(1, 1)))"),
            "model.py:4:43: error: unsupported 'noise_shape' (only None is "
            "supported)"},
        ErrorCase{L4("model.add(layers.ReLU(max_value=-6.0))"),
                  "model.py:4:33: error: 'max_value' must be a finite number "
                  ">= 0, not -6.0"},
        ErrorCase{L4("model.add(layers.ReLU(negative_slope=-0.1))"),
                  "model.py:4:38: error: 'negative_slope' must be a finite "
                  "number >= 0, not -0.1"},
        ErrorCase{L4("model.add(layers.Conv2D(8, 3, padding='causal'))"),
                  "model.py:4:39: error: unsupported padding 'causal'"},
        ErrorCase{L4("model.add(layers.Conv2D(0, 3))"),
                  "model.py:4:25: error: 'filters' must be a positive integer, "
                  "not 0"},
        ErrorCase{
            L4("model.add(layers.Dense(-1))"),
            "model.py:4:24: error: 'units' must be a positive integer, not -1"},
        ErrorCase{L4("model.add(layers.Conv2D(8, (3, 0)))"),
                  "model.py:4:28: error: 'kernel_size' must hold positive "
                  "integers, not "
                  "(3, 0)"},
        ErrorCase{L4("model.add(layers.Conv2D(8, 3, strides=0))"),
                  "model.py:4:39: error: 'strides' must hold positive "
                  "integers, not 0"},
        ErrorCase{L4("model.add(layers.MaxPooling2D(pool_size=(2, -2)))"),
                  "model.py:4:41: error: 'pool_size' must hold positive "
                  "integers, not "
                  "(2, -2)"},
        ErrorCase{L4("model.add(layers.Conv2D(8, 3, dilation_rate=0))"),
                  "model.py:4:45: error: 'dilation_rate' must hold positive "
                  "integers, not "
                  "0"},
        ErrorCase{L4("model.add(layers.Dropout(1.0))"),
                  "model.py:4:26: error: 'rate' must be in [0, 1), not 1.0"},
        ErrorCase{L4("model.add(layers.Dropout(-0.1))"),
                  "model.py:4:26: error: 'rate' must be in [0, 1), not -0.1"},
        ErrorCase{
            L4("model.add(layers.Conv2D(8, 3, strides=2, dilation_rate=2))"),
            "model.py:4:39: error: 'strides' > 1 cannot be combined with "
            "'dilation_rate' > 1"},
        ErrorCase{L4("model.add(layers.Dense(8, activation='log_softmax'))"),
                  "model.py:4:38: error: unsupported activation 'log_softmax'"},
        ErrorCase{L4("model.add(layers.Dense(8, "
                     "activation=keras.activations.hard_silu))"),
                  "model.py:4:38: error: unsupported activation 'hard_silu'"},
        ErrorCase{L4("model.add(layers.Activation('gelu_new'))"),
                  "model.py:4:29: error: unsupported activation 'gelu_new'"},
        ErrorCase{
            L4("model.add(layers.Dense(8, kernel_initializer='orthogonal'))"),
            "model.py:4:46: error: unsupported initializer 'orthogonal'"},
        ErrorCase{L4("model.add(layers.Dense(8, dtype='float64'))"),
                  "model.py:4:33: error: unsupported dtype 'float64'"},
        ErrorCase{
            L4("model.add(layers.Dense(8, trainable='no'))"),
            "model.py:4:37: error: 'trainable' must be True or False, not a "
            "string"},
        ErrorCase{L4("model.add(layers.Dense(units))"),
                  "model.py:4:24: error: use of undefined name 'units'"},
        ErrorCase{
            L4("n = undefined_thing\nmodel.add(layers.Dense(n))"),
            "model.py:4:5: error: use of undefined name 'undefined_thing'"},
        ErrorCase{
            L4("import numpy as np\nmodel.add(layers.Dense(np.int64(3)))"),
            "model.py:5:24: error: 'units' must be an integer, not a value "
            "cnnc "
            "cannot evaluate"},
        ErrorCase{L4("model.add(layers.Dense(99999999999999999999))"),
                  "model.py:4:24: error: integer literal is too large"},
        ErrorCase{L4("model.add(layers.Dense(2 ** 70))"),
                  "model.py:4:26: error: integer result is too large"},
        ErrorCase{L4("model.add(layers.Dense(**kwargs))"),
                  "model.py:4:26: error: use of undefined name 'kwargs'"}));

INSTANTIATE_TEST_SUITE_P(
    Training, KerasPythonErrors,
    testing::Values(
        ErrorCase{L4("model.add(layers.Dense(1))\n"
                     "model.compile(optimizer=keras.optimizers.SGD(0.1, "
                     "clipnorm=1.0))"),
                  "model.py:5:60: error: unsupported 'clipnorm' (only None is "
                  "supported)"},
        ErrorCase{L4("model.add(layers.Dense(1))\n"
                     "model.compile(keras.optimizers.Adam(weight_decay=0.01))"),
                  "model.py:5:50: error: unsupported 'weight_decay' value 0.01 "
                  "(only 0 is "
                  "supported)"},
        ErrorCase{L4("model.add(layers.Dense(1))\n"
                     "model.compile(keras.optimizers.Adam(amsgrad=True))"),
                  "model.py:5:45: error: unsupported 'amsgrad' value True "
                  "(only False is "
                  "supported)"},
        ErrorCase{L4("model.add(layers.Dense(1))\n"
                     "model.compile(keras.optimizers.RMSprop(centered=True))"),
                  "model.py:5:49: error: unsupported 'centered' value True "
                  "(only False is "
                  "supported)"},
        ErrorCase{L4("model.add(layers.Dense(1))\n"
                     "sched = keras.optimizers.schedules.ExponentialDecay(0.1, "
                     "100, 0.9)\n"
                     "model.compile(keras.optimizers.Adam(sched))"),
                  "model.py:6:37: error: unsupported learning-rate schedule "
                  "'ExponentialDecay'"},
        ErrorCase{L4("model.add(layers.Dense(1))\n"
                     "model.compile(keras.optimizers.Adam(lr=0.1, "
                     "learning_rate=0.2))"),
                  "model.py:5:37: error: multiple values for argument "
                  "'learning_rate' "
                  "('lr' is its old name)"},
        ErrorCase{L4("model.add(layers.Dense(1))\nmodel.compile('adagrad')"),
                  "model.py:5:15: error: unsupported optimizer 'adagrad'"},
        ErrorCase{L4("model.add(layers.Dense(1))\nmodel.compile(keras."
                     "optimizers.Nadam())"),
                  "model.py:5:15: error: unsupported optimizer 'Nadam'"},
        ErrorCase{
            L4("model.add(layers.Dense(1))\nmodel.compile('adam', 'hinge')"),
            "model.py:5:23: error: unsupported loss 'hinge'"},
        ErrorCase{L4("model.add(layers.Dense(1))\n"
                     "model.compile(loss=keras.losses.CategoricalCrossentropy("
                     "label_smoothing=0.1))"),
                  "model.py:5:73: error: unsupported 'label_smoothing' value "
                  "0.1 (only 0.0 "
                  "is supported)"},
        ErrorCase{
            L4("model.add(layers.Dense(1))\nmodel.compile(metrics=['mae'])"),
            "model.py:5:23: error: unsupported metric 'mae'"},
        ErrorCase{L4("model.add(layers.Dense(1))\nmodel.compile(foo=1)"),
                  "model.py:5:15: error: unknown keyword argument 'foo' to "
                  "'compile'"},
        ErrorCase{
            L4("model.add(layers.Dense(1))\nmodel.fit(x, y, class_weight={0: "
               "1})"),
            "model.py:5:30: error: unsupported 'class_weight' (only None is "
            "supported)"},
        ErrorCase{
            L4("model.add(layers.Dense(1))\nmodel.fit(x, y, epochs='5')"),
            "model.py:5:24: error: 'epochs' must be an integer, not a string"},
        ErrorCase{
            L4("model.add(layers.Dense(1))\nmodel.fit(x, y, batch_size=0)"),
            "model.py:5:28: error: 'batch_size' must be a positive integer, "
            "not 0"},
        ErrorCase{L4("model.add(layers.Dense(1))\nmodel.fit(x, y, "
                     "validation_split=1.5)"),
                  "model.py:5:34: error: 'validation_split' must be in [0, 1), "
                  "not 1.5"}));

//===----------------------------------------------------------------------===//
// Hostile input: an error, never a crash
//===----------------------------------------------------------------------===//

TEST(KerasPythonHostile, EmptyAndBlankFiles) {
  for (StringRef source : {"", "\n\n", "   \n# only a comment", "\xEF\xBB\xBF"})
    EXPECT_EQ(errorOf(source),
              "model.py:1:1: error: no Sequential model defined");
}

TEST(KerasPythonHostile, BinaryGarbage) {
  std::string garbage;
  uint32_t state = 12345;
  for (int i = 0; i < 4096; ++i) {
    state = state * 1103515245 + 12345;
    garbage += char(state >> 16);
  }
  EXPECT_NE(errorOf(garbage), "");
  EXPECT_EQ(errorOf(StringRef("x = 1\0", 6)),
            "model.py:1:6: error: source code cannot contain null bytes");
  EXPECT_EQ(errorOf("x = 1\x01\n"),
            "model.py:1:6: error: invalid non-printable character U+0001");
  EXPECT_EQ(errorOf("x =\xC2\xA0"
                    "1\n"),
            "model.py:1:4: error: invalid non-printable character U+00A0");
}

TEST(KerasPythonHostile, DeepNesting) {
  std::string brackets =
      "x = " + std::string(300, '(') + "1" + std::string(300, ')');
  EXPECT_EQ(errorOf(brackets),
            "model.py:1:205: error: too many nested parentheses");
  std::string lists = "x = " + std::string(100000, '[');
  EXPECT_EQ(errorOf(lists),
            "model.py:1:205: error: too many nested parentheses");
  std::string unary = "x = " + std::string(5000, '-') + "1\n";
  EXPECT_EQ(errorOf(unary),
            "model.py:1:254: error: expression is too deeply nested");
  std::string lambdas;
  for (int i = 0; i < 1000; ++i)
    lambdas += "lambda: ";
  EXPECT_EQ(errorOf("f = " + lambdas + "1\n"),
            "model.py:1:2005: error: expression is too deeply nested");
  std::string chain = "x = 1";
  for (int i = 0; i < 5000; ++i)
    chain += "+1";
  EXPECT_EQ(errorOf(chain),
            "model.py:1:5: error: expression is too deeply nested");
  std::string attrs = "x = a";
  for (int i = 0; i < 5000; ++i)
    attrs += ".b";
  EXPECT_EQ(errorOf(attrs),
            "model.py:1:5: error: expression is too deeply nested");
  std::string indents;
  for (int i = 0; i < 150; ++i)
    indents += std::string(i, ' ') + "if x:\n";
  EXPECT_EQ(errorOf(indents),
            "model.py:102:102: error: too many levels of indentation");
}

TEST(KerasPythonHostile, HugeNumbersAndUnterminatedLiterals) {
  EXPECT_EQ(errorOf("x = 1" + std::string(5000, '0') + "\n"),
            "model.py:1:1: error: no Sequential model defined"); // unused: fine
  EXPECT_EQ(errorOf("x = 1e99999\ny = -9223372036854775807 - 2\n"),
            "model.py:1:1: error: no Sequential model defined");
  EXPECT_EQ(errorOf("s = '''never closed\n" + std::string(10000, 'a')),
            "model.py:1:5: error: unterminated triple-quoted string");
  EXPECT_EQ(errorOf("s = f'{x'\n"), "model.py:1:5: error: unterminated string");
  EXPECT_EQ(errorOf("s = f'{'\n"), "model.py:1:5: error: unterminated string");
  EXPECT_EQ(
      errorOf("x = 1 + \\"),
      "model.py:1:9: error: unexpected end of file after line continuation "
      "character");
}

TEST(KerasPythonHostile, RunawayEvaluation) {
  // Recursion, loops and growth are cut off; the model still reads.
  ModelSpec model = parse(R"py(
import keras
def f(n):
    return f(n + 1)
f(0)
x = [0]
for i in range(10000):
    x = [x]
    x = x * 2
y = "a" * 10
for i in range(20):
    y = y + y
big = [1] * (10 ** 9)
cyclic = [1]
cyclic.append(cyclic)
data = {"foo": []}
data["foo"].append(data)
data["self"] = data
holder = [keras.layers.Dense(cyclic)]
cyclic.append(holder)
chain = []
for i in range(500):
    link = []
    link.append(chain)
    chain = link
deep = []
for i in range(10000):
    deep = [keras.layers.Dense(deep)]
while True:
    pass
model = keras.Sequential([keras.layers.Dense(1)])
)py");
  EXPECT_EQ(model.layers.size(), 1u);
}

TEST(KerasPythonHostile, StatementBudget) {
  std::string source =
      "import keras\nn = 0\nfor a in range(1000):\n"
      "    for b in range(1000):\n        for c in range(1000):\n"
      "            n += 1\n";
  EXPECT_EQ(
      errorOf(source),
      "model.py:6:13: error: the script runs too long for cnnc to evaluate");
  // Building values counts too, not only statements.
  EXPECT_EQ(
      errorOf(
          "for i in range(10000):\n    x = list(range(10000)) + [0] * 9999\n"),
      "model.py:2:5: error: the script runs too long for cnnc to evaluate");
  EXPECT_EQ(
      errorOf(
          "s = 'ab' * 500000\nfor i in range(10000):\n    t = s + s[::-1]\n"),
      "model.py:3:5: error: the script runs too long for cnnc to evaluate");
}

//===----------------------------------------------------------------------===//
// Syntax the parser must accept
//===----------------------------------------------------------------------===//

TEST(KerasPythonSyntax, ModernPython) {
  ModelSpec model = parse(R"py(
from __future__ import annotations
import keras
match command.split():
    case [action, *rest] if action in {"go", "run"}:
        pass
    case {"x": 1, **kw} | Point(x=0) as p:
        pass
    case _:
        pass
match = re.match(r"\d+", "12")
async def fetch(url: str, *, timeout: float = 1.0) -> bytes:
    async with session.get(url) as r:
        return await r.read()
def gen():
    yield from range(3)
    x = yield
if (n := len("abc")) > 2:
    pass
with (open("a") as a, open("b") as b):
    pass
data = {**{"a": 1}, "b": [*range(3)], 'c': (lambda *a, **k: a)(1)}
raw = rb'\d' b"\x00"
text = r"\n" u"é" f"{data['a']!r:>{10}}" F'''{
    1 + 1}'''
first, *middle, last = [1, 2, 3, 4]
matrix = [[i * j for j in range(3)] for i in range(3)]
value = matrix[1][::-1][0] if matrix else None
number = 0x_FF + 0o17 + 0b1010 + 1_000_000 + 1e-3 + .5 + 5. + 3j
ok = 1 < 2 <= 3 != 4 and not None is not False or 1 in [1]
print("a", "b", sep=", ", end="\n", file=None)
model = keras.Sequential([keras.layers.Dense(number if False else 3)])
)py");
  ASSERT_EQ(model.layers.size(), 1u);
  EXPECT_EQ(model.layers[0].units, 3);
}

TEST(KerasPythonSyntax, LineJoining) {
  ModelSpec model =
      parse("import keras\n"
            "model = keras.Sequential([\n"
            "    keras.layers.Dense(\n"
            "        2,  # units\n"
            "\n"
            "        activation='relu'),\n"
            "])\n"
            "model.add(keras.layers.Dense(1, \\\n"
            "                             activation='sigmoid'))\n");
  ASSERT_EQ(model.layers.size(), 2u);
  EXPECT_EQ(model.layers[1].activation, Activation::Sigmoid);
  EXPECT_EQ(at(model.layers[1].loc), "8:11");
}

TEST(KerasPythonSyntax, WindowsLineEndingsAndTabs) {
  ModelSpec model = parse("import keras\r\n"
                          "def build():\r\n"
                          "\tm = keras.Sequential()\r\n"
                          "\tm.add(keras.layers.Dense(3))\r\n"
                          "\r\n"
                          "\treturn m\r\n"
                          "model = build()");
  ASSERT_EQ(model.layers.size(), 1u);
  EXPECT_EQ(at(model.layers[0].loc), "4:8");
}

TEST(KerasPythonSyntax, StringLiteralsDecode) {
  ModelSpec model =
      parse("import keras\n"
            "model = keras.Sequential([keras.layers.Dense(1, name='a\\x62"
            "\\u0063' \"d\" '\\N{DIGIT ONE}' r'\\n')], name='''m''')\n");
  EXPECT_EQ(model.layers[0].name, "abcd\\N{DIGIT ONE}\\n");
  EXPECT_EQ(model.name, "m");
}

} // namespace
