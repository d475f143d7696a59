#!/usr/bin/python3
"""The PyTorch peer for inference: the lesson's model on the MNIST test set.

usage: torch_infer.py [--data DIR] [--batch B] [--threads T] [--passes N]
                      [--peak-gflops G] [--no-channels-last]

The project's copy of ../shared/peers/torch_seed.py, cut down to what the
inference benchmark measures and set up as fast as PyTorch goes on this
machine (bench/README.md, "The machine and the work"): Debian's python3-torch with OpenBLAS
limited to one thread (torch's own threads do the parallel work; a threaded
BLAS under them only oversubscribes the cores), channels-last tensors, eval
mode under no_grad. It times exactly what cnnc-bench times: the forward pass
over the 10,000 test images (normalised /255 beforehand) in batches of B,
the last one partial, best of N passes after one untimed warm-up pass.
Prints a sentence, then one JSON line with the same keys as cnnc-bench.
"""
import argparse, gzip, json, os, struct, sys, time

os.environ.setdefault('OPENBLAS_NUM_THREADS', '1')
import numpy as np
import torch, torch.nn as nn, torch.nn.functional as F


def read_idx(path, magic):
    """An IDX file (gzipped or not), checked as cnnc checks it."""
    with open(path, 'rb') as f:
        data = f.read()
    if data[:2] == b'\x1f\x8b':
        data = gzip.decompress(data)
    found, = struct.unpack('>I', data[:4])
    if found != magic:
        sys.exit(f'{path}: magic 0x{found:08X}, expected 0x{magic:08X}')
    rank = magic & 0xff
    dims = struct.unpack('>' + 'I' * rank, data[4:4 + 4 * rank])
    if len(data) != 4 + 4 * rank + int(np.prod(dims)):
        sys.exit(f'{path}: length does not match the header')
    return np.frombuffer(data, np.uint8, offset=4 + 4 * rank).reshape(dims)


def find(directory, name):
    for candidate in (name, name + '.gz'):
        path = os.path.join(directory, candidate)
        if os.path.isfile(path):
            return path
    sys.exit(f"{directory} has no {name} (nor {name}.gz): run scripts/fetch-mnist")


class Lesson(nn.Module):
    """examples/mnist_cnn.py: Keras initializers (glorot_uniform, zeros)."""

    def __init__(s):
        super().__init__()
        s.c1 = nn.Conv2d(1, 32, 3); s.c2 = nn.Conv2d(32, 32, 3)
        s.d1 = nn.Linear(800, 128); s.d2 = nn.Linear(128, 10)
        for m in (s.c1, s.c2, s.d1, s.d2):
            nn.init.xavier_uniform_(m.weight); nn.init.zeros_(m.bias)

    def forward(s, x):
        x = F.max_pool2d(F.relu(s.c1(x)), 2, 2)
        x = F.max_pool2d(F.relu(s.c2(x)), 2, 2)
        x = x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)  # Keras Flatten: NHWC
        return F.softmax(s.d2(F.relu(s.d1(x))), dim=1)  # Dense(10, softmax)


def macs_per_image(model, image):
    """Multiply-adds of the conv and dense layers, counted from one image."""
    total = [0]
    def conv(m, _, out):
        total[0] += out[0].numel() * m.in_channels * m.kernel_size[0] * m.kernel_size[1] // m.groups
    def dense(m, _, out):
        total[0] += out[0].numel() * m.in_features
    hooks = [m.register_forward_hook(conv) for m in model.modules() if isinstance(m, nn.Conv2d)]
    hooks += [m.register_forward_hook(dense) for m in model.modules() if isinstance(m, nn.Linear)]
    with torch.no_grad():
        model(image)
    for h in hooks:
        h.remove()
    return total[0]


def main():
    cache = os.path.join(os.environ.get('XDG_CACHE_HOME') or os.path.expanduser('~/.cache'),
                         'cnnc', 'datasets', 'mnist')
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default=cache)
    ap.add_argument('--batch', type=int, default=256)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--passes', type=int, default=5)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--peak-gflops', type=float, default=230.0)
    ap.add_argument('--no-channels-last', dest='channels_last', action='store_false')
    a = ap.parse_args()

    torch.set_num_threads(a.threads); torch.manual_seed(a.seed)
    torch.set_flush_denormal(True)  # PyTorch at its fastest: no slow denormal arithmetic
    images = read_idx(find(a.data, 't10k-images-idx3-ubyte'), 0x803)
    x = torch.from_numpy(images.astype(np.float32) / 255.).unsqueeze(1)
    model = Lesson().eval()
    if a.channels_last:
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    macs = macs_per_image(model, x[:1])

    y = torch.empty(len(x), 10)
    def one_pass():
        t0 = time.perf_counter()
        for i in range(0, len(x), a.batch):
            y[i:i + a.batch] = model(x[i:i + a.batch])
        return time.perf_counter() - t0

    with torch.no_grad():
        one_pass()  # warm-up: oneDNN picks and caches its kernels here
        times = [one_pass() for _ in range(a.passes)]
    best = min(times)
    ips = len(x) / best
    mflop = 2 * macs / 1e6
    gflops = ips * mflop / 1e3
    blas = sorted({os.path.basename(l.split()[-1]) for l in open('/proc/self/maps')
                   if 'blas' in l and '/' in l})
    print(f'pytorch {torch.__version__}: {len(x)} images, batch {a.batch}, {a.threads} threads: '
          f'best {best:.4f} s of {a.passes} passes -> {ips:.0f} images/s, {gflops:.1f} GFLOP/s '
          f'({mflop:.3f} MFLOP/image), {100 * gflops / a.peak_gflops:.1f} % of '
          f'{a.peak_gflops:.0f} GFLOP/s peak; blas {",".join(blas) or "none"}; '
          f'channels-last {a.channels_last}; checksum {y.double().pow(2).sum().item():.6g}')
    print(json.dumps({'impl': f'pytorch {torch.__version__}', 'images': len(x), 'batch': a.batch,
                      'threads': a.threads, 'passes': a.passes, 'best_s': round(best, 5),
                      'images_per_s': round(ips, 1), 'mflop_per_image': round(mflop, 4),
                      'gflops': round(gflops, 2), 'peak_pct': round(100 * gflops / a.peak_gflops, 2),
                      'channels_last': a.channels_last, 'blas': blas,
                      'checksum': float(f'{y.double().pow(2).sum().item():.9g}'),
                      'pass_s': [round(t, 5) for t in times]}))


if __name__ == '__main__':
    main()
