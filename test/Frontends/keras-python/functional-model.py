# RUN: cnnc %s --emit=cnn | FileCheck %s
# The functional API: keras.Input gives the model's input, layers called on
# tensors its layers, keras.Model(inputs, outputs) the graph between them.
# A value used twice (the input: by the Dense and by the Add) is computed
# once and has two uses.
from tensorflow import keras
from tensorflow.keras import layers
inputs = keras.Input(shape=(4,))
hidden = layers.Dense(4, activation='relu')(inputs)
outputs = layers.add([inputs, hidden])
model = keras.Model(inputs, outputs)
# CHECK: module attributes {cnn.model, cnn.model_name = "model"}
# CHECK: func.func @forward(%[[X:.*]]: tensor<?x4xf32> {cnn.input = "input_1"}, %[[K:.*]]: tensor<4x4xf32> {{{.*}}cnn.param = "dense/kernel"}, %[[B:.*]]: tensor<4xf32> {{{.*}}cnn.param = "dense/bias"}) -> tensor<?x4xf32>
# CHECK: %[[D:.*]] = cnn.dense %[[X]], %[[K]], %[[B]]
# CHECK: %[[R:.*]] = cnn.relu %[[D]]
# CHECK: %[[A:.*]] = cnn.merge add %[[X]], %[[R]] {cnn.layer = #cnn.layer<"add", "Add">}
# CHECK: return %[[A]]
