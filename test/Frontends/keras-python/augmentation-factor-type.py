# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{^}}{{.*}}augmentation-factor-type.py:9:27: error: 'factor' must be a number or a tuple of 2 numbers, not a string{{$}}
# CHECK-NOT: {{.}}
# A rotation factor is a number or a (lower, upper) pair.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([
    keras.Input(shape=(8, 8, 1)),
    layers.RandomRotation("a quarter turn"),
])
