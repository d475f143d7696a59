"""Checks that a .keras archive is laid out as Keras 3 writes one (the facts
of docs/keras-semantics.md §6, read from real files), and prints its
weight groups:  keras3_check.py FILE.keras

Members metadata.json, config.json, model.weights.h5 in that order, stored;
metadata {keras_version, date_saved}; config.json's model and every layer
wrapped as {module, class_name, config, registered_name}; an InputLayer
with batch_shape first; weights at layers/<snake_case(class)>[_k]/vars/<i>,
numbered per class in model order, an empty root `vars`, no root attributes.
"""
import io
import json
import re
import sys
import zipfile

import h5py

z = zipfile.ZipFile(sys.argv[1])
infos = z.infolist()
assert [i.filename for i in infos] == ["metadata.json", "config.json", "model.weights.h5"], infos
assert all(i.compress_type == zipfile.ZIP_STORED for i in infos), "members must be stored"
meta = json.loads(z.read("metadata.json"))
assert sorted(meta) == ["date_saved", "keras_version"], meta
assert re.fullmatch(r"\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d", meta["date_saved"]), meta
config = json.loads(z.read("config.json"))
for key in ("module", "class_name", "config", "registered_name", "build_config"):
    assert key in config, key
assert config["module"] == "keras" and config["class_name"] == "Sequential"
for key in ("name", "trainable", "dtype", "layers", "build_input_shape"):
    assert key in config["config"], key
layers = config["config"]["layers"]
assert layers[0]["class_name"] == "InputLayer" and "batch_shape" in layers[0]["config"]


def snake(name):
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


expected, used = [], {}
for layer in layers:
    assert sorted(layer)[:4] == ["class_name", "config", "module", "registered_name"], layer
    assert layer["module"] == "keras.layers" and layer["registered_name"] is None
    for value in layer["config"].values():
        if isinstance(value, dict) and "class_name" in value:
            assert value["module"] == "keras.initializers", value
    if layer["class_name"] == "InputLayer":
        continue
    key = snake(layer["class_name"])
    if key in used:
        used[key] += 1
        key = f"{key}_{used[key]}"
    else:
        used[key] = 0
    expected.append(key)

with h5py.File(io.BytesIO(z.read("model.weights.h5")), "r") as f:
    assert len(f.attrs) == 0 and len(f["vars"]) == 0
    assert sorted(f["layers"]) == sorted(expected), (sorted(f["layers"]), expected)
    for key, layer in zip(expected, layers[1:]):
        group = f["layers"][key]["vars"]
        shapes = [group[str(i)].shape for i in range(len(group))]
        assert all(group[str(i)].dtype == "<f4" for i in range(len(group)))
        print(f"layers/{key}/vars {layer['config']['name']} {shapes}")
