#!/usr/bin/python3
"""The PyTorch peer for training: the lesson's model on MNIST with Keras's
defaults (glorot_uniform kernels, zero biases, Adam with epsilon 1e-7),
cnnc's copy of ../shared/peers/torch_seed.py (bench/run runs it with
--channels-last, the fastest set-up here).

usage: torch_train.py MNIST_DIR [--epochs N] [--threads T] [--batch B] [--limit N]
Prints one JSON line: epoch seconds, test accuracy, inference images/s.
"""
import argparse, json, os, resource, time, struct
# torch's own threads do the parallel work; a threaded BLAS under them only oversubscribes the cores
os.environ.setdefault('OPENBLAS_NUM_THREADS', '1')
import numpy as np
import torch, torch.nn as nn, torch.nn.functional as F

def idx(path):
    with open(path, 'rb') as f:
        data = f.read()
    magic, = struct.unpack('>I', data[:4])
    nd = magic & 0xff
    dims = struct.unpack('>' + 'I' * nd, data[4:4 + 4 * nd])
    return np.frombuffer(data, np.uint8, offset=4 + 4 * nd).reshape(dims)

class Seed(nn.Module):
    def __init__(s):
        super().__init__()
        s.c1 = nn.Conv2d(1, 32, 3); s.c2 = nn.Conv2d(32, 32, 3)
        s.d1 = nn.Linear(800, 128); s.d2 = nn.Linear(128, 10)
        for m in (s.c1, s.c2, s.d1, s.d2):  # Keras: glorot_uniform kernels, zero bias
            nn.init.xavier_uniform_(m.weight); nn.init.zeros_(m.bias)
    def forward(s, x):
        x = F.max_pool2d(F.relu(s.c1(x)), 2, 2)
        x = F.max_pool2d(F.relu(s.c2(x)), 2, 2)
        x = x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)  # Keras Flatten is NHWC order
        return s.d2(F.relu(s.d1(x)))

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('data'); ap.add_argument('--epochs', type=int, default=1)
    ap.add_argument('--threads', type=int, default=2); ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--limit', type=int, default=0); ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--channels-last', action='store_true')
    a = ap.parse_args()
    torch.set_num_threads(a.threads); torch.manual_seed(a.seed); np.random.seed(a.seed)
    torch.set_flush_denormal(True)  # PyTorch at its fastest: no slow denormal arithmetic
    xtr = torch.from_numpy(idx(f'{a.data}/train-images-idx3-ubyte').astype(np.float32) / 255.).unsqueeze(1)
    ytr = torch.from_numpy(idx(f'{a.data}/train-labels-idx1-ubyte').astype(np.int64))
    xte = torch.from_numpy(idx(f'{a.data}/t10k-images-idx3-ubyte').astype(np.float32) / 255.).unsqueeze(1)
    yte = torch.from_numpy(idx(f'{a.data}/t10k-labels-idx1-ubyte').astype(np.int64))
    if a.limit: xtr, ytr = xtr[:a.limit], ytr[:a.limit]
    m = Seed()
    if a.channels_last:
        m = m.to(memory_format=torch.channels_last)
        xtr = xtr.contiguous(memory_format=torch.channels_last); xte = xte.contiguous(memory_format=torch.channels_last)
    opt = torch.optim.Adam(m.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    epoch_s = []
    for ep in range(a.epochs):
        t0 = time.perf_counter(); perm = torch.randperm(len(xtr))
        m.train()
        for i in range(0, len(xtr), a.batch):
            b = perm[i:i + a.batch]
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(m(xtr[b]), ytr[b]); loss.backward(); opt.step()
        epoch_s.append(time.perf_counter() - t0)
    m.eval()
    inf_s = []
    with torch.no_grad():
        for _ in range(3):  # best of three passes over the test set
            t0 = time.perf_counter(); correct = 0
            for i in range(0, len(xte), 256):
                correct += (m(xte[i:i + 256]).argmax(1) == yte[i:i + 256]).sum().item()
            inf_s.append(time.perf_counter() - t0)
    blas = sorted({os.path.basename(l.split()[-1]) for l in open('/proc/self/maps') if 'blas' in l and '/' in l})
    print(json.dumps({'peer': f'pytorch {torch.__version__}', 'threads': a.threads, 'batch': a.batch,
                      'train_images': len(xtr), 'epoch_s': [round(e, 2) for e in epoch_s],
                      'train_img_per_s': round(len(xtr) / min(epoch_s), 1),
                      'test_acc': correct / len(xte), 'infer_img_per_s': round(len(xte) / min(inf_s), 1),
                      'peak_rss_mb': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                      'blas': blas, 'channels_last': a.channels_last}))

if __name__ == '__main__':
    main()
