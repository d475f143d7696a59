# BatchNormalization where Keras CNNs usually put it: after the
# convolution's relu. Before a valid max pooling (the lesson's block,
# bench/models' lesson-bn), before a convolution (no pooling), and before
# a valid average pooling.
from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    layers.Conv2D(16, (3, 3), activation='relu', input_shape=(14, 14, 1)),
    layers.BatchNormalization(),
    layers.MaxPooling2D((2, 2)),
    layers.Conv2D(8, (3, 3), activation='relu'),
    layers.BatchNormalization(epsilon=1e-5, center=False),
    layers.Conv2D(8, (2, 2), activation='relu'),
    layers.BatchNormalization(scale=False),
    layers.AveragePooling2D((2, 2)),
    layers.Flatten(),
    layers.Dense(3, activation='softmax'),
])
