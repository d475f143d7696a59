# Two softmax heads on shared features, compiled with a loss and a weight
# per output (by output name), as Keras's multi-output examples write it.
from tensorflow import keras
from tensorflow.keras import layers

inputs = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(4, 3, activation="relu")(inputs)
x = layers.MaxPooling2D(2)(x)
digit = layers.Dense(10, activation="softmax", name="digit")(layers.Flatten()(x))
aux = layers.Dense(10, activation="softmax", name="aux")(
    layers.GlobalAveragePooling2D()(x))
model = keras.Model(inputs, [digit, aux])
model.compile(
    optimizer="adam",
    loss={"digit": "sparse_categorical_crossentropy",
          "aux": "sparse_categorical_crossentropy"},
    loss_weights={"digit": 1.0, "aux": 0.5},
    metrics=["accuracy"],
)
model.fit(x_train, y_train, epochs=1, batch_size=32)
