# RUN: cnnc %s --emit=cnn | FileCheck %s
# A Functional model whose output is its input has no layers but its
# InputLayer, as Keras builds it; @forward returns its argument.
# CHECK: func.func @forward(%[[X:.*]]: tensor<?x10xf32> {cnn.input = "input_1"}) -> tensor<?x10xf32>
# CHECK-NEXT: return %[[X]]
from tensorflow import keras
x = keras.Input(shape=(10,))
model = keras.Model(x, x)
