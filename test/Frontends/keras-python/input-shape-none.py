# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}input-shape-none.py:6:55: error: 'input_shape' must hold positive integers, not (None, 28)
# cnnc compiles for one input shape: no None inside it.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([layers.Dense(4, input_shape=(None, 28))])
