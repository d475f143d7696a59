# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{^}}{{.*}}augmentation-contrast.py:10:27: error: 'factor' must be at least 0, with its lower bound at most 1, found -0.2{{$}}
# CHECK-NOT: {{.}}
# A contrast factor f draws from [1 - f, 1 + f]: Keras refuses a negative
# one.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([
    keras.Input(shape=(8, 8, 1)),
    layers.RandomContrast(-0.2),
])
