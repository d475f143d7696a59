# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{^}}{{.*}}batch-norm-negative-epsilon.py:10:39: error: 'epsilon' must be a finite number >= 0, not -0.001{{$}}
# CHECK-NOT: {{.}}
# BatchNormalization divides by sqrt(variance + epsilon): a negative
# epsilon takes the root of a negative number for a small variance.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([
    layers.Dense(4, input_shape=(8,)),
    layers.BatchNormalization(epsilon=-1e-3),
])
