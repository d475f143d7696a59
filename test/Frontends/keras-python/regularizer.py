# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}regularizer.py:6:62: error: unsupported 'kernel_regularizer' (only None is supported)
# Regularizers change the loss: refused, not dropped.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([layers.Dense(4, kernel_regularizer=keras.regularizers.l2(1e-4))])
