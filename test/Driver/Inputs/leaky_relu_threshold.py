from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    keras.Input(shape=(4,)),
    layers.ReLU(negative_slope=0.1, threshold=0.5),
])
