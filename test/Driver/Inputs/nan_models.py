"""Writes one small Keras model per op that must carry a NaN through
(docs/keras-semantics.md, "NaN"): usage `nan_models.py DIR`, one
DIR/<op>.py each. Every model reads 8x8x1 images and ends in a linear
Dense(3), so that one NaN anywhere before it makes all three outputs NaN.
"""
import os
import sys

# name -> the layers between the input and Flatten (the first one gets the
# input shape).
MODELS = {
    "conv_relu": ["Conv2D(2, (3, 3), activation='relu')"],
    "conv_relu_maxpool": ["Conv2D(2, (3, 3), activation='relu')",
                          "MaxPooling2D((2, 2))"],
    "conv_relu_same_maxpool": ["Conv2D(2, (3, 3), padding='same', activation='relu')",
                               "MaxPooling2D((3, 3), strides=2, padding='same')"],
    "relu_layer": ["Conv2D(2, (3, 3))", "Activation('relu')"],
    "maxpool": ["MaxPooling2D((2, 2))"],
    "minpool": ["MinPooling2D((2, 2))"],
    "avgpool": ["AveragePooling2D((2, 2))"],
    "global_max": ["Conv2D(2, (3, 3), activation='relu')", "GlobalMaxPooling2D()"],
    "global_avg": ["Conv2D(2, (3, 3), activation='relu')", "GlobalAveragePooling2D()"],
    "sigmoid": ["Conv2D(2, (3, 3), activation='sigmoid')"],
    "tanh": ["Conv2D(2, (3, 3), activation='tanh')"],
    "dense_relu": ["Flatten()", "Dense(4, activation='relu')"],
    "softmax": ["Flatten()", "Dense(4, activation='softmax')"],
}

HEADER = """from keras.models import Sequential
from keras.layers import (Activation, AveragePooling2D, Conv2D, Dense, Flatten,
                          GlobalAveragePooling2D, GlobalMaxPooling2D,
                          MaxPooling2D, MinPooling2D)

model = Sequential()
"""


def main():
    out = sys.argv[1]
    for name, layers in MODELS.items():
        lines = [HEADER]
        first = layers[0]
        first = first[:-1] + ("" if first.endswith("()") else ", ")
        lines.append("model.add(%sinput_shape=(8, 8, 1)))\n" % first)
        for layer in layers[1:]:
            lines.append("model.add(%s)\n" % layer)
        if "Flatten()" not in layers and not layers[-1].startswith("Global"):
            lines.append("model.add(Flatten())\n")
        lines.append("model.add(Dense(3))\n")
        with open(os.path.join(out, name + ".py"), "w") as f:
            f.write("".join(lines))


main()
