# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}unsupported-layer.py:6:62: error: unsupported layer 'UnitNormalization'
# A Keras layer cnnc does not implement.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([layers.Dense(4, input_shape=(8,)), layers.UnitNormalization()])
