"""Writes legacy Keras .h5 weight files (save_weights layout) whose weight
names, not their order, say which layer and variable each array is, as in
real files (docs/keras-semantics.md §6), for one small model:

  Input (5, 5, 1) -> Conv2D 'conv2d_1' (2 filters, 3x3, relu) -> Flatten
  -> Dense 'dense_1' (3 units)

and its output for x.npy, computed here with numpy, as expected.npy.
Run with Debian's python3 (numpy, h5py):  legacy_h5_names.py DIR

  DIR/topology.json     Keras 2 to_json(), no weights
  DIR/keras205.h5       Keras 2.0.5: group conv2d_1 holds conv2d_1_1/kernel:0
  DIR/keras3.h5         Keras 3 legacy: names without ':0', input_layer listed
  DIR/bias-first.h5     a layer's arrays listed bias first
  DIR/nested.h5         one nested model's group listing its layers' arrays,
                        every kernel before every bias (as a nested model
                        lists its trainable weights before its statistics)
  DIR/bad-nested.h5     nested.h5 without dense_1's bias
"""
import json
import os
import sys

import h5py
import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(5)
k1 = rng.uniform(-0.5, 0.5, (3, 3, 1, 2)).astype("<f4")
b1 = rng.uniform(-0.5, 0.5, (2,)).astype("<f4")
k2 = rng.uniform(-0.5, 0.5, (18, 3)).astype("<f4")
b2 = rng.uniform(-0.5, 0.5, (3,)).astype("<f4")
x = rng.uniform(0, 1, (2, 5, 5, 1)).astype("<f4")
np.save(f"{out}/x.npy", x)
conv = np.zeros((2, 3, 3, 2))
for i in range(3):
    for j in range(3):
        conv[:, i, j, :] = np.einsum("nhwc,hwcf->nf", x[:, i:i + 3, j:j + 3, :], k1) + b1
np.save(f"{out}/expected.npy", (np.maximum(conv, 0).reshape(2, 18) @ k2 + b2).astype("<f4"))

topology = {"class_name": "Sequential", "keras_version": "2.0.5", "config": [
    {"class_name": "Conv2D", "config": {"name": "conv2d_1", "filters": 2, "kernel_size": [3, 3],
                                        "activation": "relu",
                                        "batch_input_shape": [None, 5, 5, 1]}},
    {"class_name": "Flatten", "config": {"name": "flatten_1"}},
    {"class_name": "Dense", "config": {"name": "dense_1", "units": 3}}]}
with open(f"{out}/topology.json", "w") as f:
    json.dump(topology, f)


def save(path, groups):
    """groups: [(group, [(weight name, array), ...])], in layer_names order."""
    with h5py.File(f"{out}/{path}", "w") as f:
        f.attrs["layer_names"] = [g.encode() for g, _ in groups]
        for group, arrays in groups:
            g = f.create_group(group)
            g.attrs["weight_names"] = [n.encode() for n, _ in arrays] or np.zeros((0,))
            for name, array in arrays:
                g.create_dataset(name, data=array)


save("keras205.h5", [("conv2d_1", [("conv2d_1_1/kernel:0", k1), ("conv2d_1_1/bias:0", b1)]),
                     ("flatten_1", []),
                     ("dense_1", [("dense_1_1/kernel:0", k2), ("dense_1_1/bias:0", b2)])])
save("keras3.h5", [("input_layer", []),
                   ("conv2d_1", [("conv2d_1/kernel", k1), ("conv2d_1/bias", b1)]),
                   ("flatten_1", []),
                   ("dense_1", [("dense_1/kernel", k2), ("dense_1/bias", b2)])])
save("bias-first.h5", [("conv2d_1", [("conv2d_1/bias:0", b1), ("conv2d_1/kernel:0", k1)]),
                       ("flatten_1", []),
                       ("dense_1", [("dense_1/kernel:0", k2), ("dense_1/bias:0", b2)])])
save("nested.h5", [("sequential_2", [("conv2d_1/kernel:0", k1), ("dense_1/kernel:0", k2),
                                     ("conv2d_1/bias:0", b1), ("dense_1/bias:0", b2)])])
save("bad-nested.h5", [("sequential_2", [("conv2d_1/kernel:0", k1), ("dense_1/kernel:0", k2),
                                         ("conv2d_1/bias:0", b1)])])
