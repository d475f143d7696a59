# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{^}}{{.*}}alpha-dropout-rate.py:11:25: error: 'rate' must be in [0, 1), not -0.2{{$}}
# CHECK-NOT: {{.}}
# AlphaDropout's rate is Dropout's: in [0, 1).
from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(4, activation='selu'),
    layers.AlphaDropout(-0.2),
])
