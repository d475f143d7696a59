"""Keras legacy HDF5 files for the interop tests, with h5py as Keras uses it.

  keras_h5.py write MODEL.json OUT.h5 --layout save|save_weights
              [--strings fixed|ascii|utf8] [--optimizer-weights] [--keras-names]
      A TF.js model.json (topology + weight shards) as Keras 2's
      model.save('m.h5') or model.save_weights('w.h5') writes it
      (docs/keras-semantics.md §6). --strings: the scalar string attributes
      fixed-length (Keras 2 with h5py 2), variable-length ASCII (bytes with
      h5py 3, the default) or variable-length UTF-8 (a str); the name lists
      are always fixed-length byte-string arrays, an empty one a zero-length
      float64 array, as Keras writes them.
      --optimizer-weights adds Adam's slots under optimizer_weights and
      Keras 2.11+'s empty top_level_model_weights group (neither is in
      layer_names). --keras-names (save_weights only) names the layers as
      tf.keras would (conv2d, conv2d_1, ...), so that they match the TF.js
      topology's layers only by order, as Keras's load_weights binds them.
  keras_h5.py write-all DIR
      For each DIR/mK made by tfjs_models.js without MinPooling: mK/m.h5
      (model.save layout) and mK/w.h5 (save_weights layout), the variants
      taken in turn across the models; prints how many of each.
  keras_h5.py check FILE.h5 MODEL.json
      FILE.h5 (cnnc's export of MODEL.json's model) has Keras's model.save
      layout and holds MODEL.json's weights bit for bit; prints what it checked.
  keras_h5.py to-tfjs FILE.h5 OUT_DIR [--topology T.json]
      Loads FILE.h5 as Keras's load_model (or, with the topology T.json,
      load_weights) does: layer order from layer_names, weight order from
      weight_names, never from listing the file; the file's layers with
      weights bound to the model's in order. Writes OUT_DIR/model.json +
      weights.bin for TF.js.
"""
import argparse
import json
import os
import re
import sys

import h5py
import numpy as np


def read_tfjs(path):
    """The topology ({class_name, config}) and [(weight name, array)] of a model.json."""
    with open(path) as f:
        model = json.load(f)
    topology = model["modelTopology"]
    topology = topology.get("model_config", topology)
    blob = b""
    specs = []
    for group in model.get("weightsManifest", []):
        specs += group["weights"]
        for p in group["paths"]:
            with open(os.path.join(os.path.dirname(path), p), "rb") as f:
                blob += f.read()
    weights, offset = [], 0
    for spec in specs:
        assert spec.get("dtype", "float32") == "float32", spec
        count = int(np.prod(spec["shape"], dtype=np.int64))
        array = np.frombuffer(blob, "<f4", count, offset).reshape(spec["shape"])
        weights.append((spec["name"], array))
        offset += 4 * count
    assert offset == len(blob), "the shards hold more bytes than the manifest names"
    return {"class_name": topology["class_name"], "config": topology["config"]}, weights


# cnnc's own layers, which Keras has no class for (a Minimum merge layer is
# Keras's).
MIN_POOLING = ("MinPooling2D", "GlobalMinPooling2D")


def layers_of(topology):
    """The model's layers as Keras's model.layers lists them (no InputLayer)."""
    return [l for l in topology["config"]["layers"] if l["class_name"] != "InputLayer"]


def snake(name):
    """Keras's generic_utils.to_snake_case, for its auto-names."""
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()


def keras_names(layers):
    """tf.keras's auto-names: conv2d, conv2d_1, max_pooling2d, ..."""
    seen, names = {}, []
    for layer in layers:
        base = snake(layer["class_name"])
        n = seen.get(base, 0)
        seen[base] = n + 1
        names.append(base if n == 0 else f"{base}_{n}")
    return names


def string_attr(group, key, text, strings):
    # Keras 2 writes `value.encode('utf8')` or a str. h5py 2 stored bytes as
    # a fixed-length string, h5py 3 stores them variable-length ASCII; a str
    # is variable-length UTF-8.
    if strings == "fixed":
        group.attrs[key] = np.bytes_(text.encode("utf8"))
    elif strings == "ascii":
        group.attrs[key] = text.encode("utf8")
    else:
        group.attrs[key] = text


def name_list_attr(group, key, names):
    # save_attributes_to_hdf5_group: np.asarray of a list of bytes, so a
    # fixed-length 'S' array; [] becomes an empty float64 array.
    group.attrs[key] = np.asarray([n.encode("utf8") for n in names])


def write(args):
    if args.keras_names and args.layout == "save":
        sys.exit("keras_h5.py: --keras-names is for save_weights (a model.save file names its own layers)")
    topology, weights = read_tfjs(args.model)
    layers = layers_of(topology)
    if any(l["class_name"] in MIN_POOLING for l in layers):
        sys.exit("keras_h5.py: Keras has no MinPooling: no .h5 for this model")
    names = keras_names(layers) if args.keras_names else [l["config"]["name"] for l in layers]
    # The weights in manifest order belong to the layers in order: TF.js names
    # them <layer>/<kernel|bias>.
    by_layer = {}
    for name, array in weights:
        layer, short = name.rsplit("/", 1)
        by_layer.setdefault(layer, []).append((short, array))
    with h5py.File(args.out, "w") as f:
        string_attr(f, "keras_version", "2.12.0", args.strings)
        string_attr(f, "backend", "tensorflow", args.strings)
        root = f
        if args.layout == "save":
            string_attr(f, "model_config", json.dumps(topology), args.strings)
            string_attr(f, "training_config", json.dumps(TRAINING_CONFIG), args.strings)
            root = f.create_group("model_weights")
            # save_weights_to_hdf5_group encodes these two (ascii with h5py 3).
            string_attr(root, "backend", "tensorflow", args.strings if args.strings == "fixed" else "ascii")
            string_attr(root, "keras_version", "2.12.0", args.strings if args.strings == "fixed" else "ascii")
        name_list_attr(root, "layer_names", names)
        for layer, name in zip(layers, names):
            group = root.create_group(name)
            own = by_layer.get(layer["config"]["name"], [])
            weight_names = [f"{name}/{short}:0" for short, _ in own]
            name_list_attr(group, "weight_names", weight_names)
            for weight_name, (_, array) in zip(weight_names, own):
                group.create_dataset(weight_name, data=array.astype("<f4"))
        if args.optimizer_weights:
            if args.layout == "save":
                opt = f.create_group("optimizer_weights")
                slots = ["Adam/iter:0"]
                opt.create_dataset("Adam/iter:0", data=np.int64(20))
                for name in names:
                    for weight_name in name_list(root[name], "weight_names"):
                        for slot in ("m", "v"):
                            slot_name = f"Adam/{weight_name[:-2]}/{slot}:0"
                            shape = root[name][weight_name].shape
                            opt.create_dataset(slot_name, data=np.full(shape, 0.25, "<f4"))
                            slots.append(slot_name)
                name_list_attr(opt, "weight_names", slots)
            top = root.create_group("top_level_model_weights")
            name_list_attr(top, "weight_names", [])


# What tf.keras 2.12's model.save writes for compile(optimizer='adam',
# loss='sparse_categorical_crossentropy', metrics=['accuracy']).
TRAINING_CONFIG = {
    "loss": "sparse_categorical_crossentropy",
    "metrics": [[{"class_name": "MeanMetricWrapper",
                  "config": {"name": "accuracy", "dtype": "float32",
                             "fn": "sparse_categorical_accuracy"}}]],
    "weighted_metrics": None, "loss_weights": None,
    "optimizer_config": {"class_name": "Custom>Adam", "config": {
        "name": "Adam", "weight_decay": None, "clipnorm": None, "global_clipnorm": None,
        "clipvalue": None, "use_ema": False, "ema_momentum": 0.99,
        "ema_overwrite_frequency": None, "jit_compile": False, "is_legacy_optimizer": False,
        "learning_rate": 0.0010000000474974513, "beta_1": 0.9, "beta_2": 0.999,
        "epsilon": 1e-07, "amsgrad": False}},
}


def write_all(args):
    models = sorted((d for d in os.listdir(args.dir) if re.fullmatch(r"m\d+", d)), key=lambda d: int(d[1:]))
    counts = {}
    j = 0
    for d in models:
        model = os.path.join(args.dir, d, "model.json")
        if any(l["class_name"] in MIN_POOLING for l in layers_of(read_tfjs(model)[0])):
            continue
        variants = [
            ("m.h5", dict(layout="save", strings=["fixed", "ascii", "utf8"][j % 3],
                          optimizer_weights=j % 2 == 0, keras_names=False)),
            ("w.h5", dict(layout="save_weights", strings=["utf8", "fixed", "ascii"][j % 3],
                          optimizer_weights=False, keras_names=j % 2 == 1)),
        ]
        for name, options in variants:
            write(argparse.Namespace(model=model, out=os.path.join(args.dir, d, name), **options))
            for key in [f"{name} strings {options['strings']}"] + \
                       [f"{name} {k.replace('_', ' ')}" for k in ("optimizer_weights", "keras_names") if options[k]]:
                counts[key] = counts.get(key, 0) + 1
        j += 1
    print(f"{j} models written as .h5")
    for key in sorted(counts):
        print(f"  {key}: {counts[key]}")


def text(value):
    return value.decode("utf8") if isinstance(value, bytes) else str(value)


def name_list(group, key):
    """A Keras name list attribute: fixed-length byte strings (or empty)."""
    value = group.attrs[key]
    assert isinstance(value, np.ndarray) and value.ndim == 1, f"{group.name} {key}: {value!r}"
    if value.size == 0:
        return []
    assert value.dtype.kind == "S", f"{group.name} {key} is {value.dtype}, not fixed-length bytes"
    return [v.decode("utf8") for v in value]


def check(args):
    _, weights = read_tfjs(args.model)
    problems = []
    with h5py.File(args.h5, "r") as f:
        version = f.id.get_create_plist().get_version()[0]
        if version != 0:
            problems.append(f"superblock version {version}, not 0 as h5py writes for Keras")
        for key in ("keras_version", "backend", "model_config"):
            if key not in f.attrs:
                problems.append(f"no root attribute {key}")
        config = json.loads(text(f.attrs["model_config"]))
        layers = layers_of(config)
        group = f["model_weights"]
        for key in ("keras_version", "backend"):
            if key not in group.attrs:
                problems.append(f"no model_weights attribute {key}")
        layer_names = name_list(group, "layer_names")
        if layer_names != [l["config"]["name"] for l in layers]:
            problems.append(f"layer_names {layer_names} are not the model_config's layers")
        stored = []
        for name in layer_names:
            for weight_name in name_list(group[name], "weight_names"):
                if not weight_name.startswith(name + "/") or not weight_name.endswith(":0"):
                    problems.append(f"weight name {weight_name} in layer {name}")
                data = group[name][weight_name]
                if data.dtype.str != "<f4" or data.chunks is not None:
                    problems.append(f"{data.name}: {data.dtype.str}, chunks {data.chunks}")
                stored.append((weight_name, data[()]))
        if [w.rsplit("/", 1)[1] for w, _ in stored] != [n.rsplit("/", 1)[1] + ":0" for n, _ in weights]:
            problems.append(f"weights {[w for w, _ in stored]}, model.json has {[n for n, _ in weights]}")
        for (name, array), (_, want) in zip(stored, weights):
            if array.shape != want.shape or not np.array_equal(array, want):
                problems.append(f"{name} differs from the model.json's weight")
        print(f"{len(layer_names)} layers, {len(stored)} weights; "
              f"model_config {config['class_name']} of {len(layers)} layers")
    for p in problems:
        print("PROBLEM: " + p)
    sys.exit(1 if problems else 0)


def to_tfjs(args):
    """Keras's legacy load: the file's layers with weights, in layer_names
    order, go to the model_config's layers with weights, in order."""
    with h5py.File(args.h5, "r") as f:
        if args.topology:
            with open(args.topology) as t:
                topology = json.load(t)
        else:
            topology = json.loads(text(f.attrs["model_config"]))
        group = f["model_weights"] if "model_weights" in f else f
        filed = [[group[n][w][()] for w in name_list(group[n], "weight_names")]
                 for n in name_list(group, "layer_names")]
    filed = [w for w in filed if w]
    weighted = [l for l in layers_of(topology) if l["class_name"] in ("Conv2D", "Dense")]
    assert len(filed) == len(weighted), f"{len(filed)} layers with weights, model has {len(weighted)}"
    specs, blob = [], b""
    for layer, arrays in zip(weighted, filed):
        for short, array in zip(("kernel", "bias"), arrays):
            specs.append({"name": f"{layer['config']['name']}/{short}",
                          "shape": list(array.shape), "dtype": "float32"})
            blob += array.astype("<f4").tobytes()
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "weights.bin"), "wb") as f:
        f.write(blob)
    with open(os.path.join(args.out, "model.json"), "w") as f:
        json.dump({"format": "layers-model", "modelTopology": topology,
                   "weightsManifest": [{"paths": ["weights.bin"], "weights": specs}]}, f)


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("write")
    p.add_argument("model")
    p.add_argument("out")
    p.add_argument("--layout", choices=["save", "save_weights"], required=True)
    p.add_argument("--strings", choices=["fixed", "ascii", "utf8"], default="ascii")
    p.add_argument("--optimizer-weights", action="store_true")
    p.add_argument("--keras-names", action="store_true")
    p.set_defaults(run=write)
    p = sub.add_parser("write-all")
    p.add_argument("dir")
    p.set_defaults(run=write_all)
    p = sub.add_parser("check")
    p.add_argument("h5")
    p.add_argument("model")
    p.set_defaults(run=check)
    p = sub.add_parser("to-tfjs")
    p.add_argument("h5")
    p.add_argument("out")
    p.add_argument("--topology")
    p.set_defaults(run=to_tfjs)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
