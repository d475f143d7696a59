from tensorflow import keras
from tensorflow.keras import layers
inputs = keras.Input(shape=(8, 8, 2))
conv = layers.Conv2D(2, 3, padding='same', activation='relu')
x = conv(layers.MaxPooling2D()(conv(inputs)))
model = keras.Model(inputs, layers.Flatten()(x))
