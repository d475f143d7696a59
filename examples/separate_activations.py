# Activations as layers of their own, each with its own row in the summary.
from tensorflow import keras
from tensorflow.keras.layers import Activation, Conv2D, Dense, Flatten, MaxPooling2D, ReLU, Softmax

model = keras.Sequential()
model.add(keras.Input(shape=(28, 28, 1)))
model.add(Conv2D(32, (3, 3), name='stem'))
model.add(ReLU())
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Conv2D(32, (3, 3)))
model.add(Activation('relu'))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Flatten())
model.add(Dense(128))
model.add(Activation(activation='tanh'))
model.add(Dense(10))
model.add(Softmax())
