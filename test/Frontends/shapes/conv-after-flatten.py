# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Flatten(),
    # CHECK: {{.*}}conv-after-flatten.py:[[@LINE+1]]:5: error: expected a 4-D input (batch, rows, columns, channels), got (None, 784)
    layers.Conv2D(8, 3),
])
