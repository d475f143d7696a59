# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
from keras import Sequential
from keras.layers import Dense, Flatten

model = Sequential()
# CHECK: {{.*}}no-input-shape.py:[[@LINE+1]]:11: error: the model has no input shape: give the first layer input_shape=(...) or start with keras.Input(shape=(...))
model.add(Flatten())
model.add(Dense(10))
