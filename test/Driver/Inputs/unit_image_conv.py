# A strided 'same' convolution of one input channel on a 1x1 image (the
# input of kernel-grad-unit-image.test): every tap's window of the padded
# input is 1x1x1.
from tensorflow import keras
from keras import layers

model = keras.Sequential([
    layers.Input(shape=(1, 1, 1)),
    layers.Conv2D(2, (2, 4), strides=2, padding='same'),
    layers.Flatten(),
    layers.Dense(3),
])
model.compile(optimizer='sgd', loss='mse')
