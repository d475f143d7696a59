# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
from keras import Sequential
from keras.layers import Conv2D, MaxPooling2D

model = Sequential([
    Conv2D(8, 3, input_shape=(4, 4, 1)),
    # CHECK: {{.*}}pool-larger-than-input.py:[[@LINE+1]]:5: error: computed output size would be zero or negative: input (None, 2, 2, 8), pool size 3x3, 'valid' padding
    MaxPooling2D(3),
])
