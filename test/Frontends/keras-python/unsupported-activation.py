# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}unsupported-activation.py:6:54: error: unsupported activation 'elu'
# An activation cnnc does not implement.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([layers.Dense(4, activation='elu')])
