# RUN: cnnc %s --summary | FileCheck %s --check-prefix=SUMMARY
# RUN: cnnc %s --emit=cnn | FileCheck %s
# RUN: cnnc %s --entry sequential_around --summary | FileCheck %s --check-prefix=SEQ
# RUN: cnnc %s --entry sequential_around --emit=cnn | FileCheck %s --check-prefix=SEQIR
#
# Nested models as scripts write them: a Sequential called on a tensor of
# a Functional model, and (--entry sequential_around) a Functional model
# added to a Sequential with model.add, beside a Sequential given in the
# Sequential's list. They are inlined as the JSON readers inline them
# (docs/compiler.md): each inner layer under "<model>/<layer>", the summary
# one row per nested model. tf.keras names a layer when it is made,
# counting per class over the whole script, so the block's layers (made
# first) are dense and dense_1, and the outer model's dense_2 and dense_3.
#
# SUMMARY:      Model: "model"
# SUMMARY:       input_1 (InputLayer)        [(None, 6)]               0
# SUMMARY:       dense_2 (Dense)             (None, 6)                 42
# SUMMARY:       block (Sequential)          (None, 4)                 92
# SUMMARY:       dense_3 (Dense)             (None, 3)                 15
# SUMMARY:      Total params: 149
# SUMMARY-NEXT: Trainable params: 57
# SUMMARY-NEXT: Non-trainable params: 92
#
# CHECK: func.func @forward(%arg0: tensor<?x6xf32> {cnn.input = "input_1"}
# CHECK-SAME: cnn.param = "dense_2/kernel"
# CHECK-SAME: tensor<6x8xf32> {{{.*}}cnn.param = "block/dense/kernel", cnn.trainable = false}
# CHECK-SAME: tensor<8x4xf32> {{{.*}}cnn.param = "block/dense_1/kernel", cnn.trainable = false}
# CHECK-SAME: tensor<4x3xf32> {{{.*}}cnn.param = "dense_3/kernel"}
# CHECK: cnn.dense{{.*}}cnn.layer = #cnn.layer<"dense_2", "Dense">}
# CHECK: cnn.dense{{.*}}cnn.layer = #cnn.layer<"block/dense", "Dense">, cnn.nested = #cnn.layer<"block", "Sequential">, cnn.nested_node = 1 : i64
# CHECK: cnn.dense{{.*}}cnn.layer = #cnn.layer<"block/dense_1", "Dense">, cnn.nested = #cnn.layer<"block", "Sequential">
# CHECK: cnn.dense{{.*}}cnn.layer = #cnn.layer<"dense_3", "Dense">}
#
# The script's own model ran first, so the function's layers count on.
# SEQ:      Model: "sequential"
# SEQ:       model_1 (Functional)        (None, 4)                 48
# SEQ:       head (Sequential)           (None, 2)                 10
# SEQ:       dense_7 (Dense)             (None, 1)                 3
# SEQ:      Total params: 61
# SEQ-NEXT: Trainable params: 61
#
# SEQIR: cnn.param = "model_1/dense_4/kernel"
# SEQIR-SAME: cnn.param = "head/dense_6/kernel"
# SEQIR-SAME: cnn.param = "dense_7/kernel"
# SEQIR: cnn.merge add{{.*}}cnn.layer = #cnn.layer<"model_1/add", "Add">, cnn.nested = #cnn.layer<"model_1", "Functional">
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

block = keras.Sequential([layers.Dense(8, activation="relu"), layers.Dense(4)],
                         name="block")
inputs = keras.Input(shape=(6,))
x = layers.Dense(6, activation="relu")(inputs)
x = block(x)
outputs = layers.Dense(3, activation="softmax")(x)
model = keras.Model(inputs, outputs)
block.trainable = False
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")


def sequential_around():
    i = tf.keras.Input(shape=(5,))
    h = layers.Dense(4, activation="tanh")(i)
    h = layers.add([h, layers.Dense(4)(i)])
    encoder = tf.keras.Model(i, h)
    head = keras.Sequential([layers.Dense(2)], name="head")
    outer = keras.Sequential([layers.InputLayer(input_shape=(5,))])
    outer.add(encoder)
    outer.add(head)
    outer.add(layers.Dense(1))
    return outer
