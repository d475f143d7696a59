# RUN: cnnc %s --summary | FileCheck %s
# A model built in a function the script calls, with a residual block in a
# helper function and an inception-style concatenation; tf.keras's names.
from tensorflow import keras
from tensorflow.keras import layers


def block(x, filters):
    y = layers.Conv2D(filters, 3, padding='same', activation='relu')(x)
    y = layers.Conv2D(filters, 3, padding='same')(y)
    return layers.Activation('relu')(layers.Add()([x, y]))


def build(filters=4):
    inputs = keras.Input(shape=(8, 8, 4))
    x = block(inputs, filters)
    a = layers.Conv2D(2, 1, name='branch_a')(x)
    b = layers.MaxPooling2D(3, strides=1, padding='same')(x)
    x = layers.concatenate([a, b], axis=-1)
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs=inputs, outputs=layers.Dense(3)(x), name='net')


model = build()
# CHECK: Model: "net"
# CHECK: input_1 (InputLayer)
# CHECK: conv2d (Conv2D)
# CHECK: conv2d_1 (Conv2D)
# CHECK: add (Add)
# CHECK-SAME: ['input_1[0][0]',
# CHECK: 'conv2d_1[0][0]']
# CHECK: activation (Activation)
# CHECK: branch_a (Conv2D)
# CHECK: max_pooling2d (MaxPooling2D
# CHECK: concatenate (Concatenate)
# CHECK: global_average_pooling2d
# CHECK: dense (Dense)
# CHECK: Total params: 327
