# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# RUN: not cnnc %s --emit=cnn 2>&1 | count 1
# A shared layer's weights are built at its first call (kernel (4, 2) for
# a (None, 4) input); a later call on a (None, 3) tensor is Keras's
# "incompatible with the layer", one line at that call.
# CHECK: {{.*}}functional-shared-layer-incompatible.py:[[@LINE+7]]:5: error: layer 'dense' is called on a tensor its weights do not fit: 'dense/kernel' is (4, 2) from its first call, and this call needs (3, 2)
from tensorflow import keras
from tensorflow.keras import layers
a = keras.Input(shape=(4,))
b = keras.Input(shape=(3,))
d = layers.Dense(2)
x = d(a)
y = d(b)
model = keras.Model([a, b], layers.concatenate([x, y]))
