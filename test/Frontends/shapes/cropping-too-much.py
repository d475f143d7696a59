# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{^}}{{.*}}cropping-too-much.py:10:5: error: cropping ((2, 2), (3, 2)) leaves nothing of (None, 6, 5, 4){{$}}
# CHECK-NOT: {{.}}
# Cropping as many columns as the image has leaves nothing.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([
    keras.Input(shape=(8, 7, 1)),
    layers.Conv2D(4, 3),
    layers.Cropping2D(((2, 2), (3, 2))),
])
