# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}syntax-never-closed.py:6:10: error: '(' was never closed
# A call left open at the end of the file.
from keras import Sequential, layers
model = Sequential()
model.add(layers.Dense(10)
