# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{^}}{{.*}}unsupported-activation.py:7:54: error: unsupported activation 'log_softmax'{{$}}
# CHECK-NOT: {{.}}
# An activation cnnc does not implement.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([layers.Dense(4, activation='log_softmax')])
