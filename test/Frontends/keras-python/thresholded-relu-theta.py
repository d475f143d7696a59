# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{^}}{{.*}}thresholded-relu-theta.py:11:34: error: 'theta' must be a finite number >= 0, not -1.0{{$}}
# CHECK-NOT: {{.}}
# tf.keras 2 refuses a negative theta ("should be >=0").
from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(4),
    layers.ThresholdedReLU(theta=-1.0),
])
