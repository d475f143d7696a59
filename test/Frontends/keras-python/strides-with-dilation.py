# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}strides-with-dilation.py:6:55: error: 'strides' > 1 cannot be combined with 'dilation_rate' > 1
# Keras refuses strides > 1 together with dilation > 1.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([layers.Conv2D(8, 3, strides=2, dilation_rate=2)])
