# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}syntax-unterminated-string.py:5:49: error: unterminated string
# A string literal that runs to the end of its line.
from keras import Sequential, layers
model = Sequential([layers.Dense(10, activation='relu)])
