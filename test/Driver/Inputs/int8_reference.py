"""numpy's int8 inference of int8_cnn.py, by the scheme of docs/compiler.md
("int8 inference"), to check `cnnc quantize` and `cnnc predict` with its
file.

usage: int8_reference.py input MNIST_DIR X.npy
         X.npy: the test images of MNIST_DIR, / 255, NHWC float32
       int8_reference.py raw Q X.npy WEIGHTS.f32 X.f32
         Q's parameters (codes times scales, float32) and X as raw float32
       int8_reference.py same Y.f32 Y.npy
         the raw outputs equal the .npy's, bit for bit
       int8_reference.py check MODEL.h5 Q MNIST_DIR N X.npy FP32.npy INT8.npy

check:
- the file's kernel scales and codes are numpy's (max |w| / 127 per output
  channel, rint(w / scale)), exactly;
- its activation scales and zero points are numpy's min/max calibration
  of an f64 forward pass on the first N training images (range stretched
  to hold 0, scale = range / 255, zero point = rint(-min / scale)), the
  scales within 1e-5 relative (f32 against f64 sums);
- cnnc's int8 output equals numpy's int8 forward pass (uint8 codes,
  int8 codes, int64 sums, the rescaling and bias in f32, the classifier
  in f64) within 1e-5: the integer layers agree exactly, the f32
  classifier's sums differ in order only;
- and is within 0.05 of the FP32 output, which is itself 1e-5 from f64.
Prints the largest differences and "ok".
"""
import os
import struct
import sys
import zlib

import h5py
import numpy as np


def read_idx_images(path):
    with open(path, "rb") as f:
        data = f.read()
    _, n, rows, cols = struct.unpack(">IIII", data[:16])
    return np.frombuffer(data[16:16 + n * rows * cols], np.uint8).reshape(n, rows, cols, 1)


def read_q(path):
    """The file of runtime/quant/QuantizedWeights.h."""
    data = open(path, "rb").read()
    assert data[:8] == b"CNNCQNT1", "magic"
    version, length = struct.unpack_from("<IQ", data, 8)
    assert version == 1 and length == len(data), "header"
    assert zlib.crc32(data[:-4]) == struct.unpack_from("<I", data, len(data) - 4)[0], "crc"
    pos = 20

    def take(fmt):
        nonlocal pos
        values = struct.unpack_from("<" + fmt, data, pos)
        pos += struct.calcsize("<" + fmt)
        return values

    def string():
        nonlocal pos
        (n,) = take("I")
        pos += n
        return data[pos - n:pos].decode()

    params, acts = {}, {}
    for _ in range(take("I")[0]):
        name = string()
        (rank,) = take("I")
        shape = take("Q" * rank)
        count = int(np.prod(shape))
        (kind,) = take("B")
        if kind == 0:
            params[name] = np.frombuffer(data, "<f4", count, pos).reshape(shape)
            pos += 4 * count
        else:
            (channels,) = take("I")
            scales = np.frombuffer(data, "<f4", channels, pos)
            pos += 4 * channels
            codes = np.frombuffer(data, np.int8, count, pos).reshape(shape)
            pos += count
            params[name] = (scales, codes)
    for _ in range(take("I")[0]):
        layer = string()
        scale, zero = take("fi")
        acts[layer] = (np.float32(scale), zero)
    return params, acts


def conv(x, k):
    """valid, stride 1; x NHWC, k HWCF; in x's and k's common dtype."""
    n, h, w, c = x.shape
    kh, kw, _, f = k.shape
    out = np.zeros((n, h - kh + 1, w - kw + 1, f), np.result_type(x, k))
    for p in range(kh):
        for q in range(kw):
            out += np.tensordot(x[:, p:p + h - kh + 1, q:q + w - kw + 1, :], k[p, q], axes=([3], [0]))
    return out


def pool(x):
    n, h, w, c = x.shape
    h2, w2 = h // 2, w // 2
    return x[:, :2 * h2, :2 * w2, :].reshape(n, h2, 2, w2, 2, c).max(axis=(2, 4))


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


if sys.argv[1] == "raw":
    params, _ = read_q(sys.argv[2])
    flat = [(p[1].astype(np.float32) * p[0]).ravel() if isinstance(p, tuple) else p.ravel()
            for p in params.values()]
    np.concatenate(flat).astype("<f4").tofile(sys.argv[4])
    np.load(sys.argv[3]).astype("<f4").tofile(sys.argv[5])
    sys.exit(0)
if sys.argv[1] == "same":
    raw, npy = np.fromfile(sys.argv[2], "<f4"), np.load(sys.argv[3]).ravel()
    assert raw.shape == npy.shape and np.array_equal(raw, npy), np.abs(raw - npy).max()
    print("same")
    sys.exit(0)
if sys.argv[1] == "input":
    images = read_idx_images(os.path.join(sys.argv[2], "t10k-images-idx3-ubyte"))
    np.save(sys.argv[3], images.astype(np.float32) / np.float32(255))
    sys.exit(0)

_, _, model, q_path, mnist, n, x_path, fp32_path, int8_path = sys.argv
# int8_cnn.py: conv2d (no activation) + pool, conv2d_1 + relu + pool,
# flatten, dense + relu, dense_1 + softmax.
weights = {}
with h5py.File(model, "r") as f:
    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            layer, variable = name.split("/")[-2], name.split("/")[-1].split(":")[0]
            weights[f"{layer}/{variable}"] = obj[()].astype(np.float32)
    f.visititems(visit)
params, acts = read_q(q_path)
int8_layers = ["conv2d", "conv2d_1", "dense"]
assert sorted(acts) == sorted(int8_layers), acts

# The kernels: exactly numpy's per-channel symmetric codes.
for layer in int8_layers:
    w = weights[f"{layer}/kernel"]
    scales, codes = params[f"{layer}/kernel"]
    axes = tuple(range(w.ndim - 1))
    largest = np.abs(w).max(axis=axes)
    mine = np.where(largest > 0, largest / np.float32(127), np.float32(1)).astype(np.float32)
    assert np.array_equal(mine, scales), (layer, mine, scales)
    assert np.array_equal(np.clip(np.rint(w / mine), -127, 127).astype(np.int8), codes), layer
for name in ("conv2d/bias", "conv2d_1/bias", "dense/bias", "dense_1/kernel", "dense_1/bias"):
    assert np.array_equal(params[name], weights[name]), name


def f64_forward(x, upto=None):
    """The f32 model in f64; with `upto`, that layer's input."""
    h = x.astype(np.float64)
    w = {k: v.astype(np.float64) for k, v in weights.items()}
    seen = {}
    seen["conv2d"] = h
    h = pool(conv(h, w["conv2d/kernel"]) + w["conv2d/bias"])
    seen["conv2d_1"] = h
    h = pool(np.maximum(conv(h, w["conv2d_1/kernel"]) + w["conv2d_1/bias"], 0))
    h = h.reshape(len(h), -1)
    seen["dense"] = h
    h = np.maximum(h @ w["dense/kernel"] + w["dense/bias"], 0)
    return seen if upto else softmax(h @ w["dense_1/kernel"] + w["dense_1/bias"])


# The calibration: min/max on the first N training images.
train = read_idx_images(os.path.join(mnist, "train-images-idx3-ubyte"))[:int(n)]
seen = f64_forward(train.astype(np.float32) / np.float32(255), upto=True)
worst_scale = 0.0
for layer in int8_layers:
    lo, hi = min(seen[layer].min(), 0.0), max(seen[layer].max(), 0.0)
    scale = (hi - lo) / 255
    zero = int(np.clip(np.rint(-lo / scale), 0, 255))
    got_scale, got_zero = acts[layer]
    worst_scale = max(worst_scale, abs(got_scale / scale - 1))
    assert got_zero == zero, (layer, got_zero, zero)
assert worst_scale < 1e-5, worst_scale
assert acts["conv2d_1"][1] > 0  # a zero point that is not 0 is exercised


def int8_forward(x):
    def quantized_layer(h, layer, apply):
        scale, zero = acts[layer]
        inverse = np.float32(1) / scale
        codes = np.clip(np.rint(h.astype(np.float32) * inverse) + np.float32(zero), 0, 255)
        centered = codes.astype(np.int64) - zero
        kscales, kcodes = params[f"{layer}/kernel"]
        sums = apply(centered, kcodes.astype(np.int64))
        assert np.abs(sums).max() < 2**24  # where f32 sums are exact
        multiplier = (scale * kscales).astype(np.float32)
        return sums.astype(np.float32) * multiplier + params[f"{layer}/bias"]

    h = pool(quantized_layer(x, "conv2d", conv))
    h = quantized_layer(h, "conv2d_1", conv)
    h = pool(np.maximum(h, 0))
    h = h.reshape(len(h), -1)
    h = np.maximum(quantized_layer(h, "dense", lambda a, k: a @ k), 0)
    h = h.astype(np.float64)
    return softmax(h @ weights["dense_1/kernel"].astype(np.float64) + weights["dense_1/bias"])


x = np.load(x_path)
fp32, int8 = np.load(fp32_path), np.load(int8_path)
reference = int8_forward(x)
fp32_error = np.abs(fp32 - f64_forward(x)).max()
int8_error = np.abs(int8 - reference).max()
int8_vs_fp32 = np.abs(int8 - fp32).max()
agree = (int8.argmax(1) == fp32.argmax(1)).mean()
print(f"fp32 vs f64 {fp32_error:.2e}; int8 vs numpy int8 {int8_error:.2e}; "
      f"int8 vs fp32 {int8_vs_fp32:.2e}, top-1 agreement {agree:.3f}; "
      f"calibration scales within {worst_scale:.1e}")
assert fp32_error < 1e-5, fp32_error
assert int8_error < 1e-5, int8_error
assert int8_vs_fp32 < 0.05, int8_vs_fp32
print("ok")
