# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}grouped-convolution.py:6:54: error: unsupported 'groups' value 2 (only 1 is supported)
# Grouped convolutions are not implemented.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([layers.Conv2D(8, 3, groups=2)])
