# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}integer-too-large.py:6:42: error: integer result is too large
# Python's integers are unbounded; cnnc's sizes are not.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([layers.Dense(2 ** 64)])
