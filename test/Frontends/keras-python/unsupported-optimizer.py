# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}unsupported-optimizer.py:7:25: error: unsupported optimizer 'adagrad'
# An optimizer cnnc does not implement.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([layers.Dense(1, input_shape=(4,))])
model.compile(optimizer='adagrad', loss='mse')
