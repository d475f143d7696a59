from tensorflow import keras
from tensorflow.keras import layers
left = keras.Input(shape=(4,))
right = keras.Input(shape=(4,))
shared = layers.Dense(3, activation='relu')
merged = layers.concatenate([shared(left), shared(right)])
model = keras.Model([left, right], layers.Dense(1)(merged))
