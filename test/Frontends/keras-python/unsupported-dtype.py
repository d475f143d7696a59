# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}unsupported-dtype.py:6:49: error: unsupported dtype 'float64'
# cnnc computes in float32.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([layers.Dense(4, dtype='float64')])
