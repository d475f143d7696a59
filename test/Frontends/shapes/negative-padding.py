# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{^}}{{.*}}negative-padding.py:9:26: error: 'padding' must not be negative, not ((1, 1), (-1, 0)){{$}}
# CHECK-NOT: {{.}}
# Keras refuses negative padding; a ZeroPadding2D cannot crop.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([
    keras.Input(shape=(8, 8, 1)),
    layers.ZeroPadding2D(((1, 1), (-1, 0))),
])
