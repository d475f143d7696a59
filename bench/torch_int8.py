#!/usr/bin/python3
"""PyTorch's own int8 inference of the lesson's model, beside cnnc's.

usage: torch_int8.py [--data DIR] [--batch B] [--threads T] [--passes N]
                     [--calibrate N] [--peak-gflops G]

Static post-training quantization with torch.ao.quantization on the oneDNN
engine (Debian's torch 1.13 has no fbgemm: its supported_engines are
qnnpack, none and onednn), as cnnc quantizes: conv + relu and the hidden
Dense + relu fused and int8, the classifier Dense and the softmax f32,
observers calibrated on the first N training images (default 1000). Set up
as torch_infer.py sets PyTorch up (OpenBLAS on one thread, channels-last,
denormals flushed; bench/README.md), with its random Keras-initialized
weights: this times the int8 forward pass, it does not measure accuracy.
Times the same thing as cnnc-bench: the 10,000 test images (/255) in
batches of B, best of N passes after a warm-up. Prints a sentence, then a
JSON line with cnnc-bench's keys.
"""
import argparse, json, os, sys, time

os.environ.setdefault('OPENBLAS_NUM_THREADS', '1')
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np
import torch, torch.nn as nn, torch.nn.functional as F
import torch.ao.quantization as tq
from torch_infer import Lesson, find, macs_per_image, read_idx


class QuantLesson(nn.Module):
    """Lesson with the quantization boundaries where cnnc puts them."""

    def __init__(s, base):
        super().__init__()
        s.quant, s.dequant = tq.QuantStub(), tq.DeQuantStub()
        s.c1, s.r1, s.c2, s.r2 = base.c1, nn.ReLU(), base.c2, nn.ReLU()
        s.d1, s.r3, s.d2 = base.d1, nn.ReLU(), base.d2

    def forward(s, x):
        x = F.max_pool2d(s.r1(s.c1(s.quant(x))), 2, 2)
        x = F.max_pool2d(s.r2(s.c2(x)), 2, 2)
        x = x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)  # Keras Flatten: NHWC
        x = s.dequant(s.r3(s.d1(x)))
        return F.softmax(s.d2(x), dim=1)


def main():
    cache = os.path.join(os.environ.get('XDG_CACHE_HOME') or os.path.expanduser('~/.cache'),
                         'cnnc', 'datasets', 'mnist')
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default=cache)
    ap.add_argument('--batch', type=int, default=256)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--passes', type=int, default=5)
    ap.add_argument('--calibrate', type=int, default=1000)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--peak-gflops', type=float, default=230.0)
    a = ap.parse_args()

    engines = torch.backends.quantized.supported_engines
    if 'onednn' not in engines:
        sys.exit(f'torch {torch.__version__} has no onednn quantized engine ({engines})')
    torch.backends.quantized.engine = 'onednn'
    torch.set_num_threads(a.threads); torch.manual_seed(a.seed)
    torch.set_flush_denormal(True)
    test = read_idx(find(a.data, 't10k-images-idx3-ubyte'), 0x803)
    train = read_idx(find(a.data, 'train-images-idx3-ubyte'), 0x803)[:a.calibrate]
    x = torch.from_numpy(test.astype(np.float32) / 255.).unsqueeze(1)
    calibration = torch.from_numpy(train.astype(np.float32) / 255.).unsqueeze(1)
    x = x.contiguous(memory_format=torch.channels_last)
    calibration = calibration.contiguous(memory_format=torch.channels_last)

    base = Lesson().eval()
    macs = macs_per_image(base, x[:1])
    model = QuantLesson(base).eval()
    model = tq.fuse_modules(model, [['c1', 'r1'], ['c2', 'r2'], ['d1', 'r3']])
    model.qconfig = tq.get_default_qconfig('onednn')
    model.d2.qconfig = None  # the classifier stays f32, as in cnnc
    tq.prepare(model, inplace=True)
    with torch.no_grad():
        model(calibration)
    tq.convert(model, inplace=True)

    y = torch.empty(len(x), 10)
    def one_pass():
        t0 = time.perf_counter()
        for i in range(0, len(x), a.batch):
            y[i:i + a.batch] = model(x[i:i + a.batch])
        return time.perf_counter() - t0

    with torch.no_grad():
        one_pass()
        times = [one_pass() for _ in range(a.passes)]
    best = min(times)
    ips = len(x) / best
    mflop = 2 * macs / 1e6
    gflops = ips * mflop / 1e3
    impl = f'pytorch {torch.__version__} int8 (onednn)'
    print(f'{impl}: {len(x)} images, batch {a.batch}, {a.threads} threads: best {best:.4f} s '
          f'of {a.passes} passes -> {ips:.0f} images/s, {gflops:.1f} GOP/s '
          f'({mflop:.3f} MOP/image); calibrated on {a.calibrate} images; '
          f'checksum {y.double().pow(2).sum().item():.6g}')
    print(json.dumps({'impl': impl, 'images': len(x), 'batch': a.batch, 'threads': a.threads,
                      'passes': a.passes, 'best_s': round(best, 5), 'images_per_s': round(ips, 1),
                      'mflop_per_image': round(mflop, 4), 'gflops': round(gflops, 2),
                      'peak_pct': round(100 * gflops / a.peak_gflops, 2),
                      'pass_s': [round(t, 5) for t in times]}))


if __name__ == '__main__':
    main()
