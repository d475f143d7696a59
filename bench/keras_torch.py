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
1 - Keras's and its moving variance moves toward the biased batch variance
(Keras's rule, not PyTorch's), a frozen one stays in inference mode.
Functional models (TF.js's "Model", Keras's "Functional") become a
GraphModel that runs each layer call in the config's order, with Keras's
merge layers. `logits()` gives the pre-softmax outputs a trainer wants.
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
        self.bn.weight.requires_grad_(c.get('scale', True) and c.get('trainable', True))
        self.bn.bias.requires_grad_(c.get('center', True) and c.get('trainable', True))
        # A frozen BatchNormalization runs in inference mode in training too.
        self.frozen = not c.get('trainable', True)

    def forward(self, x):
        if not self.training or self.frozen:
            return F.batch_norm(x, self.bn.running_mean, self.bn.running_var, self.bn.weight,
                                self.bn.bias, False, 0.0, self.bn.eps)
        # PyTorch moves the running variance toward the batch's unbiased
        # variance, Keras (3, and TF.js) toward the biased one it normalised
        # with: undo the n/(n-1) on the per-channel vector afterwards (no
        # extra pass over x). With m = 1 - Keras's momentum,
        # torch: r' = (1-m)·r + m·v·n/(n-1); Keras: r' = (1-m)·r + m·v.
        # The kernel updates copies: the buffers it took are saved for the
        # backward pass, and autograd refuses a change to them.
        n = x.numel() // x.shape[1]
        m = self.bn.momentum
        mean, var = self.bn.running_mean.clone(), self.bn.running_var.clone()
        y = F.batch_norm(x, mean, var, self.bn.weight, self.bn.bias, True, m, self.bn.eps)
        with torch.no_grad():
            kept = self.bn.running_var * (1 - m)
            self.bn.running_mean.copy_(mean)
            self.bn.running_var.copy_(kept + (var - kept) * ((n - 1) / n) if n > 1 else var)
        return y


class Merge(Layer):
    """Keras's merge layers on NCHW tensors: `axis` of a Concatenate is
    Keras's (channels last) mapped to PyTorch's order; the elementwise ones
    broadcast as Keras allows (equal ranks, size-1 dimensions)."""

    def __init__(self, class_name, c, shapes):
        self.kind = class_name
        if class_name == 'Concatenate':
            rank = len(shapes[0])
            axis = c.get('axis', -1) % (rank + 1)  # with the batch
            out = list(shapes[0])
            out[axis - 1] = sum(s[axis - 1] for s in shapes)
            # (N, H, W, C) -> (N, C, H, W): Keras's axis 3 is PyTorch's 1.
            self.axis = {0: 0, 1: 2, 2: 3, 3: 1}[axis] if rank == 3 else axis
            shape = tuple(out)
        else:
            shape = tuple(max(d) for d in zip(*shapes))
        super().__init__(c, shape)

    def forward(self, *xs):
        k = self.kind
        if k == 'Concatenate':
            return torch.cat(xs, dim=self.axis)
        if k == 'Subtract':
            return xs[0] - xs[1]
        out = xs[0]
        for x in xs[1:]:
            if k in ('Add', 'Average'):
                out = out + x
            elif k == 'Multiply':
                out = out * x
            elif k == 'Maximum':
                out = torch.maximum(out, x)
            elif k == 'Minimum':
                out = torch.minimum(out, x)
        return out / len(xs) if k == 'Average' else out


MERGES = ('Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate')


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


class GraphModel(nn.Module):
    """A Functional model: each layer call (a Keras node) evaluated once, in
    the config's order (Keras writes its layers in a topological order),
    its inputs looked up by (layer, node index, tensor index)."""

    def __init__(self, modules, calls, inputs, outputs, input_shapes):
        super().__init__()
        self.named = nn.ModuleDict(modules)
        # calls: [(layer name, [(layer, node, tensor), ...])], one per node,
        # in evaluation order; a layer called twice shares its module.
        self.calls, self.inputs, self.outputs = calls, inputs, outputs
        self.input_shapes = input_shapes
        self.input_shape = input_shapes[0]

    def forward(self, *xs, logits=False):
        """xs: one NHWC tensor per model input (as Keras takes them).
        Returns one tensor, or a list when the model has several outputs."""
        values, nodes = {}, {}
        for name, x, shape in zip(self.inputs, xs, self.input_shapes):
            if x.dim() == 4 and x.shape[1] == shape[0] and x.shape[-1] == shape[-1]:
                x = x.permute(0, 3, 1, 2)
            if x.dim() == 4:
                x = x.contiguous(memory_format=torch.channels_last)
            values[(name, 0, 0)] = x
        finals = {o[0] for o in self.outputs}
        for name, args in self.calls:
            node = nodes.get(name, 0)
            nodes[name] = node + 1
            layer = self.named[name]
            strip = logits and name in finals and getattr(layer, 'act', None) is not None \
                and layer.config.get('activation') == 'softmax'
            if strip:
                saved, layer.act = layer.act, (lambda y: y)
            values[(name, node, 0)] = layer(*[values[tuple(a)] for a in args])
            if strip:
                layer.act = saved
        out = [values[tuple(o)] for o in self.outputs]
        out = [_nhwc(y) if y.dim() == 4 else y for y in out]
        return out[0] if len(out) == 1 else out

    def logits(self, *xs):
        return self.forward(*xs, logits=True)


def _inbound(node):
    """[(layer, node index, tensor index)] of one inbound node, in the
    Keras 2 / TF.js form ([[name, node, tensor, kwargs], ...]) or Keras 3's
    ({"args": [...]} with keras_history)."""
    if isinstance(node, dict):
        found = []

        def walk(v):
            if isinstance(v, dict):
                if 'keras_history' in v.get('config', {}):
                    found.append(tuple(v['config']['keras_history'][:3]))
                else:
                    for w in v.values():
                        walk(w)
            elif isinstance(v, list):
                for w in v:
                    walk(w)
        walk(node.get('args', []))
        return found
    return [tuple(entry[:3]) for entry in node]


def _load_graph(config, weights_by_layer):
    c = config['config']
    layers = c['layers']
    refs = lambda v: [tuple(r[:3]) for r in (v if isinstance(v[0], list) else [v])]
    inputs, outputs = refs(c['input_layers']), refs(c['output_layers'])
    shapes, modules, calls, input_shapes, called_on = {}, {}, [], [], {}
    for layer in layers:
        name, cls, lc = layer['name'], layer['class_name'], layer['config']
        if cls == 'InputLayer':
            shape = tuple(lc.get('batch_input_shape') or lc['batch_shape'])[1:]
            shapes[(name, 0, 0)] = shape
            continue
        if cls in ('Model', 'Functional', 'Sequential'):
            raise ValueError(f'nested model {name!r} has no PyTorch peer here yet')
        for node_index, node in enumerate(layer['inbound_nodes']):
            args = _inbound(node)
            arg_shapes = [shapes[a] for a in args]
            if name not in modules:
                weights = weights_by_layer.pop(name, [])
                if cls in MERGES:
                    module = Merge(cls, lc, arg_shapes)
                else:
                    module = build_layer(cls, lc, arg_shapes[0], weights)
                if weights:
                    raise ValueError(f'{len(weights)} weights of {name!r} left over')
                modules[name], called_on[name] = module, arg_shapes
            elif called_on[name] != arg_shapes:
                # The module was built for its first call's shapes.
                raise ValueError(f'layer {name!r} called on two shapes has no peer here')
            shapes[(name, node_index, 0)] = modules[name].shape
            calls.append((name, args))
    for i in inputs:
        input_shapes.append(shapes[i])
    return GraphModel(modules, calls, [i[0] for i in inputs], outputs, input_shapes)


def _weights(model_json, directory):
    """The weights of the manifest, as numpy arrays in order."""
    return [array for _, array in _named_weights(model_json, directory)]


def _named_weights(model_json, directory):
    """(name, numpy array) of each weight of the manifest, in order."""
    arrays = []
    for group in model_json['weightsManifest']:
        blob = b''.join(open(os.path.join(directory, p), 'rb').read() for p in group['paths'])
        offset = 0
        for w in group['weights']:
            n = int(np.prod(w['shape'])) if w['shape'] else 1
            arrays.append((w['name'], np.frombuffer(blob, np.float32, n, offset).reshape(w['shape']).copy()))
            offset += 4 * n
    return arrays


def load(path):
    """(module, input shape (H, W, C)) of a TF.js model.json written by cnnc."""
    j = json.load(open(path))
    topology = j['modelTopology']
    config = topology.get('model_config', topology)
    if config['class_name'] in ('Model', 'Functional'):
        by_layer = {}
        for name, array in _named_weights(j, os.path.dirname(path)):
            # 'conv2d/kernel' (or a nested path): the layer is what is
            # before the last part.
            by_layer.setdefault(name.rsplit('/', 1)[0], []).append(array)
        try:
            model = _load_graph(config, by_layer)
        except (KeyError, IndexError, TypeError) as e:
            # A config form the rebuild does not know: not timed, not a crash.
            raise ValueError(f'cannot rebuild the graph in PyTorch: {e!r}') from e
        if by_layer:
            raise ValueError(f'weights of {sorted(by_layer)} bound to no layer')
        return model.to(memory_format=torch.channels_last), model.input_shape
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
