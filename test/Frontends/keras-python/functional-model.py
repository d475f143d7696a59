# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}functional-model.py:8:9: error: unsupported model class 'Model': cnnc reads Sequential models
# The functional API builds a keras.Model, not a Sequential.
from tensorflow import keras
from tensorflow.keras import layers
inputs = keras.Input(shape=(4,))
outputs = layers.Dense(2)(inputs)
model = keras.Model(inputs, outputs)
