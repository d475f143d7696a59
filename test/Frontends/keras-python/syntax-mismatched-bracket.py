# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}syntax-mismatched-bracket.py:5:53: error: closing parenthesis ']' does not match opening parenthesis '('
# A bracket closed by the wrong kind.
from keras import Sequential, layers
model = Sequential([layers.Dense(10, input_shape=(4,]))
