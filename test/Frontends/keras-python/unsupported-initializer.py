# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}unsupported-initializer.py:6:62: error: unsupported initializer 'orthogonal'
# An initializer cnnc does not implement.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([layers.Dense(4, kernel_initializer='orthogonal')])
