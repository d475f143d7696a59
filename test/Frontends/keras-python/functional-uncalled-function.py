# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# A script that defines the function building its model but never calls
# it: the error names the function, at the Model call, and the flag that
# calls it (entry.py).
# CHECK: {{.*}}functional-uncalled-function.py:[[@LINE+8]]:12: error: Functional model defined in function 'build_model', which the script never calls (--entry build_model calls it with its defaults)
from tensorflow import keras
from tensorflow.keras import layers


def build_model():
    inputs = keras.Input(shape=(4,))
    outputs = layers.Dense(2)(inputs)
    return keras.Model(inputs, outputs)
