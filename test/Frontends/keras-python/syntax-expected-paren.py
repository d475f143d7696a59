# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}syntax-expected-paren.py:5:37: error: expected ')'
# A missing comma between two arguments.
from keras import Sequential, layers
model = Sequential([layers.Dense(10 activation='relu')])
