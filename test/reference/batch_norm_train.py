"""A float64 numpy reference for training BatchNormalization layers, written
from Keras's rules (docs/keras-semantics.md, "BatchNormalization") rather
than from any framework's code:

  Conv2D(3, 3x3, no bias) -> BatchNormalization(momentum 0.9) -> relu
  -> MaxPooling2D(2) -> Flatten -> Dense(8, no bias)
  -> BatchNormalization(momentum 0.8, epsilon 0.01, center=False) -> relu
  -> Dense(10) -> softmax, sparse categorical crossentropy

trained with plain SGD (learning rate 0.1) for one epoch over the first N
training images of MNIST (pixels / 255) in file order, batch 32 (the last
batch smaller when N is not a multiple). In each step each trainable BN
normalizes with its batch's mean and biased variance (per channel over
(n, h, w) after the convolution, over n after the dense layer), its
gradient flows through those statistics, and its moving statistics move as
moving = moving * momentum + batch * (1 - momentum), with the biased
variance. The History loss is the mean of the per-image losses over the
epoch (Keras averages the batch means weighted by batch size).

  batch_norm_train.py write DIR MNIST_DIR N
      DIR/model.json + weights.bin: the model (TF.js format) with random
      weights and moving statistics far from their initial values;
      DIR/expected.json: the epoch loss and every weight after the epoch.
  batch_norm_train.py compare DIR EXPORTED_MODEL_JSON METRICS_JSON TOL
      Compares cnnc's trained weights (a TF.js export) and History loss
      with the reference: one line each, exit 1 if any differs by more than
      TOL relative to max(1, |reference|).
"""
import json
import os
import struct
import sys

import numpy as np

BATCH, LR = 32, 0.1


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    magic, count = struct.unpack(">II", data[:8])
    header = 16 if magic == 0x803 else 8
    return np.frombuffer(data[header:], dtype=np.uint8), count


def mnist(directory, n):
    images, _ = read_idx(os.path.join(directory, "train-images-idx3-ubyte"))
    labels, _ = read_idx(os.path.join(directory, "train-labels-idx1-ubyte"))
    x = images[:n * 784].reshape(n, 28, 28, 1).astype(np.float64) / 255.0
    return x, labels[:n].astype(np.int64)


# (layer, weight, shape); Keras's order within each layer.
WEIGHTS = [("conv2d", "kernel", (3, 3, 1, 3)),
           ("bn_conv", "gamma", (3,)), ("bn_conv", "beta", (3,)),
           ("bn_conv", "moving_mean", (3,)), ("bn_conv", "moving_variance", (3,)),
           ("dense", "kernel", (507, 8)),
           ("bn_dense", "gamma", (8,)),
           ("bn_dense", "moving_mean", (8,)), ("bn_dense", "moving_variance", (8,)),
           ("out", "kernel", (8, 10)), ("out", "bias", (10,))]
BN = {"bn_conv": {"momentum": 0.9, "epsilon": 1e-3, "center": True},
      "bn_dense": {"momentum": 0.8, "epsilon": 1e-2, "center": False}}


def topology():
    def layer(cls, **config):
        return {"class_name": cls, "config": config}
    return {"class_name": "Sequential", "keras_version": "2.15.0", "backend": "tensorflow",
            "config": {"name": "bn_reference", "layers": [
                layer("InputLayer", batch_input_shape=[None, 28, 28, 1], name="input"),
                layer("Conv2D", name="conv2d", filters=3, kernel_size=[3, 3], use_bias=False),
                layer("BatchNormalization", name="bn_conv", axis=-1, **BN["bn_conv"]),
                layer("Activation", name="relu_1", activation="relu"),
                layer("MaxPooling2D", name="pool", pool_size=[2, 2]),
                layer("Flatten", name="flatten"),
                layer("Dense", name="dense", units=8, use_bias=False),
                layer("BatchNormalization", name="bn_dense", axis=-1, **BN["bn_dense"]),
                layer("Activation", name="relu_2", activation="relu"),
                layer("Dense", name="out", units=10, activation="softmax")]}}


def step(w, x, labels):
    """One SGD step in place; returns the batch's mean loss."""
    n = x.shape[0]
    # Conv2D 3x3 valid, as patches.
    patches = np.stack([x[:, i:i + 26, j:j + 26, 0] for i in range(3) for j in range(3)], axis=-1)
    k = w["conv2d/kernel"].reshape(9, 3)
    c = patches @ k  # (n, 26, 26, 3)
    # BN over (n, h, w).
    cache = {}

    def bn(name, z, axes):
        cfg = BN[name]
        mean, var = z.mean(axis=axes), z.var(axis=axes)
        inv = 1.0 / np.sqrt(var + cfg["epsilon"])
        zhat = (z - mean) * inv
        y = zhat * w[f"{name}/gamma"] + (w[f"{name}/beta"] if cfg["center"] else 0.0)
        m = cfg["momentum"]
        w[f"{name}/moving_mean"] = w[f"{name}/moving_mean"] * m + mean * (1 - m)
        w[f"{name}/moving_variance"] = w[f"{name}/moving_variance"] * m + var * (1 - m)
        cache[name] = (zhat, inv, axes)
        return y

    def bn_backward(name, dy, grads):
        zhat, inv, axes = cache[name]
        count = np.prod([dy.shape[a] for a in axes])
        grads[f"{name}/gamma"] = (dy * zhat).sum(axis=axes)
        if BN[name]["center"]:
            grads[f"{name}/beta"] = dy.sum(axis=axes)
        dzhat = dy * w[f"{name}/gamma"]
        return inv * (dzhat - dzhat.sum(axis=axes) / count
                      - zhat * (dzhat * zhat).sum(axis=axes) / count)

    b1 = bn("bn_conv", c, (0, 1, 2))
    r1 = np.maximum(b1, 0)
    windows = r1.reshape(n, 13, 2, 13, 2, 3)
    p = windows.max(axis=(2, 4))
    f = p.reshape(n, 507)
    d = f @ w["dense/kernel"]
    b2 = bn("bn_dense", d, (0,))
    r2 = np.maximum(b2, 0)
    z = r2 @ w["out/kernel"] + w["out/bias"]
    z = z - z.max(axis=1, keepdims=True)
    prob = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    losses = -np.log(prob[np.arange(n), labels])

    grads = {}
    dz = prob.copy()
    dz[np.arange(n), labels] -= 1
    dz /= n
    grads["out/kernel"] = r2.T @ dz
    grads["out/bias"] = dz.sum(axis=0)
    dr2 = dz @ w["out/kernel"].T
    db2 = dr2 * (b2 > 0)
    dd = bn_backward("bn_dense", db2, grads)
    grads["dense/kernel"] = f.T @ dd
    dp = (dd @ w["dense/kernel"].T).reshape(n, 13, 13, 3)
    # Max pooling: the gradient to the (first) maximum of each window.
    flat = windows.transpose(0, 1, 3, 5, 2, 4).reshape(n, 13, 13, 3, 4)
    first = flat.argmax(axis=-1)
    mask = np.zeros_like(flat)
    np.put_along_axis(mask, first[..., None], 1.0, axis=-1)
    dr1 = (mask * dp[..., None]).reshape(n, 13, 13, 3, 2, 2).transpose(0, 1, 4, 2, 5, 3)
    dr1 = dr1.reshape(n, 26, 26, 3)
    db1 = dr1 * (b1 > 0)
    dc = bn_backward("bn_conv", db1, grads)
    grads["conv2d/kernel"] = np.einsum("nhwp,nhwf->pf", patches, dc).reshape(3, 3, 1, 3)
    for key, g in grads.items():
        w[key] = w[key] - LR * g
    return losses.sum()


def write(root, mnist_dir, n):
    os.makedirs(root, exist_ok=True)
    rng = np.random.default_rng(7)
    w, specs, blob = {}, [], b""
    for layer, name, shape in WEIGHTS:
        if name == "gamma":
            value = rng.uniform(0.5, 1.5, shape)
        elif name == "moving_variance":
            value = rng.uniform(0.5, 2.0, shape)
        elif name in ("beta", "moving_mean"):
            value = rng.uniform(-0.5, 0.5, shape)
        else:
            fan = np.prod(shape[:-1])
            value = rng.uniform(-1, 1, shape) * np.sqrt(3.0 / fan)
        value = value.astype(np.float32)
        w[f"{layer}/{name}"] = value.astype(np.float64)
        specs.append({"name": f"{layer}/{name}", "shape": list(shape), "dtype": "float32"})
        blob += value.astype("<f4").tobytes()
    with open(os.path.join(root, "model.json"), "w") as f:
        json.dump({"format": "layers-model", "modelTopology": topology(),
                   "weightsManifest": [{"paths": ["weights.bin"], "weights": specs}]}, f)
    with open(os.path.join(root, "weights.bin"), "wb") as f:
        f.write(blob)
    x, labels = mnist(mnist_dir, n)
    total = 0.0
    for start in range(0, n, BATCH):
        total += step(w, x[start:start + BATCH], labels[start:start + BATCH])
    with open(os.path.join(root, "expected.json"), "w") as f:
        json.dump({"loss": total / n, "weights": {k: v.tolist() for k, v in w.items()}}, f)
    print(f"reference epoch loss {total / n:.6f} over {n} images")


def compare(root, exported, metrics, tol):
    with open(os.path.join(root, "expected.json")) as f:
        expected = json.load(f)
    with open(exported) as f:
        model = json.load(f)
    blob = b""
    for group in model["weightsManifest"]:
        for path in group["paths"]:
            with open(os.path.join(os.path.dirname(exported), path), "rb") as f:
                blob += f.read()
    got, offset = {}, 0
    for group in model["weightsManifest"]:
        for spec in group["weights"]:
            count = int(np.prod(spec["shape"]))
            got[spec["name"]] = np.frombuffer(blob, "<f4", count, offset).reshape(spec["shape"])
            offset += 4 * count
    failed = 0

    def check(label, a, b):
        nonlocal failed
        b = np.asarray(b, dtype=np.float64)
        diff = float(np.max(np.abs(np.asarray(a, dtype=np.float64) - b))) \
            if np.shape(a) == b.shape else float("inf")
        ok = diff <= tol * max(1.0, float(np.max(np.abs(b))))
        failed += not ok
        print(f"{'agree' if ok else 'DIFFER'} {label}: max |difference| {diff:.2g}")

    with open(metrics) as f:
        check("epoch loss", json.load(f)["history"]["loss"][0], expected["loss"])
    for name, value in expected["weights"].items():
        check(name, got.get(name, []), value)
    return 1 if failed else 0


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit(compare(sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5])))
