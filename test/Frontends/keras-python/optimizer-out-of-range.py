# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}optimizer-out-of-range.py:8:25: error: optimizer setting 'beta_1' must be in [0, 1], not 1.500000e+00
# The reader takes any non-negative number; #cnn.optimizer's verifier has
# the last word, at the optimizer in the model file.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([layers.Dense(1, input_shape=(4,))])
model.compile(optimizer=keras.optimizers.Adam(beta_1=1.5), loss='mse')
