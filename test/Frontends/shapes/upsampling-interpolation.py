# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{^}}{{.*}}upsampling-interpolation.py:9:39: error: unsupported interpolation 'bicubic' (cnnc has 'nearest' and 'bilinear'){{$}}
# CHECK-NOT: {{.}}
# Keras 3 has more interpolations; cnnc has Keras 2's two.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([
    keras.Input(shape=(5, 5, 4)),
    layers.UpSampling2D(interpolation='bicubic'),
])
