"""Writes and prints .npy files for the tests (numpy is not installed).

  npy.py write PATH SHAPE EXPR [--descr D] [--fortran] [--version V] [--truncate N]
               [--pnm FILE]
      SHAPE is comma-separated ("2,4,4,1"); element i (flat, C order) is
      EXPR evaluated with `i` and `math` in scope (and `pnm`, the samples
      of a binary PGM/PPM file, with --pnm). --descr writes another
      dtype string (the data are still float32 bytes unless D is '<f8'),
      --truncate drops the last N bytes of the file.
  npy.py print PATH
      The shape, then one line per leading index with the values (%g).
  npy.py compare A B TOLERANCE
      Prints "same shape, max difference below TOLERANCE" or what differs;
      exits 1 if the arrays differ.
"""
import argparse
import ast
import math
import struct
import sys


def write(args):
    shape = tuple(int(d) for d in args.shape.split(",") if d)
    count = 1
    for d in shape:
        count *= d
    scope = {"math": math}
    if args.pnm:
        with open(args.pnm, "rb") as f:
            blob = f.read()
        # "P5"/"P6", width, height, maxval, one whitespace byte, then samples.
        fields, at = [], 0
        while len(fields) < 4:
            while blob[at:at + 1].isspace():
                at += 1
            start = at
            while not blob[at:at + 1].isspace():
                at += 1
            fields.append(blob[start:at])
        scope["pnm"] = list(blob[at + 1:])
    code = compile(args.expr, "expr", "eval")
    values = [float(eval(code, dict(scope, i=i))) for i in range(count)]
    shape_text = "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"
    header = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (
        args.descr, "True" if args.fortran else "False", shape_text)
    length_size = 2 if args.version == 1 else 4
    total = 6 + 2 + length_size + len(header) + 1
    header += " " * ((64 - total % 64) % 64) + "\n"
    data = struct.pack("<%d%s" % (count, "d" if args.descr == "<f8" else "f"), *values)
    blob = b"\x93NUMPY" + bytes([args.version, 0])
    blob += struct.pack("<H" if length_size == 2 else "<I", len(header))
    blob += header.encode("latin1") + data
    if args.truncate:
        blob = blob[: len(blob) - args.truncate]
    with open(args.path, "wb") as f:
        f.write(blob)


def read(path):
    with open(path, "rb") as f:
        blob = f.read()
    assert blob[:6] == b"\x93NUMPY", "not a .npy file"
    if blob[6] == 1:
        (length,) = struct.unpack("<H", blob[8:10])
        start = 10
    else:
        (length,) = struct.unpack("<I", blob[8:12])
        start = 12
    header = ast.literal_eval(blob[start : start + length].decode("latin1"))
    assert header["descr"] == "<f4" and not header["fortran_order"], header
    shape = header["shape"]
    data = blob[start + length :]
    values = struct.unpack("<%df" % (len(data) // 4), data)
    return shape, values


def show(args):
    shape, values = read(args.path)
    print("shape", shape)
    row = len(values) // shape[0] if shape and shape[0] else 0
    for n in range(shape[0] if shape else 0):
        print(n, " ".join("%g" % v for v in values[n * row : (n + 1) * row]))


def compare(args):
    shape_a, a = read(args.a)
    shape_b, b = read(args.b)
    if shape_a != shape_b:
        print("shapes differ:", shape_a, shape_b)
        sys.exit(1)
    worst = max((abs(x - y) for x, y in zip(a, b)), default=0.0)
    if not all(math.isfinite(x) for x in a + b) or worst > args.tolerance:
        print("values differ: max difference %g" % worst)
        sys.exit(1)
    print("same shape, max difference below %g" % args.tolerance)


parser = argparse.ArgumentParser()
sub = parser.add_subparsers(dest="command", required=True)
w = sub.add_parser("write")
w.add_argument("path")
w.add_argument("shape")
w.add_argument("expr")
w.add_argument("--descr", default="<f4")
w.add_argument("--fortran", action="store_true")
w.add_argument("--version", type=int, default=1)
w.add_argument("--truncate", type=int, default=0)
w.add_argument("--pnm")
w.set_defaults(run=write)
p = sub.add_parser("print")
p.add_argument("path")
p.set_defaults(run=show)
c = sub.add_parser("compare")
c.add_argument("a")
c.add_argument("b")
c.add_argument("tolerance", type=float)
c.set_defaults(run=compare)
args = parser.parse_args()
args.run(args)
