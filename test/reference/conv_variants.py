"""A plain-loop numpy reference for the layers TF.js cannot check.

  conv_variants.py write DIR
      Writes DIR/<case>/model.json (a TF.js-format model: Keras topology and
      float32 weights) and x.npy, and DIR/<case>/expected.npy computed here,
      for each case below: UpSampling2D 'bilinear' (TF.js does not use the
      half-pixel centres Keras 2.x and 3 resize with) and DepthwiseConv2D
      with a dilation (TF.js 4.22 ignores depthwise dilationRate).
  conv_variants.py compare DIR NAME TOL
      Prints one line per case with the largest |NAME - expected| and exits 1
      when any is above TOL (or NaN).

The rules, written out as loops in float64 from their definitions:
  - bilinear: tf.image.resize(method='bilinear') = ResizeBilinear with
    half_pixel_centers: for output j of an axis of `n` cells resized to `m`,
    in = (j + 0.5) * (n / m) - 0.5, lower = max(floor(in), 0),
    upper = min(ceil(in), n - 1), weight = in - floor(in); columns first,
    then rows (top + (bottom - top) * y_weight).
  - depthwise: y[n,i,j,c*M+m] = b + sum_{p,q} x[n, i*s + p*d - pad, ...] K[p,q,c,m],
    'same' padding split with the odd cell after (keras-semantics.md §1).
"""
import json
import math
import os
import sys

import numpy as np


def bilinear(x, size):
    n, h, w, c = x.shape
    def axis_weights(length, factor):
        out = []
        for j in range(length * factor):
            pos = (j + 0.5) * (length / (length * factor)) - 0.5
            lo = max(math.floor(pos), 0)
            hi = min(math.ceil(pos), length - 1)
            out.append((lo, hi, pos - math.floor(pos)))
        return out
    rows, cols = axis_weights(h, size[0]), axis_weights(w, size[1])
    y = np.zeros((n, h * size[0], w * size[1], c))
    for b in range(n):
        for i, (top, bottom, yw) in enumerate(rows):
            for j, (left, right, xw) in enumerate(cols):
                t = x[b, top, left] + (x[b, top, right] - x[b, top, left]) * xw
                d = x[b, bottom, left] + (x[b, bottom, right] - x[b, bottom, left]) * xw
                y[b, i, j] = t + (d - t) * yw
    return y


def depthwise(x, kernel, bias, strides, dilation, padding):
    n, h, w, c = x.shape
    kh, kw, _, mult = kernel.shape
    def out_len(length, k, s, d):
        if padding == 'same':
            return -(-length // s)
        return (length - d * (k - 1) - 1) // s + 1
    oh, ow = out_len(h, kh, strides[0], dilation[0]), out_len(w, kw, strides[1], dilation[1])
    def before(length, out, k, s, d):
        if padding == 'valid':
            return 0
        return max(0, (out - 1) * s + (k - 1) * d + 1 - length) // 2
    pt, pl = before(h, oh, kh, strides[0], dilation[0]), before(w, ow, kw, strides[1], dilation[1])
    y = np.zeros((n, oh, ow, c * mult))
    for b in range(n):
        for i in range(oh):
            for j in range(ow):
                for ch in range(c):
                    for m in range(mult):
                        s = bias[ch * mult + m] if bias is not None else 0.0
                        for p in range(kh):
                            for q in range(kw):
                                r = i * strides[0] + p * dilation[0] - pt
                                t = j * strides[1] + q * dilation[1] - pl
                                if 0 <= r < h and 0 <= t < w:
                                    s += x[b, r, t, ch] * kernel[p, q, ch, m]
                        y[b, i, j, ch * mult + m] = s
    return y


# name: (input shape, [layers]); a layer is (class, config, weights maker).
CASES = {
    'bilinear_2x2': ((4, 5, 3), [('UpSampling2D', {'size': [2, 2], 'interpolation': 'bilinear'})]),
    'bilinear_3x2': ((3, 4, 2), [('UpSampling2D', {'size': [3, 2], 'interpolation': 'bilinear'})]),
    'bilinear_1x4_one_row': ((1, 3, 2), [('UpSampling2D', {'size': [1, 4], 'interpolation': 'bilinear'})]),
    'bilinear_5x3': ((2, 2, 17), [('UpSampling2D', {'size': [5, 3], 'interpolation': 'bilinear'})]),
    'depthwise_dilated_same': ((9, 8, 3), [('DepthwiseConv2D', {'kernel_size': [3, 3], 'dilation_rate': [2, 2],
                                                              'padding': 'same', 'depth_multiplier': 2})]),
    'depthwise_dilated_valid': ((9, 10, 2), [('DepthwiseConv2D', {'kernel_size': [2, 3], 'dilation_rate': [3, 2],
                                                                'padding': 'valid', 'use_bias': False})]),
}


def write(root):
    rng = np.random.default_rng(1818)
    for name, (shape, layers) in CASES.items():
        d = os.path.join(root, name)
        os.makedirs(d, exist_ok=True)
        x = rng.random((2,) + shape).astype(np.float32)
        y = x.astype(np.float64)
        topology = [{'class_name': 'InputLayer', 'config': {'batch_input_shape': [None, *shape], 'name': 'input'}}]
        specs, blob = [], b''
        for k, (cls, config) in enumerate(layers):
            config = dict(config, name=f'{cls.lower()}_{k}')
            topology.append({'class_name': cls, 'config': config})
            if cls == 'UpSampling2D':
                y = bilinear(y, config['size'])
            else:
                kh, kw = config['kernel_size']
                mult = config.get('depth_multiplier', 1)
                kernel = rng.uniform(-0.5, 0.5, (kh, kw, y.shape[3], mult)).astype(np.float32)
                bias = None
                weights = [('depthwise_kernel', kernel)]
                if config.get('use_bias', True):
                    bias = rng.uniform(-0.5, 0.5, (y.shape[3] * mult,)).astype(np.float32)
                    weights.append(('bias', bias))
                for wname, value in weights:
                    specs.append({'name': f"{config['name']}/{wname}", 'shape': list(value.shape), 'dtype': 'float32'})
                    blob += value.astype('<f4').tobytes()
                y = depthwise(y, kernel.astype(np.float64), None if bias is None else bias.astype(np.float64),
                              config.get('strides', [1, 1]), config['dilation_rate'], config['padding'])
        model = {'modelTopology': {'class_name': 'Sequential', 'config': {'name': name, 'layers': topology},
                                   'keras_version': '2.15.0', 'backend': 'tensorflow'},
                 'format': 'layers-model', 'weightsManifest': [{'paths': ['weights.bin'], 'weights': specs}]}
        with open(os.path.join(d, 'model.json'), 'w') as f:
            json.dump(model, f)
        with open(os.path.join(d, 'weights.bin'), 'wb') as f:
            f.write(blob)
        np.save(os.path.join(d, 'x.npy'), x)
        np.save(os.path.join(d, 'expected.npy'), y.astype(np.float32))
    print(f'{len(CASES)} cases')


def compare(root, name, tol):
    failed = 0
    for case in CASES:
        expected = np.load(os.path.join(root, case, 'expected.npy'))
        got = np.load(os.path.join(root, case, name))
        diff = float(np.max(np.abs(got.astype(np.float64) - expected))) if got.shape == expected.shape else math.inf
        ok = diff <= tol
        failed += not ok
        print(f"{'ok' if ok else 'FAIL'} {case}: max |difference| {diff:.2g}")
    print(f'{len(CASES)} cases, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    if sys.argv[1] == 'write':
        write(sys.argv[2])
    else:
        sys.exit(compare(sys.argv[2], sys.argv[3], float(sys.argv[4])))
