"""Checks `cnnc predict --precision bf16` of a one-Dense softmax model
against numpy's emulation of what bf16 mixed precision means: the input and
the kernel rounded to bfloat16 (to nearest, ties to even), the products and
their sum in float32 or better, the bias added in float32.

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
    np.save(sys.argv[2], rng.random((64, 784), dtype=np.float32))
    sys.exit(0)

_, _, model, x_path, fp32_path, bf16_path = sys.argv
kernel = bias = None
with h5py.File(model, "r") as f:
    def visit(name, obj):
        global kernel, bias
        if isinstance(obj, h5py.Dataset) and name.endswith("kernel:0"):
            kernel = obj[()]
        elif isinstance(obj, h5py.Dataset) and name.endswith("bias:0"):
            bias = obj[()]
    f.visititems(visit)
x = np.load(x_path)
emulated = softmax(bf16(x).astype(np.float64) @ bf16(kernel).astype(np.float64)
                   + bias.astype(np.float64))
exact = softmax(x.astype(np.float64) @ kernel.astype(np.float64) + bias)
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
