# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{^}}{{.*}}batch-norm-momentum.py:9:34: error: 'momentum' must be in [0, 1], not 99{{$}}
# CHECK-NOT: {{.}}
# The moving average's momentum is a fraction (99 is a percentage).
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([
    layers.Dense(4, input_shape=(8,)),
    layers.BatchNormalization(0, 99),
])
