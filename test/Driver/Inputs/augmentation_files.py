"""Writes one small model with Keras's six augmentation layers in front, in
every file form cnnc reads, by hand from the formats' facts (not by cnnc):

  Input (6, 6, 1) -> RandomFlip -> RandomRotation -> RandomZoom
  -> RandomTranslation -> RandomContrast -> RandomBrightness
  -> Conv2D 'conv2d' (2 filters, 3x3, relu) -> Flatten -> Dense 'out' (3)

At inference the augmentation layers are identities (training=False), so
expected.npy, the output for x.npy, is computed here in numpy from the
convolution and the dense layer alone.
Run with Debian's python3 (numpy, h5py):  augmentation_files.py DIR

  DIR/model.h5       tf.keras 2.15 model.save(): model_config + model_weights
  DIR/model.keras    Keras 3.8: config.json with module/DTypePolicy/
                     data_format/value_range fields, model.weights.h5 with an
                     empty vars group per augmentation layer
  DIR/tfjs/model.json + weights.bin   a TF.js layers model (converter form)
  DIR/model.py       the model in Python
"""
import io
import json
import os
import sys
import zipfile

import h5py
import numpy as np

out = sys.argv[1]
os.makedirs(os.path.join(out, "tfjs"), exist_ok=True)
rng = np.random.default_rng(18)
kernel = rng.uniform(-0.5, 0.5, (3, 3, 1, 2)).astype("<f4")
bias = rng.uniform(-0.5, 0.5, (2,)).astype("<f4")
dense = rng.uniform(-0.5, 0.5, (32, 3)).astype("<f4")
dense_bias = rng.uniform(-0.5, 0.5, (3,)).astype("<f4")
x = rng.uniform(0, 1, (3, 6, 6, 1)).astype("<f4")
np.save(os.path.join(out, "x.npy"), x)
conv = np.zeros((3, 4, 4, 2))
for i in range(4):
    for j in range(4):
        conv[:, i, j, :] = np.einsum("nhwc,hwcf->nf", x[:, i:i + 3, j:j + 3, :], kernel) + bias
y = np.maximum(conv, 0).reshape(3, 32) @ dense + dense_bias
np.save(os.path.join(out, "expected.npy"), y.astype("<f4"))

# The augmentation layers as tf.keras 2.15's get_config() writes them.
AUGMENTATION = [
    ("RandomFlip", {"name": "random_flip", "mode": "horizontal", "seed": 42}),
    ("RandomRotation", {"name": "random_rotation", "factor": 0.2, "fill_mode": "reflect",
                        "fill_value": 0.0, "interpolation": "bilinear", "seed": 42}),
    ("RandomZoom", {"name": "random_zoom", "height_factor": 0.2, "width_factor": None,
                    "fill_mode": "reflect", "fill_value": 0.0, "interpolation": "bilinear",
                    "seed": 42}),
    ("RandomTranslation", {"name": "random_translation", "height_factor": [-0.1, 0.1],
                           "width_factor": 0.1, "fill_mode": "constant", "fill_value": 0.0,
                           "interpolation": "nearest", "seed": None}),
    ("RandomContrast", {"name": "random_contrast", "factor": 0.3, "seed": 42}),
    ("RandomBrightness", {"name": "random_brightness", "factor": [-0.3, 0.3],
                          "value_range": [0, 255], "seed": 42}),
]
WEIGHTS = {"conv2d": [("kernel", kernel), ("bias", bias)],
           "out": [("kernel", dense), ("bias", dense_bias)]}


def keras2_layers(dtype="float32"):
    layers = [{"class_name": "InputLayer", "config": {
        "batch_input_shape": [None, 6, 6, 1], "dtype": "float32", "sparse": False,
        "ragged": False, "name": "random_flip_input"}}]
    for cls, cfg in AUGMENTATION:
        layers.append({"class_name": cls, "config": dict(cfg, trainable=True, dtype=dtype)})
    layers += [
        {"class_name": "Conv2D", "config": {
            "name": "conv2d", "trainable": True, "dtype": dtype, "filters": 2,
            "kernel_size": [3, 3], "strides": [1, 1], "padding": "valid",
            "data_format": "channels_last", "dilation_rate": [1, 1], "groups": 1,
            "activation": "relu", "use_bias": True}},
        {"class_name": "Flatten", "config": {"name": "flatten", "trainable": True,
                                             "dtype": dtype, "data_format": "channels_last"}},
        {"class_name": "Dense", "config": {"name": "out", "trainable": True, "dtype": dtype,
                                           "units": 3, "activation": "linear",
                                           "use_bias": True}}]
    return layers


NAMES = [cfg["name"] for _, cfg in AUGMENTATION] + ["conv2d", "flatten", "out"]

# tf.keras 2.15 model.save("model.h5").
with h5py.File(os.path.join(out, "model.h5"), "w") as f:
    f.attrs["keras_version"] = "2.15.0"
    f.attrs["backend"] = "tensorflow"
    f.attrs["model_config"] = json.dumps({"class_name": "Sequential", "config": {
        "name": "sequential", "layers": keras2_layers()}})
    g = f.create_group("model_weights")
    g.attrs["layer_names"] = [n.encode() for n in NAMES]
    for name in NAMES:
        lg = g.create_group(name)
        arrays = WEIGHTS.get(name, [])
        lg.attrs["weight_names"] = [f"{name}/{w}:0".encode() for w, _ in arrays] or np.zeros((0,))
        for w, a in arrays:
            lg.create_dataset(f"{name}/{w}:0", data=a)

# Keras 3.8's model.save("model.keras"): its configs carry module and
# DTypePolicy, the image layers data_format, and RandomRotation and
# RandomContrast value_range.
policy = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
          "registered_name": None}
k3_layers = [{"module": "keras.layers", "class_name": "InputLayer", "registered_name": None,
              "config": {"batch_shape": [None, 6, 6, 1], "dtype": "float32",
                         "sparse": False, "name": "input_layer"}}]
for entry in keras2_layers(policy)[1:]:
    cfg = dict(entry["config"])
    if entry["class_name"].startswith("Random"):
        cfg["data_format"] = "channels_last"
    if entry["class_name"] in ("RandomRotation", "RandomContrast"):
        cfg["value_range"] = [0, 255]
    k3_layers.append({"module": "keras.layers", "class_name": entry["class_name"],
                      "config": cfg, "registered_name": None})
k3_config = {"module": "keras", "class_name": "Sequential", "registered_name": None,
             "config": {"name": "sequential", "trainable": True, "dtype": policy,
                        "layers": k3_layers}}
buffer = io.BytesIO()
with h5py.File(buffer, "w") as f:
    # Keras 3 names the groups by class: layers/random_flip, ..., layers/dense.
    groups = [n if n != "out" else "dense" for n in NAMES]
    for name, group in zip(NAMES, groups):
        vars_ = f.create_group(f"layers/{group}/vars")
        for i, (_, a) in enumerate(WEIGHTS.get(name, [])):
            vars_.create_dataset(str(i), data=a)
    f.create_group("vars")
with zipfile.ZipFile(os.path.join(out, "model.keras"), "w", zipfile.ZIP_STORED) as z:
    z.writestr("metadata.json", json.dumps({"keras_version": "3.8.0",
                                            "date_saved": "2026-12-07@00:00:00"}))
    z.writestr("config.json", json.dumps(k3_config))
    z.writestr("model.weights.h5", buffer.getvalue())

# A TF.js layers model as tensorflowjs_converter writes one from model.h5.
manifest, data = [], b""
for name in ("conv2d", "out"):
    for w, a in WEIGHTS[name]:
        manifest.append({"name": f"{name}/{w}", "shape": list(a.shape), "dtype": "float32"})
        data += a.tobytes()
with open(os.path.join(out, "tfjs", "weights.bin"), "wb") as f:
    f.write(data)
with open(os.path.join(out, "tfjs", "model.json"), "w") as f:
    json.dump({"format": "layers-model", "generatedBy": "keras v2.15.0",
               "convertedBy": "TensorFlow.js Converter v4.22.0",
               "modelTopology": {"keras_version": "2.15.0", "backend": "tensorflow",
                                 "model_config": {"class_name": "Sequential", "config": {
                                     "name": "sequential", "layers": keras2_layers()}}},
               "weightsManifest": [{"paths": ["weights.bin"], "weights": manifest}]}, f)

with open(os.path.join(out, "model.py"), "w") as f:
    f.write("""from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    keras.Input(shape=(6, 6, 1)),
    layers.RandomFlip("horizontal", seed=42),
    layers.RandomRotation(0.2, seed=42),
    layers.RandomZoom(0.2, seed=42),
    layers.RandomTranslation((-0.1, 0.1), 0.1, fill_mode="constant",
                             interpolation="nearest"),
    layers.RandomContrast(0.3, seed=42),
    layers.RandomBrightness((-0.3, 0.3), value_range=(0, 255), seed=42),
    layers.Conv2D(2, 3, activation="relu"),
    layers.Flatten(),
    layers.Dense(3, name="out"),
])
model.compile(optimizer="sgd", loss="mse")
""")
