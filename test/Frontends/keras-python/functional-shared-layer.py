# RUN: cnnc %s --emit=cnn | FileCheck %s
# A layer object called twice is one layer with one set of weights: one
# kernel and one bias argument of @forward, taken by both calls' ops; the
# second call's ops carry cnn.call = 1.
# CHECK: func.func @forward(%[[X:[^:]*]]: tensor<?x4xf32> {cnn.input = "input_1"}, %[[K:[^:]*]]: tensor<4x4xf32> {cnn.initializer = {{.*}}, cnn.param = "dense/kernel"}, %[[B:[^:]*]]: tensor<4xf32> {cnn.initializer = {{.*}}, cnn.param = "dense/bias"})
# CHECK-NOT: cnn.param
# CHECK: %[[Y:.*]] = cnn.dense %[[X]], %[[K]], %[[B]] {cnn.layer = #cnn.layer<"dense", "Dense">}
# CHECK: %[[Z:.*]] = cnn.dense %[[Y]], %[[K]], %[[B]] {cnn.call = 1 : i64, cnn.layer = #cnn.layer<"dense", "Dense">}
# CHECK: return %[[Z]]
from tensorflow import keras
from tensorflow.keras import layers
inputs = keras.Input(shape=(4,))
shared = layers.Dense(4)
x = shared(inputs)
y = shared(x)
model = keras.Model(inputs, y)
