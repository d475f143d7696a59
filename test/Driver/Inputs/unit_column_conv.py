# One input channel, one column (7x1x1), a convolution strided along the
# columns (the input of kernel-grad-unit-image.test).
from tensorflow import keras
from keras import layers

model = keras.Sequential([
    layers.Input(shape=(7, 1, 1)),
    layers.Conv2D(3, (3, 1), strides=(1, 3), padding='same', activation='swish'),
    layers.Flatten(),
    layers.Dense(10, activation='softmax'),
])
model.compile(optimizer='sgd', loss='sparse_categorical_crossentropy')
