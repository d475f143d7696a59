"""Rewrites an MNIST-format directory's labels in place as label % 2 (odd
digits 1, even 0): a two-class dataset for binary_crossentropy.

usage: binary_labels.py DIR
"""
import os, sys

for name in ("train-labels-idx1-ubyte", "t10k-labels-idx1-ubyte"):
    path = os.path.join(sys.argv[1], name)
    with open(path, "rb") as f:
        data = bytearray(f.read())
    data[8:] = bytes(b % 2 for b in data[8:])
    with open(path, "wb") as f:
        f.write(data)
