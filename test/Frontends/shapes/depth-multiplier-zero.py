# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{^}}{{.*}}depth-multiplier-zero.py:10:48: error: 'depth_multiplier' must be a positive integer, not 0{{$}}
# CHECK-NOT: {{.}}
# A DepthwiseConv2D with no filters per channel has no output: Keras
# refuses depth_multiplier=0 too.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([
    keras.Input(shape=(8, 8, 3)),
    layers.DepthwiseConv2D(3, depth_multiplier=0),
])
