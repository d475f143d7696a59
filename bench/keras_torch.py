"""A Keras model, rebuilt in PyTorch: the peer for any model bench/ times.

    from keras_torch import load
    model, input_shape = load('dir/model.json')   # a TF.js model.json + shards

The input is what `cnnc export MODEL --format tfjs` writes: Keras 2's layer
vocabulary with every default spelled out, and the weights cnnc reads from
the model's files (or draws from its seeded initializers). So the peer runs
the same function with the same weights, and bench/models checks it against
`cnnc predict` before timing anything.

The module takes and returns what Keras does (NHWC images in, Keras's
outputs out) and computes in PyTorch's fastest set-up on this CPU:
NCHW tensors in channels-last memory, so its convolutions run oneDNN's
NHWC kernels. Keras rules it reproduces: 'same' padding puts the odd pixel
at the bottom/right (TensorFlow's rule, not PyTorch's symmetric one),
average pooling over 'same' borders divides by the pixels inside the image,
Flatten/Reshape see channels-last order, BatchNormalization's momentum is
1 - Keras's. `logits()` gives the pre-softmax outputs a trainer wants.
"""
import json, math, os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def _pair(v):
    return tuple(v) if isinstance(v, (list, tuple)) else (v, v)


def _same_pads(size, kernel, stride, dilation=1):
    """TensorFlow's 'same' padding of one axis: (before, after)."""
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
    return total // 2, total - total // 2


def _activation(name):
    acts = {
        'linear': lambda x: x, None: lambda x: x, 'relu': F.relu, 'sigmoid': torch.sigmoid,
        'tanh': torch.tanh, 'softmax': lambda x: F.softmax(x, dim=-1 if x.dim() == 2 else 1),
        'elu': F.elu, 'selu': F.selu, 'softplus': F.softplus, 'softsign': F.softsign,
        'swish': F.silu, 'silu': F.silu, 'gelu': F.gelu, 'relu6': F.relu6, 'mish': F.mish,
        'exponential': torch.exp,
        'hard_sigmoid': lambda x: torch.clamp(0.2 * x + 0.5, 0, 1),
    }
    if name not in acts:
        raise ValueError(f'activation {name!r} has no PyTorch peer here')
    return acts[name]


class Layer(nn.Module):
    """One Keras layer: `shape` is its output shape without the batch, in
    Keras's (H, W, C) order; tensors between layers are NCHW."""

    def __init__(self, config, shape):
        super().__init__()
        self.config = config
        self.shape = shape


class Conv(Layer):
    def __init__(self, c, shape, weights, kind):
        kh, kw = _pair(c['kernel_size'])
        sh, sw = _pair(c.get('strides', 1))
        dh, dw = _pair(c.get('dilation_rate', 1))
        h, w, cin = shape
        pads = ((0, 0), (0, 0))
        if c.get('padding', 'valid') == 'same':
            pads = (_same_pads(h, kh, sh, dh), _same_pads(w, kw, sw, dw))
        out_h = (h + sum(pads[0]) - (kh - 1) * dh - 1) // sh + 1
        out_w = (w + sum(pads[1]) - (kw - 1) * dw - 1) // sw + 1
        if kind == 'depthwise':
            mult = c.get('depth_multiplier', 1)
            filters, groups = cin * mult, cin
        else:
            filters, groups = c['filters'], 1
        super().__init__(c, (out_h, out_w, filters))
        self.conv = nn.Conv2d(cin, filters, (kh, kw), (sh, sw), dilation=(dh, dw), groups=groups,
                              bias=c.get('use_bias', True))
        kernel = weights.pop(0)
        if kind == 'depthwise':  # (kh, kw, cin, mult) -> (cin * mult, 1, kh, kw)
            kernel = kernel.reshape(kh, kw, cin * kernel.shape[3]).transpose(2, 0, 1)[:, None]
        else:                    # (kh, kw, cin, filters) -> (filters, cin, kh, kw)
            kernel = kernel.transpose(3, 2, 0, 1)
        self.conv.weight.data = torch.from_numpy(np.ascontiguousarray(kernel))
        if c.get('use_bias', True):
            self.conv.bias.data = torch.from_numpy(weights.pop(0))
        symmetric = pads[0][0] == pads[0][1] and pads[1][0] == pads[1][1]
        if symmetric:
            self.conv.padding = (pads[0][0], pads[1][0])
            self.pad = None
        else:
            self.pad = (pads[1][0], pads[1][1], pads[0][0], pads[0][1])
        self.act = _activation(c.get('activation', 'linear'))

    def forward(self, x):
        if self.pad:
            x = F.pad(x, self.pad)
        return self.act(self.conv(x))


class Pool(Layer):
    def __init__(self, c, shape, kind):
        ph, pw = _pair(c.get('pool_size', 2))
        sh, sw = _pair(c.get('strides') or (ph, pw))
        h, w, ch = shape
        if c.get('padding', 'valid') == 'same':
            self.pads = (_same_pads(h, ph, sh), _same_pads(w, pw, sw))
            out = (math.ceil(h / sh), math.ceil(w / sw), ch)
        else:
            self.pads = ((0, 0), (0, 0))
            out = ((h - ph) // sh + 1, (w - pw) // sw + 1, ch)
        super().__init__(c, out)
        self.kind, self.window, self.strides = kind, (ph, pw), (sh, sw)

    def forward(self, x):
        (t, b), (l, r) = self.pads
        if self.kind == 'max':
            if t or b or l or r:
                x = F.pad(x, (l, r, t, b), value=-math.inf)
            return F.max_pool2d(x, self.window, self.strides)
        if not (t or b or l or r):
            return F.avg_pool2d(x, self.window, self.strides)
        # Keras divides by the pixels inside the image, not the window.
        ones = torch.ones((1, 1) + x.shape[2:], dtype=x.dtype)
        total = F.avg_pool2d(F.pad(x, (l, r, t, b)), self.window, self.strides, divisor_override=1)
        count = F.avg_pool2d(F.pad(ones, (l, r, t, b)), self.window, self.strides, divisor_override=1)
        return total / count


class Dense(Layer):
    def __init__(self, c, shape, weights):
        super().__init__(c, shape[:-1] + (c['units'],))
        kernel = weights.pop(0)
        self.linear = nn.Linear(kernel.shape[0], kernel.shape[1], bias=c.get('use_bias', True))
        self.linear.weight.data = torch.from_numpy(np.ascontiguousarray(kernel.T))
        if c.get('use_bias', True):
            self.linear.bias.data = torch.from_numpy(weights.pop(0))
        self.act = _activation(c.get('activation', 'linear'))
        self.rank4 = len(shape) == 3

    def forward(self, x):
        if self.rank4:  # Dense on an image acts on the channels
            return self.act(self.linear(x.permute(0, 2, 3, 1))).permute(0, 3, 1, 2)
        return self.act(self.linear(x))


class Lambda(Layer):
    """A layer that is one function of its input."""

    def __init__(self, c, shape, fn):
        super().__init__(c, shape)
        self.fn = fn

    def forward(self, x):
        return self.fn(x)


class BatchNorm(Layer):
    def __init__(self, c, shape, weights):
        super().__init__(c, shape)
        ch = shape[-1]
        self.bn = (nn.BatchNorm2d if len(shape) == 3 else nn.BatchNorm1d)(
            ch, eps=c.get('epsilon', 1e-3), momentum=1 - c.get('momentum', 0.99),
            affine=True)
        gamma = weights.pop(0) if c.get('scale', True) else np.ones(ch, np.float32)
        beta = weights.pop(0) if c.get('center', True) else np.zeros(ch, np.float32)
        self.bn.weight.data = torch.from_numpy(gamma)
        self.bn.bias.data = torch.from_numpy(beta)
        self.bn.running_mean.data = torch.from_numpy(weights.pop(0))
        self.bn.running_var.data = torch.from_numpy(weights.pop(0))
        self.bn.weight.requires_grad_(c.get('scale', True))
        self.bn.bias.requires_grad_(c.get('center', True))

    def forward(self, x):
        return self.bn(x)


def _nhwc(x):
    return x.permute(0, 2, 3, 1) if x.dim() == 4 else x


def _nchw(x):
    return x.permute(0, 3, 1, 2) if x.dim() == 4 else x


def build_layer(class_name, c, shape, weights):
    """The PyTorch module of one Keras layer applied to `shape` (H, W, C)."""
    if class_name in ('Conv2D', 'DepthwiseConv2D'):
        return Conv(c, shape, weights, 'depthwise' if class_name == 'DepthwiseConv2D' else 'conv')
    if class_name in ('MaxPooling2D', 'AveragePooling2D'):
        return Pool(c, shape, 'max' if class_name == 'MaxPooling2D' else 'avg')
    if class_name == 'Dense':
        return Dense(c, shape, weights)
    if class_name == 'BatchNormalization':
        return BatchNorm(c, shape, weights)
    if class_name in ('GlobalMaxPooling2D', 'GlobalAveragePooling2D'):
        op = torch.amax if class_name == 'GlobalMaxPooling2D' else torch.mean
        keep = c.get('keepdims', False)
        out = (1, 1, shape[-1]) if keep else (shape[-1],)
        return Lambda(c, out, lambda x: op(x, dim=(2, 3), keepdim=keep))
    if class_name == 'Flatten':
        return Lambda(c, (int(np.prod(shape)),), lambda x: _nhwc(x).reshape(x.shape[0], -1))
    if class_name == 'Reshape':
        target = list(c['target_shape'])
        if -1 in target:
            target[target.index(-1)] = int(np.prod(shape)) // -int(np.prod(target))
        return Lambda(c, tuple(target),
                      lambda x: _nchw(_nhwc(x).reshape((x.shape[0],) + tuple(target))).contiguous(
                          memory_format=torch.channels_last if len(target) == 3 else torch.contiguous_format))
    if class_name in ('Dropout', 'SpatialDropout2D'):
        drop = nn.Dropout(c['rate']) if class_name == 'Dropout' or len(shape) != 3 else nn.Dropout2d(c['rate'])
        layer = Lambda(c, shape, drop)
        layer.drop = drop
        return layer
    if class_name in ('GaussianNoise', 'GaussianDropout', 'InputLayer'):
        return Lambda(c, shape, lambda x: x)
    if class_name == 'Activation':
        return Lambda(c, shape, _activation(c['activation']))
    if class_name == 'ReLU':
        mx, slope, th = c.get('max_value'), c.get('negative_slope', 0.0), c.get('threshold', 0.0)
        def relu(x):
            y = torch.where(x >= th, x, slope * (x - th))
            return torch.clamp(y, max=mx) if mx is not None else y
        return Lambda(c, shape, relu)
    if class_name == 'LeakyReLU':
        slope = c.get('alpha', c.get('negative_slope', 0.3))
        return Lambda(c, shape, lambda x: F.leaky_relu(x, slope))
    if class_name == 'ELU':
        return Lambda(c, shape, lambda x: F.elu(x, c.get('alpha', 1.0)))
    if class_name == 'Softmax':
        return Lambda(c, shape, lambda x: F.softmax(x, dim=1 if x.dim() == 4 else -1))
    if class_name == 'ZeroPadding2D':
        (t, b), (l, r) = [_pair(p) for p in c['padding']] if isinstance(c['padding'], list) \
            and isinstance(c['padding'][0], list) else [_pair(c['padding'])] * 2
        return Lambda(c, (shape[0] + t + b, shape[1] + l + r, shape[2]), lambda x: F.pad(x, (l, r, t, b)))
    if class_name == 'Cropping2D':
        (t, b), (l, r) = [_pair(p) for p in c['cropping']] if isinstance(c['cropping'], list) \
            and isinstance(c['cropping'][0], list) else [_pair(c['cropping'])] * 2
        h, w = shape[0], shape[1]
        return Lambda(c, (h - t - b, w - l - r, shape[2]), lambda x: x[:, :, t:h - b, l:w - r])
    if class_name == 'Rescaling':
        return Lambda(c, shape, lambda x: x * c['scale'] + c.get('offset', 0.0))
    raise ValueError(f'layer {class_name} has no PyTorch peer in bench/keras_torch.py')


class KerasModel(nn.Module):
    """A Sequential model's layers, in order."""

    def __init__(self, layers, input_shape):
        super().__init__()
        self.layers = nn.ModuleList(layers)
        self.input_shape = input_shape

    def forward(self, x, logits=False):
        """x: NHWC (as Keras takes it) or already NCHW channels-last."""
        if x.dim() == 4 and x.shape[-1] == self.input_shape[-1] and x.shape[1] == self.input_shape[0]:
            x = x.permute(0, 3, 1, 2)
        if x.dim() == 4:
            x = x.contiguous(memory_format=torch.channels_last)
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            if logits and i == last and getattr(layer, 'act', None) is not None \
                    and layer.config.get('activation') == 'softmax':
                saved, layer.act = layer.act, (lambda y: y)
                x = layer(x)
                layer.act = saved
            else:
                x = layer(x)
        return _nhwc(x) if x.dim() == 4 else x

    def logits(self, x):
        """The output before a final softmax: what a PyTorch trainer feeds to
        cross_entropy (the same function as Keras's loss on probabilities)."""
        return self.forward(x, logits=True)


def _weights(model_json, directory):
    """The weights of the manifest, as numpy arrays in order."""
    arrays = []
    for group in model_json['weightsManifest']:
        blob = b''.join(open(os.path.join(directory, p), 'rb').read() for p in group['paths'])
        offset = 0
        for w in group['weights']:
            n = int(np.prod(w['shape'])) if w['shape'] else 1
            arrays.append(np.frombuffer(blob, np.float32, n, offset).reshape(w['shape']).copy())
            offset += 4 * n
    return arrays


def load(path):
    """(module, input shape (H, W, C)) of a TF.js model.json written by cnnc."""
    j = json.load(open(path))
    topology = j['modelTopology']
    config = topology.get('model_config', topology)
    if config['class_name'] != 'Sequential':
        raise ValueError(f"{config['class_name']} models have no PyTorch peer here yet")
    layers = config['config']['layers'] if isinstance(config['config'], dict) else config['config']
    weights = _weights(j, os.path.dirname(path))
    shape = None
    modules = []
    for layer in layers:
        c = layer['config']
        if shape is None:
            shape = tuple(c['batch_input_shape'][1:])
            input_shape = shape
            if layer['class_name'] == 'InputLayer':
                continue
        module = build_layer(layer['class_name'], c, shape, weights)
        modules.append(module)
        shape = module.shape
    if weights:
        raise ValueError(f'{len(weights)} weights left over after binding every layer')
    model = KerasModel(modules, input_shape)
    return model.to(memory_format=torch.channels_last), input_shape


def forward_flops(model, input_shape):
    """(multiply-add FLOPs per image of the forward pass, of the first layer
    with parameters): 2 x the multiply-adds of the convolutions and dense
    layers, counted on the shapes they run at."""
    counts = []

    def hook(module, inputs, output):
        if isinstance(module, nn.Conv2d):
            k = module.weight.shape
            counts.append(2 * output[0].numel() * k[1] * k[2] * k[3])
        elif isinstance(module, nn.Linear):
            counts.append(2 * output[0].numel() * module.in_features)

    handles = [m.register_forward_hook(hook) for m in model.modules()
               if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        model.eval()(torch.zeros((1,) + tuple(input_shape)))
    for h in handles:
        h.remove()
    return sum(counts), (counts[0] if counts else 0)


# --- The command line: bench/models runs the peer through it, in its own
# process, so the allocator settings of its environment apply from the start.

def _idx(path):
    import gzip, struct
    data = open(path, 'rb').read()
    if data[:2] == b'\x1f\x8b':
        data = gzip.decompress(data)
    rank = struct.unpack('>I', data[:4])[0] & 0xff
    dims = struct.unpack('>' + 'I' * rank, data[4:4 + 4 * rank])
    return np.frombuffer(data, np.uint8, offset=4 + 4 * rank).reshape(dims)


def _idx_file(directory, name):
    for candidate in (name, name + '.gz'):
        if os.path.isfile(os.path.join(directory, candidate)):
            return os.path.join(directory, candidate)
    raise SystemExit(f'{directory} has no {name}')


def main():
    import argparse, time
    ap = argparse.ArgumentParser(description='The PyTorch peer of a model cnnc exported to TF.js.')
    ap.add_argument('command', choices=('predict', 'infer', 'train'))
    ap.add_argument('model', help='model.json written by cnnc export --format tfjs')
    ap.add_argument('--input'), ap.add_argument('-o', dest='output')
    ap.add_argument('--images', type=int, default=2560)
    ap.add_argument('--batch', type=int, default=256)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--passes', type=int, default=5)
    ap.add_argument('--data'), ap.add_argument('--limit', type=int, default=10000)
    ap.add_argument('--seed', type=int, default=0)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    # Denormals flushed: PyTorch at its fastest (denormal arithmetic is slow on x86).
    torch.set_flush_denormal(True)
    model, shape = load(a.model)
    if a.command == 'predict':
        with torch.no_grad():
            y = model.eval()(torch.from_numpy(np.load(a.input)))
        np.save(a.output, y.numpy().astype(np.float32))
        return
    if a.command == 'infer':
        x = torch.rand((a.images,) + tuple(shape), generator=torch.Generator().manual_seed(a.seed))
        if x.dim() == 4:  # NHWC -> NCHW channels-last, once, outside the timing
            x = x.permute(0, 3, 1, 2).contiguous(memory_format=torch.channels_last)
        model.eval()
        times = []
        with torch.no_grad():
            for p in range(a.passes + 1):
                t0 = time.perf_counter()
                for i in range(0, a.images, a.batch):
                    model(x[i:i + a.batch])
                times.append(time.perf_counter() - t0)
        best = min(times[1:])
        print(json.dumps({'impl': f'pytorch {torch.__version__}', 'images': a.images, 'batch': a.batch,
                          'threads': a.threads, 'best_s': best, 'images_per_s': a.images / best}))
        return
    # train: one epoch over the first --limit training images, Adam, the
    # sparse categorical cross-entropy of the logits (Keras's loss on the
    # softmax's probabilities, computed as PyTorch users compute it).
    xs = _idx(_idx_file(a.data, 'train-images-idx3-ubyte'))[:a.limit]
    ys = _idx(_idx_file(a.data, 'train-labels-idx1-ubyte'))[:a.limit]
    x = torch.from_numpy(xs.astype(np.float32) / 255.).reshape((len(xs),) + tuple(shape))
    if x.dim() == 4:
        x = x.permute(0, 3, 1, 2).contiguous(memory_format=torch.channels_last)
    y = torch.from_numpy(ys.astype(np.int64))
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=1e-3,
                           betas=(0.9, 0.999), eps=1e-7)
    model.train()
    t0 = time.perf_counter()
    perm = torch.randperm(len(x))
    total = 0.0
    for i in range(0, len(x), a.batch):
        b = perm[i:i + a.batch]
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model.logits(x[b]), y[b])
        loss.backward()
        opt.step()
        total += float(loss) * len(b)
    epoch = time.perf_counter() - t0
    print(json.dumps({'impl': f'pytorch {torch.__version__}', 'images': len(x), 'batch': a.batch,
                      'threads': a.threads, 'epoch_s': epoch, 'images_per_s': len(x) / epoch,
                      'loss': total / len(x)}))


if __name__ == '__main__':
    main()
