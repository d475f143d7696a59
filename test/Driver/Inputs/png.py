"""Writes PNG files for the tests (no imaging library is installed).

  png.py write PATH WIDTH HEIGHT MODE EXPR [--bits 8|16|1] [--truncate N]
      MODE is L, LA, RGB, RGBA or P (a palette of 256 grays, entry i =
      gray i, so that its values read back as for L). Sample s of pixel
      (x, y) is EXPR evaluated with x, y, s (the channel) and math in
      scope, taken modulo 2**bits.
  png.py header PATH WIDTH HEIGHT
      A valid PNG signature and IHDR declaring WIDTH x HEIGHT, then one
      tiny IDAT: a file that claims a huge image.
  png.py mnist IDX-DIR OUT-DIR COUNT [--test]
      The first COUNT training digits (test digits with --test) as
      OUT-DIR/<label>/<index>.png (8-bit gray), Keras's
      image_dataset_from_directory layout.
"""
import math
import os
import struct
import sys
import zlib

CHANNELS = {"L": 1, "LA": 2, "RGB": 3, "RGBA": 4, "P": 1}
COLOR_TYPE = {"L": 0, "LA": 4, "RGB": 2, "RGBA": 6, "P": 3}


def chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data +
            struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png(width, height, mode, bits, sample):
    channels = CHANNELS[mode]
    rows = b""
    for y in range(height):
        row = b"\0"  # filter: none
        if bits == 1:
            value, count = 0, 0
            for x in range(width):
                value = (value << 1) | (sample(x, y, 0) & 1)
                count += 1
                if count == 8:
                    row += bytes([value])
                    value, count = 0, 0
            if count:
                row += bytes([value << (8 - count)])
        else:
            for x in range(width):
                for s in range(channels):
                    v = sample(x, y, s) % (1 << bits)
                    row += struct.pack(">H", v) if bits == 16 else bytes([v])
        rows += row
    blob = b"\x89PNG\r\n\x1a\n"
    blob += chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bits,
                                       COLOR_TYPE[mode], 0, 0, 0))
    if mode == "P":
        blob += chunk(b"PLTE", b"".join(bytes([i, i, i]) for i in range(256)))
    blob += chunk(b"IDAT", zlib.compress(rows))
    blob += chunk(b"IEND", b"")
    return blob


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    magic, count = struct.unpack(">II", data[:8])
    if magic == 0x803:
        rows, cols = struct.unpack(">II", data[8:16])
        return [data[16 + i * rows * cols:16 + (i + 1) * rows * cols]
                for i in range(count)], rows, cols
    return list(data[8:8 + count]), 0, 0


def main():
    args = sys.argv[1:]
    if args[0] == "write":
        path, width, height, mode, expr = args[1], int(args[2]), int(args[3]), args[4], args[5]
        bits = int(args[args.index("--bits") + 1]) if "--bits" in args else 8
        truncate = int(args[args.index("--truncate") + 1]) if "--truncate" in args else 0
        code = compile(expr, "expr", "eval")
        blob = png(width, height, mode, bits,
                   lambda x, y, s: int(eval(code, {"math": math, "x": x, "y": y, "s": s})))
        with open(path, "wb") as f:
            f.write(blob[:len(blob) - truncate] if truncate else blob)
    elif args[0] == "header":
        path, width, height = args[1], int(args[2]), int(args[3])
        blob = b"\x89PNG\r\n\x1a\n"
        blob += chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        blob += chunk(b"IDAT", zlib.compress(b"\0" * 16))
        blob += chunk(b"IEND", b"")
        with open(path, "wb") as f:
            f.write(blob)
    elif args[0] == "mnist":
        source, out, count = args[1], args[2], int(args[3])
        half = "t10k" if "--test" in args else "train"
        images, rows, cols = read_idx(os.path.join(source, half + "-images-idx3-ubyte"))
        labels, _, _ = read_idx(os.path.join(source, half + "-labels-idx1-ubyte"))
        for i in range(count):
            folder = os.path.join(out, str(labels[i]))
            os.makedirs(folder, exist_ok=True)
            pixels = images[i]
            with open(os.path.join(folder, "%05d.png" % i), "wb") as f:
                f.write(png(cols, rows, "L", 8, lambda x, y, s: pixels[y * cols + x]))


main()
