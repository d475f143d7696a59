#!/usr/bin/python3
"""int8 against FP32 on the MNIST test set: accuracy and top-1 agreement.

usage: int8_accuracy.py CNNC MODEL W Q [--data DIR]

Runs `CNNC predict MODEL --weights W` (FP32) and `--weights Q` (int8, a
`cnnc quantize` file of W) on the 10,000 test images (/255) and prints
each one's test accuracy, their difference in points and the share of
images whose top-1 class agrees. Issue 21's bar: within 0.1 points, and at
least 99.5 % agreement.
"""
import argparse, os, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np
from torch_infer import find, read_idx


def main():
    cache = os.path.join(os.environ.get('XDG_CACHE_HOME') or os.path.expanduser('~/.cache'),
                         'cnnc', 'datasets', 'mnist')
    ap = argparse.ArgumentParser()
    ap.add_argument('cnnc'); ap.add_argument('model'); ap.add_argument('weights')
    ap.add_argument('quantized'); ap.add_argument('--data', default=cache)
    a = ap.parse_args()
    images = read_idx(find(a.data, 't10k-images-idx3-ubyte'), 0x803)
    labels = read_idx(find(a.data, 't10k-labels-idx1-ubyte'), 0x801)
    with tempfile.TemporaryDirectory() as tmp:
        x = os.path.join(tmp, 'x.npy')
        np.save(x, (images.astype(np.float32) / np.float32(255))[..., None])
        out = {}
        for name, weights in (('fp32', a.weights), ('int8', a.quantized)):
            y = os.path.join(tmp, name + '.npy')
            subprocess.run([a.cnnc, 'predict', a.model, '--weights', weights,
                            '--input', x, '-o', y], check=True)
            out[name] = np.load(y).argmax(axis=1)
    fp32 = (out['fp32'] == labels).mean() * 100
    int8 = (out['int8'] == labels).mean() * 100
    agree = (out['fp32'] == out['int8']).mean() * 100
    print(f'test accuracy: fp32 {fp32:.2f} %, int8 {int8:.2f} % ({int8 - fp32:+.2f} points); '
          f'top-1 agreement {agree:.2f} % ({int((out["fp32"] != out["int8"]).sum())} of '
          f'{len(labels)} images differ)')


if __name__ == '__main__':
    main()
