# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}non-positive-units.py:6:40: error: 'units' must be a positive integer, not 0
# Dense with no units.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([layers.Dense(0)])
