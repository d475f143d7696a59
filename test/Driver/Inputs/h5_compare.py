"""h5_compare.py A.h5 B.h5 SAME|DIFF NAME...: for each weight NAME
(e.g. conv2d/kernel:0, under model_weights/<layer>/ in a model.save file),
checks that A and B hold it bit for bit (SAME) or not (DIFF); prints one
line per weight and exits 1 on the first that does not hold."""
import sys

import h5py
import numpy as np


def dataset(f, name):
    layer = name.split("/")[0]
    return np.asarray(f["model_weights"][layer][name])


a_path, b_path, mode, *names = sys.argv[1:]
with h5py.File(a_path, "r") as a, h5py.File(b_path, "r") as b:
    for name in names:
        x, y = dataset(a, name), dataset(b, name)
        same = x.shape == y.shape and np.array_equal(x.view(np.uint32), y.view(np.uint32))
        print(f"{name}: {'same' if same else 'differs'}")
        if same != (mode == "SAME"):
            sys.exit(1)
