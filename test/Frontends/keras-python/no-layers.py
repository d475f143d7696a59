# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}no-layers.py:6:9: error: Sequential model 'empty' has no layers
# A Sequential model with nothing in it.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential(name='empty')
model.summary()
