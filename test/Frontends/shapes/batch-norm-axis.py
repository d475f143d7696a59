# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{^}}{{.*}}batch-norm-axis.py:11:5: error: BatchNormalization normalizes the last (channel) axis, -1 or 3 for input (None, 6, 6, 4); axis 1 is not supported{{$}}
# CHECK-NOT: {{.}}
# cnnc normalizes the channel axis of NHWC, Keras's default; axis=1 (the
# rows, what a channels_first model would name) is refused at the layer.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([
    keras.Input(shape=(8, 8, 1)),
    layers.Conv2D(4, 3),
    layers.BatchNormalization(axis=1),
])
