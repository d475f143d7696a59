"""Writes Keras 3 files by hand, from the facts of real ones (docs/keras-semantics.md
§6, "Keras 3 files"), not by cnnc, for one small Sequential model:

  Input (6, 6, 1) -> Conv2D 'conv2d' (3 filters, 3x3, relu)
  -> Conv2D 'features' (2 filters, 1x1) -> MaxPooling2D -> Flatten
  -> Dense 'dense' (4 units, relu) -> Dense 'out' (3 units, softmax)

Keras 3 stores a layer's variables under its class, not its name: the groups
are layers/conv2d, layers/conv2d_1 ('features'), layers/max_pooling2d,
layers/flatten, layers/dense, layers/dense_1 ('out'). expected.npy is the
model's output for x.npy, computed here with numpy.
Run with Debian's python3 (numpy, h5py):  keras3_files.py DIR

  DIR/k311.keras          Keras 3.1.1: stored members, string dtypes
  DIR/k380.keras          Keras 3.8.0: deflated members, DTypePolicy
                          objects, `name` attributes on every vars group
  DIR/tfk213.keras        tf.keras 2.13.1: _layer_checkpoint_dependencies/,
                          batch_input_shape, config {name, layers} only
  DIR/windows.keras       tf.keras 2.15.0 on Windows: `layers\\conv2d` links
  DIR/topology.json       the model as Keras 2 to_json() (no weights)
  DIR/model.py            the model in Python
  DIR/model.weights.h5    Keras 3 save_weights() (with an optimizer group)
  DIR/bad-*.keras, DIR/bad-*.weights.h5   one fault each (see the tests)
"""
import copy
import io
import json
import os
import sys
import warnings
import zipfile

import h5py
import numpy as np

# bad-duplicate.keras is meant to have two members of one name.
warnings.filterwarnings("ignore", "Duplicate name")
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(11)
W = {
    "conv2d": [rng.uniform(-0.5, 0.5, (3, 3, 1, 3)), rng.uniform(-0.5, 0.5, (3,))],
    "features": [rng.uniform(-0.5, 0.5, (1, 1, 3, 2)), rng.uniform(-0.5, 0.5, (2,))],
    "dense": [rng.uniform(-0.5, 0.5, (8, 4)), rng.uniform(-0.5, 0.5, (4,))],
    "out": [rng.uniform(-0.5, 0.5, (4, 3)), rng.uniform(-0.5, 0.5, (3,))],
}
W = {k: [a.astype("<f4") for a in v] for k, v in W.items()}
x = rng.uniform(0, 1, (2, 6, 6, 1)).astype("<f4")
np.save(os.path.join(out, "x.npy"), x)


def conv(a, k, b):
    kh, kw = k.shape[:2]
    n, h, w, _ = a.shape
    y = np.zeros((n, h - kh + 1, w - kw + 1, k.shape[3]))
    for i in range(h - kh + 1):
        for j in range(w - kw + 1):
            y[:, i, j, :] = np.einsum("nhwc,hwcf->nf", a[:, i:i + kh, j:j + kw, :], k) + b
    return y


def forward(w):
    a = np.maximum(conv(x.astype(np.float64), *w["conv2d"]), 0)
    a = conv(a, *w["features"])
    a = a.reshape(2, 2, 2, 2, 2, 2).max(axis=(2, 4))
    a = a.reshape(2, 8)
    a = np.maximum(a @ w["dense"][0] + w["dense"][1], 0)
    z = a @ w["out"][0] + w["out"][1]
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return (e / e.sum(axis=1, keepdims=True)).astype("<f4")


np.save(os.path.join(out, "expected.npy"), forward(W))

# The model's layers as model.layers lists them: (name, class, group, weights).
LAYERS = [("conv2d", "Conv2D", "conv2d"), ("features", "Conv2D", "conv2d_1"),
          ("max_pooling2d", "MaxPooling2D", "max_pooling2d"),
          ("flatten", "Flatten", "flatten"), ("dense", "Dense", "dense"),
          ("out", "Dense", "dense_1")]


def dtype(policy):
    if policy:
        return {"module": "keras", "class_name": "DTypePolicy",
                "config": {"name": "float32"}, "registered_name": None}
    return "float32"


def init(name):
    return {"module": "keras.initializers", "class_name": name,
            "config": {"seed": None} if name != "Zeros" else {}, "registered_name": None}


def keras3_layer(class_name, config, input_shape=None):
    entry = {"module": "keras.layers", "class_name": class_name, "config": config,
             "registered_name": None}
    if input_shape is not None:
        entry["build_config"] = {"input_shape": input_shape}
    return entry


def conv_config(name, filters, k, act, policy):
    return {"name": name, "trainable": True, "dtype": dtype(policy), "filters": filters,
            "kernel_size": [k, k], "strides": [1, 1], "padding": "valid",
            "data_format": "channels_last", "dilation_rate": [1, 1], "groups": 1,
            "activation": act, "use_bias": True,
            "kernel_initializer": init("GlorotUniform"), "bias_initializer": init("Zeros"),
            "kernel_regularizer": None, "bias_regularizer": None,
            "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None}


def dense_config(name, units, act, policy):
    c = conv_config(name, 0, 1, act, policy)
    for k in ("filters", "kernel_size", "strides", "padding", "data_format",
              "dilation_rate", "groups"):
        del c[k]
    c["units"] = units
    return c


def config(policy=False, tfkeras=False):
    """config.json of the model, as Keras 3 (or tf.keras 2.13+) writes it."""
    common = lambda n: {"name": n, "trainable": True, "dtype": dtype(policy)}
    if tfkeras:
        inp = {"batch_input_shape": [None, 6, 6, 1], "dtype": "float32", "sparse": False,
               "ragged": False, "name": "input_1"}
    else:
        inp = {"batch_shape": [None, 6, 6, 1], "dtype": dtype(policy), "sparse": False,
               "name": "input_layer"}
    layers = [
        keras3_layer("InputLayer", inp),
        keras3_layer("Conv2D", conv_config("conv2d", 3, 3, "relu", policy), [None, 6, 6, 1]),
        keras3_layer("Conv2D", conv_config("features", 2, 1, "linear", policy), [None, 4, 4, 3]),
        keras3_layer("MaxPooling2D", dict(common("max_pooling2d"), pool_size=[2, 2],
                                          padding="valid", strides=[2, 2],
                                          data_format="channels_last"), [None, 4, 4, 2]),
        keras3_layer("Flatten", dict(common("flatten"), data_format="channels_last"),
                     [None, 2, 2, 2]),
        keras3_layer("Dense", dense_config("dense", 4, "relu", policy), [None, 8]),
        keras3_layer("Dense", dense_config("out", 3, "softmax", policy), [None, 4]),
    ]
    model_config = {"name": "sequential", "layers": layers}
    if not tfkeras:
        model_config.update(trainable=True, dtype=dtype(policy),
                            build_input_shape=[None, 6, 6, 1])
    return {"module": "keras", "class_name": "Sequential", "config": model_config,
            "registered_name": None, "build_config": {"input_shape": [None, 6, 6, 1]},
            "compile_config": {"optimizer": "adam", "loss": "categorical_crossentropy",
                               "loss_weights": None, "metrics": ["accuracy"],
                               "weighted_metrics": None, "run_eagerly": False,
                               "steps_per_execution": 1, "jit_compile": False}}


def weights_file(root="layers", sep="/", names=False, weights=W, extra=None, optimizer=True):
    """model.weights.h5's bytes: <root><sep><group>/vars/<i> per layer."""
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        if sep == "/":
            f.create_group(root)
        for name, _, group in LAYERS:
            vars_ = f.create_group(root + sep + group).create_group("vars")
            if names:
                vars_.attrs["name"] = name
            for i, array in enumerate(weights.get(name, [])):
                vars_.create_dataset(str(i), data=array)
        for path, arrays in (extra or {}).items():
            vars_ = f.create_group(path + "/vars")
            for i, array in enumerate(arrays):
                vars_.create_dataset(str(i), data=array)
        if optimizer:
            opt = f.create_group("optimizer").create_group("vars")
            opt.create_dataset("0", data=np.int64(3))
            opt.create_dataset("1", data=np.float32(0.001))
        f.create_group("vars")
    return buffer.getvalue()


def archive(path, members, deflate=False):
    method = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    with zipfile.ZipFile(os.path.join(out, path), "w", method) as z:
        for name, data in members:
            z.writestr(name, data)


def metadata(version):
    return json.dumps({"keras_version": version, "date_saved": "2026-12-07@00:00:00"})


def keras_file(path, version="3.1.1", cfg=None, weights=None, deflate=False, drop=(),
               extra_members=()):
    members = [("metadata.json", metadata(version)),
               ("config.json", json.dumps(cfg if cfg is not None else config())),
               ("model.weights.h5", weights if weights is not None else weights_file())]
    members = [m for m in members if m[0] not in drop] + list(extra_members)
    archive(path, members, deflate)


keras_file("k311.keras")
keras_file("k380.keras", "3.8.0", config(policy=True), weights_file(names=True), deflate=True)
keras_file("tfk213.keras", "2.13.1", config(tfkeras=True),
           weights_file(root="_layer_checkpoint_dependencies", optimizer=False))
keras_file("windows.keras", "2.15.0", config(tfkeras=True), weights_file(sep="\\"))
with open(os.path.join(out, "model.weights.h5"), "wb") as f:
    f.write(weights_file())

# The topology alone, for --weights: Keras 2 to_json() and Python.
k2 = {"class_name": "Sequential", "keras_version": "2.12.0", "config": {"name": "sequential", "layers": [
    {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 6, 6, 1], "name": "input_1"}},
    {"class_name": "Conv2D", "config": {"name": "conv2d", "filters": 3, "kernel_size": [3, 3],
                                        "activation": "relu"}},
    {"class_name": "Conv2D", "config": {"name": "features", "filters": 2, "kernel_size": [1, 1]}},
    {"class_name": "MaxPooling2D", "config": {"name": "max_pooling2d"}},
    {"class_name": "Flatten", "config": {"name": "flatten"}},
    {"class_name": "Dense", "config": {"name": "dense", "units": 4, "activation": "relu"}},
    {"class_name": "Dense", "config": {"name": "out", "units": 3, "activation": "softmax"}}]}}
with open(os.path.join(out, "topology.json"), "w") as f:
    json.dump(k2, f)
with open(os.path.join(out, "model.py"), "w") as f:
    f.write("""from keras import Sequential, Input
from keras.layers import Conv2D, MaxPooling2D, Flatten, Dense
model = Sequential([
    Input(shape=(6, 6, 1)),
    Conv2D(3, (3, 3), activation='relu'),
    Conv2D(2, (1, 1), name='features'),
    MaxPooling2D(),
    Flatten(),
    Dense(4, activation='relu'),
    Dense(3, activation='softmax', name='out'),
])
""")

# Faults, one each.
keras_file("bad-no-config.keras", drop=("config.json",))
keras_file("bad-no-weights.keras", drop=("model.weights.h5",))
keras_file("bad-no-metadata.keras", drop=("metadata.json",))
keras_file("bad-npz.keras", drop=("model.weights.h5",),
           extra_members=[("model.weights.npz", b"PK\x05\x06" + bytes(18))])
archive("bad-config-syntax.keras", [("metadata.json", metadata("3.1.1")),
                                    ("config.json", '{"module": "keras",\n "class_name": Sequential}'),
                                    ("model.weights.h5", weights_file())])
archive("bad-metadata.keras", [("metadata.json", '{"keras_version": 3}'),
                               ("config.json", json.dumps(config())),
                               ("model.weights.h5", weights_file())])
# A zip bomb: 64 MiB of spaces deflate to 64 KB; config.json may be 16 MiB.
archive("bad-bomb.keras", [("metadata.json", metadata("3.1.1")),
                           ("config.json", b" " * (64 << 20)),
                           ("model.weights.h5", weights_file())], deflate=True)
keras_file("bad-path.keras", extra_members=[("../../etc/cnnc-evil", b"x")])
keras_file("bad-duplicate.keras", extra_members=[("config.json", json.dumps(config()))])
whole = open(os.path.join(out, "k311.keras"), "rb").read()
with open(os.path.join(out, "bad-truncated.keras"), "wb") as f:
    f.write(whole[:len(whole) // 2])
with open(os.path.join(out, "bad-not-zip.keras"), "wb") as f:
    f.write(b"this is not a zip archive\n")
# A member whose header claims fewer bytes than it holds: the central
# directory's and the local header's uncompressed size of config.json.
raw = bytearray(whole)
size = len(json.dumps(config()))
for sig in (b"PK\x01\x02", b"PK\x03\x04"):
    pos = raw.find(sig)
    while pos >= 0:
        name_at = pos + (46 if sig == b"PK\x01\x02" else 30)
        if raw[name_at:name_at + 11] == b"config.json":
            field = pos + (24 if sig == b"PK\x01\x02" else 22)
            raw[field:field + 4] = (size - 100).to_bytes(4, "little")
        pos = raw.find(sig, pos + 4)
with open(os.path.join(out, "bad-lying-size.keras"), "wb") as f:
    f.write(bytes(raw))
# The weights: a group no layer has, a name attribute naming another layer,
# a legacy layout inside an archive, a shape that does not fit, a missing
# variable, a weights file that is not HDF5.
keras_file("bad-extra-group.keras",
           weights=weights_file(extra={"layers/conv2d_2": [W["conv2d"][1]]}))
renamed = io.BytesIO(weights_file(names=True))
with h5py.File(renamed, "r+") as f:
    f["layers/dense/vars"].attrs["name"] = "out"
keras_file("bad-name-attribute.keras", "3.8.0", weights=renamed.getvalue())
legacy = io.BytesIO()
with h5py.File(legacy, "w") as f:
    f.attrs["layer_names"] = [b"conv2d"]
keras_file("bad-legacy-weights.keras", weights=legacy.getvalue())
swapped = dict(W)
swapped["dense"] = [W["dense"][0].T.copy(), W["dense"][1]]
keras_file("bad-shape.keras", weights=weights_file(weights=swapped))
gap = io.BytesIO(weights_file())
with h5py.File(gap, "r+") as f:
    f["layers/dense/vars/2"] = f["layers/dense/vars/1"][()]
    del f["layers/dense/vars/1"]
keras_file("bad-vars-gap.keras", weights=gap.getvalue())
keras_file("bad-weights-not-h5.keras", weights=b"not an HDF5 file")
# A Functional model: refused for now, with a position; and one with a
# Lambda, which is refused as such.
functional = config()
functional["class_name"] = "Functional"
functional["module"] = "keras.src.models.functional"
keras_file("bad-functional.keras", cfg=functional)
lam = config()
lam["config"]["layers"].insert(2, keras3_layer("Lambda", {
    "name": "sampling", "trainable": True, "dtype": "float32",
    "function": {"module": "builtins", "class_name": "function",
                 "config": "Custom>sampling", "registered_name": "function"}}))
keras_file("bad-lambda.keras", "3.8.0", cfg=lam)
with open(os.path.join(out, "bad-extra.weights.h5"), "wb") as f:
    f.write(weights_file(extra={"layers/dense_2": [W["out"][1]]}))
