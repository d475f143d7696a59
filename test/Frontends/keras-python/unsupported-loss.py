# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}unsupported-loss.py:7:38: error: unsupported loss 'hinge'
# A loss cnnc does not implement.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([layers.Dense(1, input_shape=(4,))])
model.compile(optimizer='adam', loss='hinge')
