# Every function cnn.activation computes, as layers and activation strings,
# and PReLU.
from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    keras.Input(shape=(6, 6, 2)),
    layers.Conv2D(4, 3, activation='elu'),
    layers.LeakyReLU(),
    layers.ELU(0.5),
    layers.PReLU(shared_axes=[1, 2]),
    layers.ReLU(max_value=4.0, negative_slope=0.1, threshold=0.2),
    layers.Activation('selu'),
    layers.Activation('softplus'),
    layers.Activation('softsign'),
    layers.Activation('swish'),
    layers.Activation('gelu'),
    layers.Activation('hard_sigmoid'),
    layers.Activation('relu6'),
    layers.Activation('mish'),
    layers.Activation('tanh'),
    layers.Activation('sigmoid'),
    layers.Flatten(),
    layers.Dense(3, activation='exponential'),
])
model.compile(optimizer='sgd', loss='mse')
