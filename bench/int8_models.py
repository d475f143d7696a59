#!/usr/bin/python3
"""int8 against FP32 on published MNIST-shaped models: top-1 agreement.

usage: int8_models.py CNNC CASES_DIR [--calibrate N]

For each case folder of CASES_DIR (../shared/realworld's layout: an
expect.txt naming `model FILE` and maybe `weights FILE`, an x.npy) whose
x.npy is (n, 28, 28, 1) and which cnnc predicts, runs `cnnc quantize` on
the first N MNIST training images (default 1000) and `cnnc predict` with
the model's own weights (FP32) and with the quantized file (int8) on x.npy,
and prints the top-1 agreement and the largest output difference. Cases
cnnc refuses, or that are not 28x28x1, are listed as skipped. The data
stay where they are: nothing is copied.
"""
import argparse, os, subprocess, sys, tempfile

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('cnnc'); ap.add_argument('cases')
    ap.add_argument('--calibrate', type=int, default=1000)
    a = ap.parse_args()
    total_agree = total = 0
    for name in sorted(os.listdir(a.cases)):
        case = os.path.join(a.cases, name)
        expect = os.path.join(case, 'expect.txt')
        if not os.path.isfile(expect):
            continue
        fields = dict(line.split(None, 1) for line in open(expect).read().splitlines() if ' ' in line)
        x = os.path.join(case, 'x.npy')
        if 'predict' not in fields or np.load(x).shape[1:] != (28, 28, 1):
            print(f'{name}: skipped (not a 28x28x1 model cnnc predicts)')
            continue
        model = os.path.join(case, fields['model'].strip())
        weights = [os.path.join(case, fields['weights'].strip())] if 'weights' in fields else []
        with tempfile.TemporaryDirectory() as tmp:
            q = os.path.join(tmp, 'm.q')
            run = subprocess.run([a.cnnc, 'quantize', model, *sum([['--weights', w] for w in weights], []),
                                  '--calibrate', str(a.calibrate), '-o', q],
                                 capture_output=True, text=True)
            if run.returncode != 0:
                print(f'{name}: quantize refused: {run.stderr.strip()}')
                continue
            layers = run.stdout.split(':', 1)[1].split('(')[0].strip()
            out = {}
            for kind, w in (('fp32', weights), ('int8', ['--weights', q])):
                y = os.path.join(tmp, kind + '.npy')
                args = [a.cnnc, 'predict', model, *(['--weights', w[0]] if kind == 'fp32' and w else w),
                        '--input', x, '-o', y]
                subprocess.run(args, check=True, capture_output=True)
                out[kind] = np.load(y)
        agree = (out['fp32'].argmax(1) == out['int8'].argmax(1))
        total_agree += agree.sum(); total += len(agree)
        print(f'{name}: int8 layers {layers}; top-1 agreement {agree.mean() * 100:.1f} % '
              f'({agree.sum()} of {len(agree)}); max |int8 - fp32| '
              f'{np.abs(out["fp32"] - out["int8"]).max():.2e}')
    if total:
        print(f'all: {total_agree} of {total} images agree ({100 * total_agree / total:.1f} %)')


if __name__ == '__main__':
    main()
