# A frozen convolution and a frozen BatchNormalization (inference mode in
# training) under a trainable classifier.
from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    layers.Conv2D(4, (3, 3), use_bias=False, trainable=False, input_shape=(28, 28, 1)),
    layers.BatchNormalization(trainable=False),
    layers.Activation('relu'),
    layers.MaxPooling2D((2, 2)),
    layers.Flatten(),
    layers.Dense(10, activation='softmax'),
])
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
