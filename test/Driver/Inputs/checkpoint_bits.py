"""Compares cnnc checkpoints bit for bit, but for the epochs' wall times.

usage: checkpoint_bits.py same A B [C ...]
       checkpoint_bits.py epoch A      (prints "epoch N", the epochs it holds)
Every field of the format (runtime/train/Checkpoint.h) must be the same
bytes in all files: the weights, the optimizer's slots, the step, the
seed, the settings and the metrics' history; only the seconds each epoch
took (and the CRC and length, which cover them) may differ. Prints what
differs first and exits 1 otherwise.
"""
import struct, sys


class Reader:
    def __init__(self, data):
        self.data, self.at = data, 0

    def take(self, n):
        piece = self.data[self.at:self.at + n]
        self.at += n
        return piece

    def u32(self):
        return struct.unpack("<I", self.take(4))[0]

    def u64(self):
        return struct.unpack("<Q", self.take(8))[0]

    def text(self):
        return self.take(self.u32())

    def shape(self):
        return [self.u64() for _ in range(self.u32())]


def fields(path):
    """The checkpoint's fields as (name, bytes), the epoch seconds left out."""
    r = Reader(open(path, "rb").read())
    out = [("magic", r.take(8)), ("version", r.take(4))]
    r.u64()  # length: covers the seconds too
    out.append(("signature", r.text()))
    params = []
    for _ in range(r.u32()):
        name = r.text()
        shape = r.shape()
        params.append((name, shape))
        out.append(("parameter " + name.decode(), repr(shape).encode()))
    out.append(("optimizer", r.text()))
    for _ in range(r.u32()):
        name = r.text()
        shape = r.shape()
        count = 1
        for d in shape:
            count *= d
        out.append(("slot " + name.decode(), r.take(4 * count)))
    for name in ("step", "epoch", "seed"):
        out.append((name, r.take(8)))
    out.append(("rng", r.text()))
    for _ in range(r.u32()):
        key = r.text()
        out.append(("setting " + key.decode(), r.text()))
    for _ in range(r.u32()):
        name = r.text()
        out.append(("history " + name.decode(), r.take(8 * r.u32())))
    r.take(8 * r.u32())  # the epochs' seconds
    for name, shape in params:
        count = 1
        for d in shape:
            count *= d
        out.append(("weights " + name.decode(), r.take(4 * count)))
    return out


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "epoch":
        epoch = dict(fields(sys.argv[2]))["epoch"]
        sys.exit(print("epoch", struct.unpack("<Q", epoch)[0]))
    if len(sys.argv) < 4 or sys.argv[1] != "same":
        sys.exit(__doc__)
    first = fields(sys.argv[2])
    for path in sys.argv[3:]:
        other = fields(path)
        for (name, a), (_, b) in zip(first, other):
            if a != b:
                sys.exit(f"{sys.argv[2]} and {path} differ in {name}")
        if len(first) != len(other):
            sys.exit(f"{sys.argv[2]} and {path} differ in their fields")
    print(f"{len(sys.argv) - 2} checkpoints the same bits")
