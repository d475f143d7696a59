# A Cropping2D after a strided Conv2D: in training the crop's gradient is a
# zero padding of dy, which the convolution's input gradient spreads two
# apart.
from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    layers.Conv2D(2, 2, input_shape=(10, 10, 1)),
    layers.Conv2D(2, 3, strides=2),
    layers.Cropping2D(((1, 0), (0, 1))),
    layers.Flatten(),
    layers.Dense(3, activation='softmax'),
])
