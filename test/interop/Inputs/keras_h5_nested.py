"""A TF.js model.json that nests models, as tf.keras 2's model.save('m.h5')
writes it: model_config is the topology, and each top-level layer has a group
under model_weights; a nested model's group holds the weights of every layer
inside it (at any depth) as "<layer>/<variable>:0", its trainable weights
first and every moving statistic after them (../shared/realworld2 README,
keras-semantics.md §6), so that binding by position would go wrong.

  keras_h5_nested.py MODEL.json OUT.h5
"""
import json
import sys

import h5py
import numpy as np

sys.path.insert(0, __import__("os").path.dirname(__file__))
from keras_h5 import read_tfjs  # noqa: E402

MODELS = ("Sequential", "Functional", "Model")


def leaves(layer):
    """The names of the layers a top-level layer holds (itself unless a model)."""
    if layer["class_name"] not in MODELS:
        return [layer["config"]["name"]]
    return [n for inner in layer["config"]["layers"] for n in leaves(inner)]


def main():
    model_json, out = sys.argv[1:3]
    topology, weights = read_tfjs(model_json)
    top = [l for l in topology["config"]["layers"]]
    with h5py.File(out, "w") as f:
        f.attrs["keras_version"] = b"2.15.0"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps(topology).encode()
        root = f.create_group("model_weights")
        names = []
        for layer in top:
            name = layer["config"].get("name", layer.get("name"))
            names.append(name.encode())
            owned = set(leaves(layer))
            mine = [(n, a) for n, a in weights if n.split("/")[0] in owned]
            if layer["class_name"] in MODELS:
                mine = [w for w in mine if "moving_" not in w[0]] + \
                       [w for w in mine if "moving_" in w[0]]
            group = root.create_group(name)
            group.attrs["weight_names"] = np.array(
                [(n + ":0").encode() for n, _ in mine]) if mine else np.zeros(0)
            for n, a in mine:
                group.create_dataset(n + ":0", data=a)
        root.attrs["layer_names"] = np.array(names)
    print(f"{out}: {len(top)} layers")


if __name__ == "__main__":
    main()
