# A model whose tensors could never be allocated is refused before anything
# is compiled.
# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
import keras
from keras import layers

model = keras.Sequential([
    # CHECK: {{.*}}huge-input.py:[[@LINE+1]]:23: error: tensor (None, 100000, 100000, 1) has more than 268435456 elements per sample
    keras.Input(shape=(100000, 100000, 1)),
    layers.Flatten(),
])
