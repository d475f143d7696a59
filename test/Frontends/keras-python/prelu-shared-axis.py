# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{^}}{{.*}}prelu-shared-axis.py:9:5: error: shared axis 3 is out of range for (None, 8, 8) (axes count from 1, after the batch){{$}}
# CHECK-NOT: {{.}}
# PReLU's shared_axes name axes of its input after the batch.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([
    keras.Input(shape=(8, 8)),
    layers.PReLU(shared_axes=[1, 3]),
])
