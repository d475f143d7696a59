from tensorflow import keras
from keras import layers

model = keras.Sequential([
    layers.Input(shape=(6, 6, 1)),
    layers.Conv2D(2, 3, activation='relu'),
    layers.Flatten(),
    layers.Dense(3),
])
model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.002, rho=0.95),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
