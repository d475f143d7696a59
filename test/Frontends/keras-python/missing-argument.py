# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}missing-argument.py:6:27: error: missing argument 'filters' to 'Conv2D'
# A required argument left out.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([layers.Conv2D(kernel_size=3)])
