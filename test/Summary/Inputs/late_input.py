# input-rows.test's model (tfjs_input_rows.js's late_both) in Python: the
# vector input is the model's first, and joins at the concatenation.
from tensorflow import keras
from tensorflow.keras import layers

image = keras.Input(shape=(8, 8, 1), name='image')
aux = keras.Input(shape=(3,), name='aux')
x = layers.Conv2D(2, 3, activation='relu', name='c1')(image)
x = layers.Conv2D(2, 3, name='c2')(x)
x = layers.GlobalAveragePooling2D(name='pool')(x)
merged = layers.Concatenate(name='merge')([x, aux])
out = layers.Dense(4, name='out')(merged)
model = keras.Model([aux, image], out, name='late_both')
