# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}channels-first.py:6:59: error: unsupported data_format 'channels_first'
# cnnc computes channels-last only.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([layers.Conv2D(8, 3, data_format='channels_first')])
