# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# A layer called twice shares its weights between the calls; cnnc refuses
# it at the second call.
# CHECK: {{.*}}functional-shared-layer.py:[[@LINE+6]]:5: error: the layer 'Dense' made at line [[@LINE+4]] is called a second time: layers applied more than once (shared weights) are not supported
from tensorflow import keras
from tensorflow.keras import layers
inputs = keras.Input(shape=(4,))
shared = layers.Dense(4)
x = shared(inputs)
y = shared(x)
model = keras.Model(inputs, y)
