"""Checks the --metrics-json of a run of test/Driver/Inputs/two_outputs.py.

usage: multi_output_metrics.py FILE EPOCHS
History's series are Keras's for a model of two outputs (tf.keras 2's
order): `loss`, each `<output>_loss`, each `<output>_accuracy`, then the
same with `val_`; the test dict has the unprefixed names. Keras's total is
Σ loss_weights[i] · loss_i (docs/keras-semantics.md §8): the test
evaluation's loss equals digit_loss + 0.5 · aux_loss up to float32
rounding, and so does each epoch's running mean.
"""
import json, sys

m = json.load(open(sys.argv[1]))
epochs = int(sys.argv[2])
names = ["loss", "digit_loss", "aux_loss", "digit_accuracy", "aux_accuracy"]
expected = names + ["val_" + n for n in names]
history = m["history"]
if list(history) != expected:
    sys.exit(f"history keys {list(history)}, expected {expected}")
for key, values in history.items():
    if len(values) != epochs:
        sys.exit(f"history.{key} has {len(values)} values, expected {epochs}")
if list(m["test"]) != names:
    sys.exit(f"test keys {list(m['test'])}, expected {names}")


def weighted(prefix, source, i=None):
    get = (lambda k: source[prefix + k]) if i is None else \
        (lambda k: source[prefix + k][i])
    total, parts = get("loss"), get("digit_loss") + 0.5 * get("aux_loss")
    if abs(total - parts) > 1e-5 * max(1.0, abs(total)):
        sys.exit(f"{prefix}loss {total} != digit_loss + 0.5 aux_loss = {parts}")


weighted("", m["test"])
for i in range(epochs):
    weighted("", history, i)
    weighted("val_", history, i)
for key in names[3:]:
    for value in history[key] + history["val_" + key] + [m["test"][key]]:
        if not 0 <= value <= 1:
            sys.exit(f"{key} {value} is not a fraction")
print("two-output metrics ok: " + ", ".join(expected))
