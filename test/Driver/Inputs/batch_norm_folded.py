# A BatchNormalization after a convolution without bias (before its relu
# and pooling) and one after a dense layer: both fold into their layer.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([
    layers.Conv2D(8, (3, 3), use_bias=False, input_shape=(12, 12, 1)),
    layers.BatchNormalization(),
    layers.Activation('relu'),
    layers.MaxPooling2D((2, 2)),
    layers.Flatten(),
    layers.Dense(10),
    layers.BatchNormalization(),
])
