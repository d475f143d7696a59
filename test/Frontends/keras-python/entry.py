# `--entry NAME` (cli.md): a script that only defines the function building
# its model (a module others import) is read by calling NAME with its
# defaults once the script has run; the model it returns is the model,
# compile() and all. Each misuse is one located line naming what the script
# defines.
#
# RUN: cnnc %s --entry build_model --summary | FileCheck %s
# (The script has built its own model first, so Keras's auto-names run on:
# only the structure is pinned here.)
# CHECK: Model: "entry_model"
# CHECK: {{conv2d(_[0-9]+)?}} (Conv2D) (None, 8, 8, 4) 40
# CHECK: {{add(_[0-9]+)?}} (Add) (None, 8, 8, 4) 0
# CHECK: {{dense(_[0-9]+)?}} (Dense) (None, 3) 15
# CHECK: Total params: 203
#
# The defaults are what the call binds: build_small's filters=2. The
# script's own build_small() ran first and took `conv2d`, so this second
# model's layers are `conv2d_1`, ... as in a Keras session.
# RUN: cnnc %s --entry build_small --summary | FileCheck %s --check-prefix=ENTRY-SMALL
# ENTRY-SMALL: Model: "small"
# ENTRY-SMALL: conv2d_1 (Conv2D)           (None, 8, 8, 2)           20
# ENTRY-SMALL: Total params: 29
#
# compile() inside the function is the model's training configuration.
# RUN: cnnc %s --entry build_model --emit=cnn | FileCheck %s --check-prefix=TRAINING
# TRAINING: cnn.training = #cnn.training<loss = sparse_categorical_crossentropy, optimizer = #cnn.optimizer<sgd>>
#
# Without --entry the script's own model is the model; with it, the
# function's.
# RUN: cnnc %s --summary | FileCheck %s --check-prefix=SMALL
# SMALL: Model: "small"
# SMALL: conv2d (Conv2D)             (None, 8, 8, 2)           20
# SMALL: Total params: 29
#
# RUN: not cnnc %s --entry build 2>&1 | FileCheck %s --check-prefix=MISSING
# MISSING: entry.py:1:1: error: --entry build: no such function at the script's top level; the script defines block, build_model, build_small, describe
#
# RUN: not cnnc %s --entry block --summary 2>&1 | FileCheck %s --check-prefix=NO-DEFAULT
# NO-DEFAULT: entry.py:[[@LINE+11]]:11: error: --entry block calls the function with its defaults, and parameter 'x' has none
#
# RUN: not cnnc %s --entry describe --summary 2>&1 | FileCheck %s --check-prefix=NOT-MODEL
# NOT-MODEL: entry.py:[[@LINE+33]]:1: error: --entry describe: the function returns a string, not a Keras model
#
# RUN: not cnnc %S/../../../examples/mnist_cnn.json --entry build_model --summary 2>&1 | FileCheck %s --check-prefix=JSON
# JSON: cnnc: error: --entry calls a function of a .py script, and '{{.*}}mnist_cnn.json' is not one
from tensorflow import keras
from tensorflow.keras import layers


def block(x, filters=4):
    y = layers.Conv2D(filters, 3, padding='same', activation='relu')(x)
    return layers.Add()([x, y])


def build_model(filters=4, classes=3):
    inputs = keras.Input(shape=(8, 8, 1))
    x = layers.Conv2D(filters, 3, padding='same', activation='relu')(inputs)
    x = block(x, filters)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(classes, activation='softmax')(x)
    model = keras.Model(inputs, outputs, name='entry_model')
    model.compile(optimizer='sgd', loss='sparse_categorical_crossentropy')
    return model


def build_small(filters=2):
    return keras.Sequential([
        keras.Input(shape=(8, 8, 1)),
        layers.Conv2D(filters, 3, padding='same'),
        layers.GlobalAveragePooling2D(),
        layers.Dense(3),
    ], name='small')


def describe():
    return 'a residual block'


default_model = build_small()
