# A ConvNeXt-like stack: LayerNormalization over the channels (the
# default), over every axis after the batch without beta, and after a Dense
# layer without gamma.
from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    keras.Input(shape=(10, 10, 3)),
    layers.Conv2D(8, 3),
    layers.LayerNormalization(epsilon=1e-6),
    layers.Conv2D(4, 3),
    layers.LayerNormalization(axis=[1, 2, 3], center=False),
    layers.Flatten(),
    layers.Dense(10),
    layers.LayerNormalization(scale=False),
    layers.Dense(3),
])
