"""Gives every BatchNormalization of a Keras .h5 weight file statistics a
trained model could have, seeded: gamma in [-1.5, 1.5] (both signs, so a
rule that assumed gamma >= 0 would show), beta in [-1, 1], moving mean in
[-0.5, 1.5] and moving variance in [0.1, 2]; and every bias in [-0.3, 0.3],
so some relu outputs are zero and others not.

usage: bn_statistics.py FILE.h5 (rewritten in place)
"""
import sys

import h5py
import numpy as np

RANGES = {'gamma': (-1.5, 1.5), 'beta': (-1.0, 1.0), 'moving_mean': (-0.5, 1.5),
          'moving_variance': (0.1, 2.0), 'bias': (-0.3, 0.3)}

rng = np.random.default_rng(18)
with h5py.File(sys.argv[1], 'r+') as f:
    names = []
    f['model_weights'].visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
    for name in sorted(names):
        kind = name.rsplit('/', 1)[1].split(':')[0]
        if kind in RANGES:
            data = f['model_weights'][name]
            data[...] = rng.uniform(*RANGES[kind], data.shape).astype(np.float32)
