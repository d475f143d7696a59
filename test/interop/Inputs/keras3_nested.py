"""The models of nested_script.py as Keras 3 .keras archives, written by hand
from Keras 3's rules (keras-semantics.md §6), with the weights TF.js gave
them (tfjs_nested_script.js):

  keras3_nested.py main|stacked MODEL.json OUT.keras

saving_lib saves a Sequential's and a Functional's `layers` first
(_walk_saveable), each in a group named by its snake-cased class, counted
per class within its model (_save_container_state); a nested model's
layers are below its own group: layers/sequential/layers/conv2d/vars/0.
So the outer Conv2D 'conv2d_1' is layers/conv2d and the block's 'conv2d'
layers/sequential/layers/conv2d. Keras 3.8's `name` attribute on each vars
group names the layer itself (not its path). Variables: kernel, bias; gamma, beta,
moving_mean, moving_variance."""
import io
import json
import os
import sys
import zipfile

import h5py

sys.path.insert(0, os.path.dirname(__file__))
from keras_h5 import read_tfjs  # noqa: E402


def layer(cls, name, inbound=None, **config):
    entry = {"module": "keras.layers", "class_name": cls,
             "config": dict(name=name, trainable=True, dtype="float32", **config),
             "registered_name": None, "name": name}
    if inbound is not None:
        entry["inbound_nodes"] = [{"args": [inbound], "kwargs": {}}]
    return entry


def tensor(name, shape):
    return {"class_name": "__keras_tensor__",
            "config": {"shape": shape, "dtype": "float32", "keras_history": [name, 0, 0]}}


def input_layer(name, shape):
    return {"module": "keras.layers", "class_name": "InputLayer",
            "config": {"batch_shape": shape, "dtype": "float32", "sparse": False,
                       "name": name}, "registered_name": None, "name": name,
            "inbound_nodes": []}


def conv(name, filters, k, activation, padding, inbound=None):
    return layer("Conv2D", name, inbound, filters=filters, kernel_size=[k, k],
                 strides=[1, 1], padding=padding, data_format="channels_last",
                 dilation_rate=[1, 1], groups=1, activation=activation, use_bias=True)


def functional(name, layers, inputs, outputs, inbound=None):
    entry = {"module": "keras.src.models.functional", "class_name": "Functional",
             "config": {"name": name, "trainable": True, "layers": layers,
                        "input_layers": [[inputs, 0, 0]],
                        "output_layers": [[outputs, 0, 0]]},
             "registered_name": "Functional", "name": name}
    if inbound is not None:
        entry["inbound_nodes"] = [{"args": [inbound], "kwargs": {}}]
    return entry


def main_model():
    block = {"module": "keras", "class_name": "Sequential",
             "config": {"name": "block", "trainable": True, "dtype": "float32", "layers": [
                 input_layer("input_layer_2", [None, 6, 6, 4]),
                 conv("conv2d", 4, 3, "relu", "same"),
                 layer("BatchNormalization", "batch_normalization", axis=-1,
                       momentum=0.99, epsilon=0.001, center=True, scale=True)],
                 "build_input_shape": [None, 6, 6, 4]},
             "registered_name": None, "name": "block",
             "inbound_nodes": [{"args": [tensor("conv2d_1", [None, 6, 6, 4])], "kwargs": {}}]}
    head = functional("head", [
        input_layer("input_layer", [None, 6, 6, 4]),
        layer("GlobalAveragePooling2D", "global_average_pooling2d",
              tensor("input_layer", [None, 6, 6, 4]), data_format="channels_last",
              keepdims=False),
        layer("Dense", "dense", tensor("global_average_pooling2d", [None, 4]),
              units=3, activation="softmax", use_bias=True)],
        "input_layer", "dense", tensor("add", [None, 6, 6, 4]))
    x = tensor("input_layer_1", [None, 6, 6, 2])
    layers = [input_layer("input_layer_1", [None, 6, 6, 2]),
              conv("conv2d_1", 4, 1, "linear", "valid", x), block,
              {**layer("Add", "add"), "inbound_nodes": [{"args": [[
                  tensor("conv2d_1", [None, 6, 6, 4]), tensor("block", [None, 6, 6, 4])]],
                  "kwargs": {}}]},
              head]
    config = {"module": "keras.src.models.functional", "class_name": "Functional",
              "config": {"name": "functional", "trainable": True, "layers": layers,
                         "input_layers": [["input_layer_1", 0, 0]],
                         "output_layers": [["head", 0, 0]]},
              "registered_name": "Functional"}
    groups = [("layers/input_layer", "input_layer_1"), ("layers/conv2d", "conv2d_1"),
              ("layers/sequential/layers/conv2d", "conv2d"),
              ("layers/sequential/layers/batch_normalization", "batch_normalization"),
              ("layers/add", "add"),
              ("layers/functional/layers/input_layer", "input_layer"),
              ("layers/functional/layers/global_average_pooling2d",
               "global_average_pooling2d"),
              ("layers/functional/layers/dense", "dense")]
    return config, groups


def stacked_model():
    stem = functional("stem", [
        input_layer("input_layer", [None, 6, 6, 2]),
        conv("conv2d_2", 3, 3, "relu", "valid", tensor("input_layer", [None, 6, 6, 2])),
        layer("MaxPooling2D", "max_pooling2d", tensor("conv2d_2", [None, 4, 4, 3]),
              pool_size=[2, 2], padding="valid", strides=[2, 2],
              data_format="channels_last")],
        "input_layer", "max_pooling2d")
    stem["build_config"] = {"input_shape": [None, 6, 6, 2]}
    layers = [input_layer("input_layer_1", [None, 6, 6, 2]), stem,
              layer("Flatten", "flatten", data_format="channels_last"),
              layer("Dense", "dense_1", units=2, activation="linear", use_bias=True)]
    for entry in layers:
        entry.pop("inbound_nodes", None)
        entry.pop("name", None)
    config = {"module": "keras", "class_name": "Sequential",
              "config": {"name": "stacked", "trainable": True, "dtype": "float32",
                         "layers": layers, "build_input_shape": [None, 6, 6, 2]},
              "registered_name": None}
    groups = [("layers/functional/layers/input_layer", "input_layer"),
              ("layers/functional/layers/conv2d", "conv2d_2"),
              ("layers/functional/layers/max_pooling2d", "max_pooling2d"),
              ("layers/flatten", "flatten"), ("layers/dense", "dense_1")]
    return config, groups


def main():
    which, model_json, out = sys.argv[1:4]
    config, groups = {"main": main_model, "stacked": stacked_model}[which]()
    _, weights = read_tfjs(model_json)
    order = ("kernel", "bias", "gamma", "beta", "moving_mean", "moving_variance")
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        for path, name in groups:
            vars_ = f.create_group(path + "/vars")
            owned = dict((n.split("/")[1], a) for n, a in weights
                         if n.split("/")[0] == name)
            vars_.attrs["name"] = name
            for i, var in enumerate(v for v in order if v in owned):
                vars_.create_dataset(str(i), data=owned[var])
        f.create_group("vars")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        z.writestr("metadata.json", json.dumps({"keras_version": "3.8.0",
                                                "date_saved": "2026-12-07@18:00:00"}))
        z.writestr("config.json", json.dumps(config))
        z.writestr("model.weights.h5", buffer.getvalue())
    print(f"{out}: {len(groups)} groups")


if __name__ == "__main__":
    main()
