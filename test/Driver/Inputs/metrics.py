"""Checks and compares --metrics-json files.

usage: metrics.py check FILE MIN_TEST_ACCURACY EPOCHS
       metrics.py eval FILE
       metrics.py same FILE_A FILE_B [TOLERANCE]
`check` asserts the file's keys and value ranges (docs/cli.md §9.6) and that the test
accuracy is at least the minimum; `eval` asserts what `cnnc eval` writes:
exactly the test metrics and the forward pass's speed; `same` asserts that two runs trained the
same: equal history and test metrics (to TOLERANCE, default exact), timings
aside. A NaN, or a null (how cnnc writes a non-finite value), is never equal,
not even to itself.
"""
import json, math, sys

def load(path):
    with open(path) as f:
        return json.load(f)

def fail(message):
    print("metrics.py: " + message)
    sys.exit(1)

if sys.argv[1] == "eval":
    m = load(sys.argv[2])
    if sorted(m) != ["eval_images_per_second", "test"]:
        fail(f"keys {sorted(m)}, expected test and eval_images_per_second")
    if not 0 <= m["test"]["accuracy"] <= 1 or not m["test"]["loss"] >= 0:
        fail(f"bad test metrics {m['test']}")
    if not m["eval_images_per_second"] > 0:
        fail("eval_images_per_second must be positive")
    print("eval metrics ok")
    sys.exit(0)

if sys.argv[1] == "check":
    m = load(sys.argv[2])
    minimum, epochs = float(sys.argv[3]), int(sys.argv[4])
    for key in ("history", "epoch_seconds", "test", "eval_images_per_second"):
        if key not in m:
            fail(f"missing '{key}'")
    for series in ("loss", "accuracy"):
        values = m["history"].get(series)
        if not values or len(values) != epochs:
            fail(f"history.{series} should have {epochs} values: {values}")
    if len(m["epoch_seconds"]) != epochs or min(m["epoch_seconds"]) <= 0:
        fail(f"bad epoch_seconds {m['epoch_seconds']}")
    for a in m["history"]["accuracy"] + [m["test"]["accuracy"]]:
        if not 0 <= a <= 1:
            fail(f"accuracy {a} is not a fraction")
    if m["eval_images_per_second"] <= 0:
        fail("eval_images_per_second must be positive")
    if m["test"]["accuracy"] < minimum:
        fail(f"test accuracy {m['test']['accuracy']} < {minimum}")
    print(f"test accuracy {m['test']['accuracy']:.4f} >= {minimum}")
elif sys.argv[1] == "same":
    a, b = load(sys.argv[2]), load(sys.argv[3])
    tolerance = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
    def close(x, y, where):
        if isinstance(x, dict):
            if set(x) != set(y):
                fail(f"{where}: keys {sorted(x)} vs {sorted(y)}")
            for k in x:
                close(x[k], y[k], f"{where}.{k}")
        elif isinstance(x, list):
            if len(x) != len(y):
                fail(f"{where}: {len(x)} vs {len(y)} values")
            for i, (p, q) in enumerate(zip(x, y)):
                close(p, q, f"{where}[{i}]")
        elif not same_number(x, y):
            fail(f"{where}: {x} vs {y}")
    def same_number(x, y):
        # cnnc writes a non-finite value as null (MetricsJson.cpp); json
        # reads a NaN literal as nan. Either is the same as nothing, itself
        # included: a run whose metric is NaN checks nothing. (A bare
        # `abs(x - y) > tolerance` is False for a NaN, which passed.)
        if x is None or y is None or math.isnan(x) or math.isnan(y):
            return False
        if math.isinf(x) or math.isinf(y):
            return x == y
        return abs(x - y) <= tolerance * max(1.0, abs(x))
    close(a["history"], b["history"], "history")
    close(a["test"], b["test"], "test")
    print("same")
else:
    fail("unknown command " + sys.argv[1])
