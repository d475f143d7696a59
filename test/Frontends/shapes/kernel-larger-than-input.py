# A shape that cannot work is reported at the layer that cannot work, by the
# rule the op verifier uses.
# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
from keras import Sequential
from keras.layers import Conv2D, MaxPooling2D

model = Sequential()
model.add(Conv2D(8, 3, input_shape=(6, 6, 1)))
model.add(MaxPooling2D(2))
# CHECK: {{.*}}kernel-larger-than-input.py:[[@LINE+1]]:11: error: computed output size would be zero or negative: input (None, 2, 2, 8), kernel 5x5, 'valid' padding
model.add(Conv2D(8, 5))
