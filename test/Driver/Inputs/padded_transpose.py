# A ZeroPadding2D before a strided Conv2DTranspose: the transposed
# convolution spreads its input's cells two apart, padded rows included.
from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    layers.ZeroPadding2D(((1, 1), (0, 1)), input_shape=(7, 6, 1)),
    layers.Conv2DTranspose(2, 2, strides=2),
])
