# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{^}}{{.*}}leaky-relu-negative-alpha.py:8:50: error: 'alpha' must be a finite number >= 0, not -0.2{{$}}
# CHECK-NOT: {{.}}
# Keras 3 refuses a negative slope ("cannot be None or negative"); a
# negative alpha would not be a leaky relu.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([layers.LeakyReLU(alpha=-0.2, input_shape=(4,))])
