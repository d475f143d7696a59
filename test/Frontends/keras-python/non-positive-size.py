# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}non-positive-size.py:6:44: error: 'kernel_size' must hold positive integers, not (3, 0)
# A kernel with a zero side.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([layers.Conv2D(8, (3, 0))])
