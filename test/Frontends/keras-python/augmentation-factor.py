# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{^}}{{.*}}augmentation-factor.py:10:23: error: 'height_factor' must have values in [-1, 1], found [-0.5, 1.2]{{$}}
# CHECK-NOT: {{.}}
# A zoom factor is a fraction of the image; Keras refuses one beyond
# [-1, 1] in its constructor, and so does cnnc, at the argument.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([
    keras.Input(shape=(8, 8, 1)),
    layers.RandomZoom((-0.5, 1.2)),
    layers.Flatten(),
])
