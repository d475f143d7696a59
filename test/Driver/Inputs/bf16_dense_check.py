"""Checks `cnnc predict --precision bf16` of a chain of Dense layers (relu,
then softmax last) against numpy's emulation of what bf16 mixed precision
means: each layer's input and kernel rounded to bfloat16 (to nearest, ties
to even), the products and their sum in float32 or better, the bias added
and the activation applied in float32 or better.

usage: bf16_dense_check.py make X.npy
       bf16_dense_check.py check MODEL.h5 X.npy FP32.npy BF16.npy
The bf16 output must equal the emulation within 2e-6 (the order of the f32
sums differs) and the FP32 output must not: the rounding is really there.
"""
import sys

import h5py
import numpy as np


def bf16(a):
    """float32 -> bfloat16 -> float32, round to nearest even (finite a)."""
    bits = np.ascontiguousarray(a, dtype=np.float32).view(np.uint32)
    rounded = (bits + np.uint32(0x7FFF) + ((bits >> 16) & 1)) & np.uint32(0xFFFF0000)
    return rounded.view(np.float32)


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


if sys.argv[1] == "make":
    rng = np.random.default_rng(7)
    np.save(sys.argv[2], rng.random((64, 64), dtype=np.float32))
    sys.exit(0)

_, _, model, x_path, fp32_path, bf16_path = sys.argv
layers = {}
with h5py.File(model, "r") as f:
    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            layer, variable = name.split("/")[-2], name.split("/")[-1]
            layers.setdefault(layer, {})[variable] = obj[()]
    f.visititems(visit)
# Keras names them dense, dense_1, ...: that is their order.
order = sorted(layers, key=lambda n: (len(n), n))
x = np.load(x_path)


def forward(x, rounding):
    h = x
    for i, name in enumerate(order):
        w, b = layers[name]["kernel:0"], layers[name]["bias:0"]
        z = rounding(h).astype(np.float64) @ rounding(w).astype(np.float64) + b
        h = softmax(z) if i == len(order) - 1 else np.maximum(z, 0).astype(np.float32)
    return h


emulated = forward(x, bf16)
exact = forward(x, lambda a: a)
got_bf16, got_fp32 = np.load(bf16_path), np.load(fp32_path)
bf16_error = np.abs(got_bf16 - emulated).max()
fp32_error = np.abs(got_fp32 - exact).max()
fp32_vs_emulated = np.abs(got_fp32 - emulated).max()
print(f"bf16 vs emulation {bf16_error:.2e}, fp32 vs exact {fp32_error:.2e}, "
      f"fp32 vs emulation {fp32_vs_emulated:.2e}")
assert bf16_error <= 2e-6, bf16_error
assert fp32_error <= 2e-6, fp32_error
assert fp32_vs_emulated > 10 * bf16_error, (fp32_vs_emulated, bf16_error)
print("ok")
