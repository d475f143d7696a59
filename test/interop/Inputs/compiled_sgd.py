from tensorflow import keras
from keras import layers

model = keras.Sequential([
    layers.Input(shape=(6, 6, 1)),
    layers.Conv2D(2, 3, activation='relu'),
    layers.Flatten(),
    layers.Dense(3, activation='softmax'),
])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True),
              loss='categorical_crossentropy', metrics=['accuracy'])
