#!/usr/bin/python3
"""Where the samples of a `perf annotate --stdio` listing fall, by loop.

usage: hot_loops.py ANNOTATE.txt [TOP]

The generated forward pass is one function, so perf's per-symbol report
says nothing; this splits it into loops (the address ranges closed by
backward jumps), gives each sample to the innermost loop holding it, and
prints the hottest loops with their instruction mix: how many FMAs on zmm /
ymm / xmm registers or scalar, maxes, broadcasts, loads and shuffles. A
conv or dense kernel that is working well is mostly `vfmadd231ps` on zmm
fed by broadcasts; shuffles and scalar `ss` arithmetic are the warning signs.
"""
import collections, re, sys

rows = []  # (address, percent, instruction text)
for line in open(sys.argv[1]):
    m = re.match(r'\s+([0-9.]+)\s*:\s+([0-9a-f]+):\s+(.*)', line)
    if m:
        rows.append((int(m.group(2), 16), float(m.group(1)), m.group(3).strip()))
loops = []
for address, _, text in rows:
    m = re.match(r'j\w+\s+([0-9a-f]+)\b', text)
    if m and int(m.group(1), 16) <= address:
        loops.append((int(m.group(1), 16), address))


def innermost(address):
    inside = [l for l in loops if l[0] <= address <= l[1]]
    return min(inside, key=lambda l: l[1] - l[0]) if inside else None


share = collections.defaultdict(float)
for address, percent, _ in rows:
    share[innermost(address)] += percent
total = sum(share.values()) or 1.0


PATTERNS = [('fma zmm', r'vfmadd\w*ps.*zmm'), ('fma ymm', r'vfmadd\w*ps.*ymm'),
            ('fma xmm', r'vfmadd\w*ps.*xmm'), ('fma scalar', r'v?fmadd\w*ss'),
            ('mul', r'vmulps'), ('add', r'vaddps'), ('max', r'vmaxps'),
            ('bcast', r'vbroadcastss'),
            ('shuffles', r'(vperm|vshuf|vunpck|vblend|vinsert|vextract)'),
            ('scalar ss', r'v(?!broadcast)\w+ss\s')]


def mix(body):
    counts = [(name, sum(1 for t in body if re.match(p, t))) for name, p in PATTERNS]
    return ', '.join(f'{name} {n}' for name, n in counts if n)


print(f"{len(loops)} loops; share of the function's samples, hottest first:")
top = int(sys.argv[2]) if len(sys.argv) > 2 else 10
for loop, percent in sorted(share.items(), key=lambda kv: -kv[1])[:top]:
    if loop is None:
        print(f"{100 * percent / total:5.1f} %  outside any loop")
        continue
    body = [t for a, _, t in rows if loop[0] <= a <= loop[1]]
    print(f"{100 * percent / total:5.1f} %  {loop[0]:#x}-{loop[1]:#x}, {len(body)} instructions: {mix(body)}")
