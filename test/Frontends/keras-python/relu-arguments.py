# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}relu-arguments.py:6:49: error: unsupported 'max_value' value 6.0 (only None is supported)
# ReLU is supported with Keras's defaults only.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([layers.ReLU(max_value=6.0)])
