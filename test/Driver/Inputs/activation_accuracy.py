"""The accuracy of cnnc's float32 activations against float64 numpy.

usage: activation_accuracy.py models DIR      writes DIR/<name>.py and DIR/x.npy
       activation_accuracy.py check DIR       reads DIR/<name>.npy, prints
                                              each function's worst error in
                                              ulp and whether it is in bound

The inputs sweep [-20, 20] evenly, magnitudes from 1e-30 to 25 on a log
scale, and [-1e-3, 1e-3]: where polynomial forms lose accuracy (near 0, at
the clamps, in the tails). An error is in ulp of the float32 reference
value (|y - ref| / spacing(ref)); outputs below float32's normal range are
left out (denormals may flush). gelu's unit is never below |x| * 2^-24:
Keras's own float32 formula, 0.5 x (1 + erf(x / sqrt(2))), loses all of its
relative accuracy where 1 + erf cancels (x < -3), and so does cnnc's. The bounds are docs/compiler.md's:
polynomial exp/tanh/erf (MLIR's approximations, vectorized) against the
2 ulp of glibc's own float32 functions.
"""
import math, os, sys
import numpy as np

BOUNDS = {  # function: (worst ulp allowed, numpy reference in float64)
    'tanh': (5.0, np.tanh),
    'sigmoid': (3.0, lambda x: 1 / (1 + np.exp(-x))),
    'elu': (3.0, lambda x: np.where(x > 0, x, np.expm1(x))),
    'selu': (4.0, lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(x))),
    'softplus': (4.0, lambda x: np.logaddexp(0, x)),
    'swish': (4.0, lambda x: x / (1 + np.exp(-x))),
    'gelu': (4.0, lambda x: 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))),
    'mish': (7.0, lambda x: x * np.tanh(np.logaddexp(0, x))),
}


def sweep():
    r = np.random.default_rng(0)
    n = 16384
    magnitudes = np.exp(r.uniform(math.log(1e-30), math.log(25), 2 * n))
    x = np.concatenate([np.linspace(-20, 20, 2 * n), np.where(r.random(2 * n) < 0.5, -1, 1) * magnitudes,
                        r.uniform(-1e-3, 1e-3, n), r.uniform(-9, 9, 3 * n)])
    return x.astype(np.float32).reshape(16, -1)


def main():
    command, directory = sys.argv[1], sys.argv[2]
    if command == 'models':
        x = sweep()
        np.save(os.path.join(directory, 'x.npy'), x)
        for name in BOUNDS:
            with open(os.path.join(directory, name + '.py'), 'w') as f:
                f.write('from keras import Sequential\nfrom keras.layers import Activation\n'
                        f"model = Sequential()\nmodel.add(Activation('{name}', input_shape=({x.shape[1]},)))\n")
        return
    x = np.load(os.path.join(directory, 'x.npy')).astype(np.float64)
    failed = False
    for name, (bound, reference) in BOUNDS.items():
        y = np.load(os.path.join(directory, name + '.npy')).astype(np.float64)
        ref = reference(x)
        normal = np.abs(ref) >= np.finfo(np.float32).tiny
        unit = np.spacing(np.abs(ref).astype(np.float32)).astype(np.float64)
        if name == 'gelu':
            unit = np.maximum(unit, np.abs(x) * 2.0**-24)
        ulp = np.abs(y - ref)[normal] / unit[normal]
        worst = float(ulp.max()) if np.isfinite(y).all() else math.inf
        ok = worst <= bound
        failed |= not ok
        print(f'{name}: {"ok" if ok else "FAIL"}, worst {worst:.2f} ulp (bound {bound:g})')
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
