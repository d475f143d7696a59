# Dense before Flatten is not an error: Keras applies it to the last axis.
# RUN: cnnc %s --summary | FileCheck %s
import keras
from keras import layers

model = keras.Sequential([
    layers.Conv2D(32, 3, input_shape=(7, 7, 1)),
    layers.Dense(128),
])
# CHECK: dense (Dense)               (None, 5, 5, 128)         4224
