"""Damaged and crafted copies of a `cnnc quantize` file, for the reader's
refusals (runtime/quant/QuantizedWeights.h).

usage: quantized_files.py GOOD.q OUT_DIR
Writes into OUT_DIR: short.q (its first 12 bytes), cut.q (its last 100
bytes gone), flipped.q (one byte of a code changed), version.q (version
2), and with their CRCs made right again: code.q (a code of -128),
shape.q (the first kernel's last dimension one more than its scales),
trailing.q (4 bytes after the last layer).
"""
import os
import struct
import sys
import zlib

good, out = sys.argv[1], sys.argv[2]
data = bytearray(open(good, "rb").read())
os.makedirs(out, exist_ok=True)


def write(name, body, fix=True):
    body = bytearray(body)
    if fix:
        struct.pack_into("<Q", body, 12, len(body))
        struct.pack_into("<I", body, len(body) - 4, zlib.crc32(bytes(body[:-4])))
    open(os.path.join(out, name), "wb").write(body)


# The first parameter (an int8 kernel): name, rank, dims, kind, channels,
# scales, then its codes.
(name_length,) = struct.unpack_from("<I", data, 24)
rank_at = 28 + name_length
(rank,) = struct.unpack_from("<I", data, rank_at)
last_dim_at = rank_at + 4 + 8 * (rank - 1)
kind_at = rank_at + 4 + 8 * rank
assert data[kind_at] == 1, "the first parameter is an int8 kernel"
(channels,) = struct.unpack_from("<I", data, kind_at + 1)
codes_at = kind_at + 5 + 4 * channels

write("short.q", data[:12], fix=False)
write("cut.q", data[:-100], fix=False)
flipped = bytearray(data)
flipped[codes_at] ^= 0x01
write("flipped.q", flipped, fix=False)
version = bytearray(data)
struct.pack_into("<I", version, 8, 2)
write("version.q", version, fix=False)
code = bytearray(data)
code[codes_at] = 0x80
write("code.q", code)
shape = bytearray(data)
struct.pack_into("<Q", shape, last_dim_at, channels + 1)
write("shape.q", shape)
write("trailing.q", data[:-4] + b"\0\0\0\0" + data[-4:])
