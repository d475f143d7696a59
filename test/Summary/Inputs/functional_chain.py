from tensorflow import keras
from tensorflow.keras import layers
inputs = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(32, 3, activation='relu')(inputs)
x = layers.Flatten()(x)
model = keras.Model(inputs, layers.Dense(10)(x))
