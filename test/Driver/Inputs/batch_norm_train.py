# Trainable BatchNormalization layers as Keras users write them: after a
# convolution without bias (rank 4, statistics over (n, h, w)) and after a
# dense layer (rank 2, over n), one with center off.
from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    layers.Conv2D(4, (3, 3), use_bias=False, input_shape=(28, 28, 1)),
    layers.BatchNormalization(),
    layers.Activation('relu'),
    layers.MaxPooling2D((2, 2)),
    layers.Flatten(),
    layers.Dense(16, use_bias=False),
    layers.BatchNormalization(momentum=0.9, center=False),
    layers.Activation('relu'),
    layers.Dense(10, activation='softmax'),
])
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
