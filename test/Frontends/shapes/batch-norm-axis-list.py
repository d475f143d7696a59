# RUN: cnnc %s --emit=cnn | FileCheck %s
# The channel axis may be written -1, 3 or [3] (Keras 2's .h5 configs
# write the list); all give the same op.
# CHECK-COUNT-3: cnn.batch_norm %{{.*}} gamma %{{.*}} beta %{{.*}} mean %{{.*}} variance %{{.*}} epsilon = 1.000000e-03 momentum = 0.98999999999999999 {cnn.layer
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([
    keras.Input(shape=(8, 8, 1)),
    layers.Conv2D(4, 3),
    layers.BatchNormalization(axis=-1),
    layers.BatchNormalization(axis=3),
    layers.BatchNormalization(axis=[3]),
])
