# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{^}}{{.*}}output-padding-not-below-stride.py:10:60: error: 'output_padding' (2, 1) must be less than the strides (2, 2){{$}}
# CHECK-NOT: {{.}}
# Keras: "Strides must be greater than output padding" (each axis's extra
# row or column must fall inside one stride).
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([
    keras.Input(shape=(5, 5, 4)),
    layers.Conv2DTranspose(2, 3, strides=2, output_padding=(2, 1)),
])
