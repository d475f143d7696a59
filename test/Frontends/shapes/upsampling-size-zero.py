# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{^}}{{.*}}upsampling-size-zero.py:9:25: error: 'size' must hold positive integers, not (0, 2){{$}}
# CHECK-NOT: {{.}}
# UpSampling2D repeats rows and columns at least once.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([
    keras.Input(shape=(5, 5, 4)),
    layers.UpSampling2D((0, 2)),
])
