# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{^}}{{.*}}permute-dims.py:11:5: error: permute dims [2, 1] must be a permutation of 1 .. 3 (the axes of (None, 8, 6, 4) after the batch){{$}}
# CHECK-NOT: {{.}}
# Permute's dims name every axis after the batch, counted from 1.
from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    keras.Input(shape=(8, 6, 3)),
    layers.Conv2D(4, 3, padding='same'),
    layers.Permute((2, 1)),
])
