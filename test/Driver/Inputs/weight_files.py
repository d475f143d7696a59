"""Writes weight files in Keras's and TF.js's formats, by hand from
docs/keras-semantics.md §5-§6 (not by cnnc), for one small model:

  Input (5, 5, 1) -> Conv2D 'conv2d' (2 filters, 3x3, relu) -> Flatten
  -> Dense 'dense' (3 units)

and the model's output for x.npy, computed here with numpy, as expected.npy.
Run with Debian's python3 (numpy, h5py):  weight_files.py DIR

  DIR/topology.json       Keras 2 to_json(), no weights
  DIR/tfjs/               model.json + shard, float32
  DIR/tfjs-uint8/         uint8-quantized weights (expected-uint8.npy)
  DIR/tfjs-float16/       float16-quantized weights (expected-float16.npy)
  DIR/tfjs-split/         two groups, a weight straddling two shards
  DIR/tfjs-optimizer/     with the optimizer's state in the manifest
  DIR/renamed/            layers named otherwise: bound by position
  DIR/bad-*/              one fault each (see the test)
  DIR/save_weights.h5     model.save_weights() layout
  DIR/model.h5            model.save() layout, variable-length strings
  DIR/empty-*.h5          model.h5 whose weightless layer's weight_names is
                          another empty attribute: fixed (a zero-length
                          fixed-length string array, h5py's
                          np.array([], dtype='S')), vlen (zero-length
                          variable-length strings), int (zero-length int32),
                          null (h5py.Empty, a null dataspace)
  DIR/bad-*.h5            one fault each; bad-model-config.h5 and
                          bad-training-config.h5 a fault in the JSON of the
                          model_config / training_config attribute
"""
import copy
import json
import os
import sys

import h5py
import numpy as np

out = sys.argv[1]
rng = np.random.default_rng(7)
weights = {
    "conv2d/kernel": rng.uniform(-0.5, 0.5, (3, 3, 1, 2)).astype("<f4"),
    "conv2d/bias": rng.uniform(-0.5, 0.5, (2,)).astype("<f4"),
    "dense/kernel": rng.uniform(-0.5, 0.5, (18, 3)).astype("<f4"),
    "dense/bias": rng.uniform(-0.5, 0.5, (3,)).astype("<f4"),
}
x = rng.uniform(0, 1, (2, 5, 5, 1)).astype("<f4")


def forward(w):
    k, b = w["conv2d/kernel"], w["conv2d/bias"]
    conv = np.zeros((2, 3, 3, 2), np.float64)
    for i in range(3):
        for j in range(3):
            patch = x[:, i:i + 3, j:j + 3, :]
            conv[:, i, j, :] = np.einsum("nhwc,hwcf->nf", patch, k) + b
    hidden = np.maximum(conv, 0).reshape(2, 18)
    return (hidden @ w["dense/kernel"] + w["dense/bias"]).astype("<f4")


def layer(class_name, config):
    return {"class_name": class_name, "config": config}


topology = layer("Sequential", {"name": "sequential", "layers": [
    layer("InputLayer", {"batch_input_shape": [None, 5, 5, 1], "dtype": "float32",
                         "name": "conv2d_input"}),
    layer("Conv2D", {"name": "conv2d", "filters": 2, "kernel_size": [3, 3],
                     "activation": "relu", "padding": "valid"}),
    layer("Flatten", {"name": "flatten"}),
    layer("Dense", {"name": "dense", "units": 3}),
]})
topology["keras_version"] = "2.12.0"
topology["backend"] = "tensorflow"


def save(path, value):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(value, f)


save(f"{out}/topology.json", topology)
np.save(f"{out}/x.npy", x)
np.save(f"{out}/expected.npy", forward(weights))


def tfjs(name, entries, groups=None, topo=topology):
    """entries: (name, array, manifest-extra, bytes). groups: shard cuts."""
    data = b"".join(e[3] for e in entries)
    specs = []
    for n, a, extra, _ in entries:
        spec = {"name": n, "shape": list(a.shape), "dtype": "float32"}
        spec.update(extra)
        specs.append(spec)
    groups = groups or [([f"group1-shard1of1.bin"], specs, [len(data)])]
    manifest = []
    offset = 0
    for paths, group_specs, sizes in groups:
        for path, size in zip(paths, sizes):
            target = f"{out}/{name}/{path}"
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as f:
                f.write(data[offset:offset + size])
            offset += size
        manifest.append({"paths": paths, "weights": group_specs})
    save(f"{out}/{name}/model.json", {"format": "layers-model",
                                      "modelTopology": topo,
                                      "weightsManifest": manifest})


def plain(items=weights.items()):
    return [(n, a, {}, a.tobytes()) for n, a in items]


tfjs("tfjs", plain())

# uint8 / float16 quantization, as tensorflowjs_converter writes it.
quantized, dequantized = [], {}
for n, a in weights.items():
    lo, hi = float(a.min()), float(a.max())
    scale = (hi - lo) / 255
    q = np.round((a - lo) / scale).astype(np.uint8)
    dequantized[n] = (q * scale + lo).astype("<f4")
    quantized.append((n, a, {"quantization": {"dtype": "uint8", "scale": scale,
                                              "min": lo}}, q.tobytes()))
tfjs("tfjs-uint8", quantized)
np.save(f"{out}/expected-uint8.npy", forward(dequantized))
halves = {n: a.astype("<f2") for n, a in weights.items()}
tfjs("tfjs-float16", [(n, a, {"quantization": {"dtype": "float16"}},
                       halves[n].tobytes()) for n, a in weights.items()])
np.save(f"{out}/expected-float16.npy",
        forward({n: h.astype("<f4") for n, h in halves.items()}))

# Two groups; the second's dense/kernel straddles its two shards.
entries = plain()
first = entries[0][3] + entries[1][3]
second = entries[2][3] + entries[3][3]
specs = [{"name": n, "shape": list(a.shape), "dtype": "float32"} for n, a in weights.items()]
tfjs("tfjs-split", entries, groups=[
    (["./g1.bin"], specs[:2], [len(first)]),
    (["g2a.bin", "sub/g2b.bin"], specs[2:], [100, len(second) - 100])])

# Saved with its optimizer (TF.js's includeOptimizer): the optimizer's state
# follows the weights in the manifest, marked "group": "optimizer".
iteration = np.array(3, dtype="<i4")
moment = rng.uniform(size=(3,)).astype("<f4")
tfjs("tfjs-optimizer", plain() + [
    ("iter", iteration, {"dtype": "int32", "group": "optimizer"}, iteration.tobytes()),
    ("dense/bias/m", moment, {"group": "optimizer"}, moment.tobytes())])

# Other layer names, same structure: Keras binds by position.
renamed = copy.deepcopy(topology)
tfjs("renamed", [(n.replace("conv2d", "c").replace("dense", "d"), a, {}, b)
                 for n, a, _, b in plain()])

# Faults.
tfjs("bad-dtype", [(n, a, {"dtype": "int32"} if n == "dense/bias" else {}, b)
                   for n, a, _, b in plain()])
tfjs("bad-quantization", [(n, a, {"quantization": {"dtype": "int4"}} if n == "dense/bias" else {}, b)
                          for n, a, _, b in plain()])
tfjs("bad-short", plain())
with open(f"{out}/bad-short/group1-shard1of1.bin", "r+b") as f:
    f.truncate(os.path.getsize(f.name) - 4)
tfjs("bad-missing", plain())
os.remove(f"{out}/bad-missing/group1-shard1of1.bin")
tfjs("bad-escape", plain(), groups=[(["../tfjs/group1-shard1of1.bin"], specs,
                                     [sum(a.nbytes for a in weights.values())])])
wrong = dict(weights)
wrong["dense/kernel"] = rng.uniform(-0.5, 0.5, (18, 4)).astype("<f4")
wrong["dense/bias"] = rng.uniform(-0.5, 0.5, (4,)).astype("<f4")
tfjs("bad-shape", plain(wrong.items()))
tfjs("bad-layers", plain(list(weights.items())[:2]))
tfjs("bad-order", plain([(n, weights[n]) for n in
                         ["conv2d/bias", "conv2d/kernel", "dense/kernel", "dense/bias"]]))


def names(values):
    return np.array([v.encode() for v in values], dtype=f"S{max(len(v) for v in values)}")


training = {"loss": "mse", "optimizer_config": {
    "class_name": "SGD", "config": {"learning_rate": 0.05}}}


def keras_h5(path, model_save, variable_length=False,
             empty=np.zeros((0,), np.float64), topo=topology, train=training):
    with h5py.File(path, "w") as f:
        root = f
        if model_save:
            f.attrs["model_config"] = json.dumps(topo)
            f.attrs["training_config"] = json.dumps(train)
            root = f.create_group("model_weights")
            f.create_group("optimizer_weights").create_dataset("iter", data=np.int64(3))
        root.attrs["backend"] = "tensorflow"
        root.attrs["keras_version"] = "2.12.0"
        layers = ["conv2d", "flatten", "dense"]
        root.attrs["layer_names"] = (layers if variable_length else names(layers))
        for lay in layers:
            g = root.create_group(lay)
            ws = [n for n in weights if n.startswith(lay + "/")]
            if not ws:
                g.attrs["weight_names"] = empty
                continue
            wn = [f"{n}:0" for n in ws]
            g.attrs["weight_names"] = wn if variable_length else names(wn)
            for n, full in zip(ws, wn):
                g.create_dataset(full, data=weights[n])


keras_h5(f"{out}/save_weights.h5", model_save=False)
keras_h5(f"{out}/model.h5", model_save=True, variable_length=True)
for kind, empty in [("fixed", np.array([], dtype="S")),
                    ("vlen", np.array([], dtype=h5py.string_dtype())),
                    ("int", np.zeros((0,), np.int32)),
                    ("null", h5py.Empty("f"))]:
    keras_h5(f"{out}/empty-{kind}.h5", model_save=True, variable_length=True,
             empty=empty)
# A fault inside each embedded JSON, far along its one line.
bad_topology = copy.deepcopy(topology)
bad_topology["config"]["layers"][3]["config"]["activation"] = "swishy"
keras_h5(f"{out}/bad-model-config.h5", model_save=True, topo=bad_topology)
keras_h5(f"{out}/bad-training-config.h5", model_save=True,
         train=dict(training, loss="hinge"))
with open(f"{out}/model.h5", "rb") as f:
    image = f.read()
with open(f"{out}/bad-truncated.h5", "wb") as f:
    f.write(image[:len(image) // 2])
with open(f"{out}/bad-garbage.h5", "wb") as f:
    f.write(b"\x89HDF\r\n\x1a\n" + bytes(range(256)) * 8)
with h5py.File(f"{out}/bad-listed.h5", "w") as f:
    f.attrs["layer_names"] = names(["conv2d", "dense"])
    f.create_group("conv2d").attrs["weight_names"] = names(["conv2d/kernel:0"])
