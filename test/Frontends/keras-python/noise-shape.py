# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}noise-shape.py:6:59: error: unsupported 'noise_shape' (only None is supported)
# Dropout with a broadcast noise shape.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([layers.Dropout(0.2, noise_shape=(None, 1))])
