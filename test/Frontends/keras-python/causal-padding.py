# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}causal-padding.py:6:55: error: unsupported padding 'causal'
# 'causal' is Conv1D's padding.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([layers.Conv2D(8, 3, padding='causal')])
