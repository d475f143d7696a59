# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}dropout-rate.py:6:42: error: 'rate' must be in [0, 1), not 1.0
# Keras accepts rate=1; cnnc refuses a layer that drops everything.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([layers.Dropout(1.0)])
