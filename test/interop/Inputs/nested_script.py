"""Nested models as a script writes them (tfjs-nested-script.test): a
Sequential block called on a tensor, and a Functional head called on the
block's sum. tf.keras names each layer when it is made, counting per class
over the script: the block's conv2d and batch_normalization, the head's
global_average_pooling2d and dense, the outer conv2d_1 and add.
tfjs_nested_script.js builds the same model in TF.js with those names."""
from tensorflow import keras
from tensorflow.keras import layers

block = keras.Sequential([
    layers.Conv2D(4, 3, padding="same", activation="relu"),
    layers.BatchNormalization(),
], name="block")

head_input = keras.Input(shape=(6, 6, 4))
pooled = layers.GlobalAveragePooling2D()(head_input)
head = keras.Model(head_input, layers.Dense(3, activation="softmax")(pooled),
                   name="head")

inputs = keras.Input(shape=(6, 6, 2))
x = layers.Conv2D(4, 1)(inputs)
x = layers.add([x, block(x)])
model = keras.Model(inputs, head(x))


def stacked():
    """A Functional stem added to a Sequential (--entry stacked)."""
    stem_input = keras.Input(shape=(6, 6, 2))
    features = layers.Conv2D(3, 3, activation="relu")(stem_input)
    stem = keras.Model(stem_input, layers.MaxPooling2D()(features),
                       name="stem")
    outer = keras.Sequential(name="stacked")
    outer.add(stem)
    outer.add(layers.Flatten())
    outer.add(layers.Dense(2))
    return outer
