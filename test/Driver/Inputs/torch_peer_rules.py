"""torch_peer_rules.py BENCH_DIR: the Keras rules bench/keras_torch.py's
PyTorch peer must keep when it trains, checked on random tensors (each line
prints the largest difference from the rule, written out here from
keras-semantics.md §7, not from PyTorch):

- BatchNormalization in training moves moving_mean and moving_variance by
  `moving = moving·momentum + batch·(1 − momentum)` with the batch's biased
  variance (PyTorch's own module would use the unbiased one);
- a frozen BatchNormalization (trainable: false) normalises with its moving
  statistics in training too and leaves them alone;
- the merge layers compute Keras's functions, Concatenate on Keras's axis.
"""
import sys

import numpy as np
import torch

sys.path.insert(0, sys.argv[1])
import keras_torch  # noqa: E402

torch.manual_seed(0)


def report(what, diff):
    """One line per rule: 'ok' within float32 rounding (1e-5), else WRONG."""
    print(f"{what}: {'ok' if diff <= 1e-5 else 'WRONG'} ({diff:.1e})")


momentum, eps = 0.9, 1e-3


def weights():
    """gamma, beta, moving_mean, moving_variance: fresh arrays each time
    (the peer's tensors share their memory)."""
    return [np.full(4, 1.5, np.float32), np.full(4, 0.2, np.float32),
            np.full(4, 0.3, np.float32), np.full(4, 2.0, np.float32)]


x = torch.randn(3, 4, 5, 5) * 3 + 1  # NCHW, as the peer's modules take it

bn = keras_torch.BatchNorm({'momentum': momentum, 'epsilon': eps}, (5, 5, 4), weights())
bn.train()
x.requires_grad_(True)
y = bn(x)
# The gradient flows through the batch's statistics: a loss that depends
# only on the normalised values' mean has none (each channel's mean is beta).
y.mean(dim=(0, 2, 3)).sum().backward()
report('gradient through the batch statistics', float(x.grad.abs().max()))
x, y = x.detach(), y.detach()
mean, var = x.mean(dim=(0, 2, 3)), x.var(dim=(0, 2, 3), unbiased=False)
want_y = (x - mean[:, None, None]) / torch.sqrt(var[:, None, None] + eps) * 1.5 + 0.2
report('training output', float((y - want_y).abs().max()))
report('moving_mean', float((bn.bn.running_mean - (0.3 * momentum + mean * (1 - momentum))).abs().max()))
report('moving_variance', float((bn.bn.running_var - (2.0 * momentum + var * (1 - momentum))).abs().max()))

frozen = keras_torch.BatchNorm({'momentum': momentum, 'epsilon': eps, 'trainable': False},
                               (5, 5, 4), weights())
frozen.train()
y = frozen(x)
want_y = (x - 0.3) / np.sqrt(2.0 + eps) * 1.5 + 0.2
report('frozen output', float((y - want_y).abs().max()))
report('frozen statistics kept', float((frozen.bn.running_var - 2.0).abs().max()
                                        + (frozen.bn.running_mean - 0.3).abs().max()))

a, b = torch.randn(2, 3, 4, 5), torch.randn(2, 3, 4, 5)  # NCHW of (4, 5, 3) images
shape = [(4, 5, 3), (4, 5, 3)]
for name, want in (('Add', a + b), ('Subtract', a - b), ('Multiply', a * b), ('Average', (a + b) / 2),
                   ('Maximum', torch.maximum(a, b)), ('Minimum', torch.minimum(a, b))):
    got = keras_torch.Merge(name, {}, shape)(a, b)
    report(name, float((got - want).abs().max()))
# Keras's axis -1 / 3 is the channels (PyTorch's 1); axis 1 the rows (2).
for axis, dim in ((-1, 1), (3, 1), (1, 2), (2, 3)):
    merge = keras_torch.Merge('Concatenate', {'axis': axis}, shape)
    got = merge(a, b)
    print(f'Concatenate axis {axis}: NCHW {tuple(got.shape)}, Keras {merge.shape}')
    report(f'Concatenate axis {axis}', float((got - torch.cat((a, b), dim=dim)).abs().max()))
