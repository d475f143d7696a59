# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}learning-rate-schedule.py:8:60: error: unsupported learning-rate schedule 'ExponentialDecay'
# A learning-rate schedule is not a constant rate.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([layers.Dense(1, input_shape=(4,))])
lr = keras.optimizers.schedules.ExponentialDecay(1e-2, decay_steps=1000, decay_rate=0.9)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss='mse')
