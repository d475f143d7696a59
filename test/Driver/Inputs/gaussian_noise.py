from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    keras.Input(shape=(4,)),
    layers.GaussianNoise(0.1),
    layers.Dense(3),
])
model.compile(optimizer='sgd', loss='mse')
