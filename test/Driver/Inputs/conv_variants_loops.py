# The convolution variants at 32 channels, for conv-variants-loops.test.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([
    keras.Input(shape=(16, 16, 32)),
    layers.DepthwiseConv2D(3, padding='same'),
    layers.DepthwiseConv2D(3, depth_multiplier=2, strides=2),
    layers.SeparableConv2D(32, 3, padding='same'),
    layers.Conv2DTranspose(32, 3, strides=2, padding='same'),
    layers.UpSampling2D(),
    layers.UpSampling2D(interpolation='bilinear'),
    layers.GlobalAveragePooling2D(),
    layers.Dense(10, activation='softmax'),
])
