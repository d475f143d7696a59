# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}fit-class-weight.py:7:40: error: unsupported 'class_weight' (only None is supported)
# fit() arguments that change training are refused.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([layers.Dense(2, input_shape=(4,))])
model.fit(x, y, epochs=2, class_weight={0: 1.0, 1: 2.0})
