# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}syntax-inconsistent-indentation.py:7:3: error: inconsistent indentation
# A dedent to a column no block started at.
from keras import Sequential, layers
if True:
    model = Sequential()
  model.add(layers.Dense(1))
