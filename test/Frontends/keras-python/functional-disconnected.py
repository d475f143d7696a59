# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# The outputs need an input the model does not list: Keras's "Graph
# disconnected", at that input.
# CHECK: {{.*}}functional-disconnected.py:[[@LINE+4]]:5: error: this input is not among the model's inputs, but its outputs need it (Keras: "Graph disconnected")
from tensorflow import keras
from tensorflow.keras import layers
a = keras.Input(shape=(4,))
b = keras.Input(shape=(4,))
c = layers.concatenate([a, b])
model = keras.Model(inputs=a, outputs=layers.Dense(2)(c))
