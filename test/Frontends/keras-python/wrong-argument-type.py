# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}wrong-argument-type.py:6:57: error: 'kernel_size' must be an integer or a tuple of 2 integers, not a string
# A string where Keras wants an integer or a pair.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([layers.Conv2D(32, kernel_size='3')])
