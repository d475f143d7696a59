# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}optimizer-clipnorm.py:7:62: error: unsupported 'clipnorm' (only None is supported)
# Gradient clipping is not dropped silently.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([layers.Dense(1, input_shape=(4,))])
model.compile(optimizer=keras.optimizers.Adam(1e-3, clipnorm=1.0), loss='mse')
