# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}too-many-positional.py:6:56: error: too many positional arguments to 'Dropout': expected at most 3, have 4
# More positional arguments than the signature has.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([layers.Dropout(0.5, None, 1, 'extra')])
