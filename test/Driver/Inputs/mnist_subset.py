"""Writes the first N training and M test images of MNIST as IDX files.

usage: mnist_subset.py MNIST_DIR OUT_DIR N M [--gzip]
MNIST_DIR holds the four original files (as scripts/fetch-mnist leaves
them); OUT_DIR gets four files under the same names, with their headers'
counts set to N and M, gzipped with --gzip.
"""
import gzip, os, struct, sys

src, dst, train, test = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
zipped = "--gzip" in sys.argv[5:]
os.makedirs(dst, exist_ok=True)
for prefix, count in (("train", train), ("t10k", test)):
    for kind, magic, header, item in (("images-idx3-ubyte", 0x803, 16, 784),
                                      ("labels-idx1-ubyte", 0x801, 8, 1)):
        name = f"{prefix}-{kind}"
        with open(os.path.join(src, name), "rb") as f:
            data = f.read()
        dims = (count, 28, 28) if magic == 0x803 else (count,)
        out = struct.pack(">I" + "I" * len(dims), magic, *dims)
        out += data[header:header + count * item]
        opener = gzip.open if zipped else open
        with opener(os.path.join(dst, name + (".gz" if zipped else "")), "wb") as f:
            f.write(out)
