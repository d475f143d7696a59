# BatchNormalization as Keras users write it: after a convolution without
# bias and before its activation, after a convolution with one, after a
# dense layer, with Keras's defaults and with center / scale off.
from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    layers.Conv2D(8, (3, 3), use_bias=False, input_shape=(12, 12, 1)),
    layers.BatchNormalization(),
    layers.Activation('relu'),
    layers.MaxPooling2D((2, 2)),
    layers.Conv2D(4, (3, 3), activation='relu'),
    layers.BatchNormalization(momentum=0.9, epsilon=1e-5, center=False),
    layers.Flatten(),
    layers.Dense(10),
    layers.BatchNormalization(axis=[1], scale=False),
    layers.Dense(3, activation='softmax'),
])
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
