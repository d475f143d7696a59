# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{^}}{{.*}}reshape-sizes-differ.py:9:5: error: cannot reshape (None, 28, 28) (784 elements per sample) to target_shape (28, 27, 1): the sizes differ{{$}}
# CHECK-NOT: {{.}}
# Keras: "total size of new array must be unchanged".
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([
    keras.Input(shape=(28, 28)),
    layers.Reshape((28, 27, 1)),
])
