"""Hand-derived backpropagation for network layers, in numpy, and bridged into JAX.

Each layer is a pair ``*_forward(inputs) -> (out, cache)`` and
``*_backward(cache, out_bar) -> grads``, with the formulas written out in the lecture
notation, plus a forward-mode ``*_tangent`` rule. They run on numpy (float64) by default;
the same code runs on ``jax.numpy`` through the ``*_vjp`` (``jax.custom_vjp``) and ``*_jvp``
(``jax.custom_jvp``) adapters, which are loaded lazily so that importing this package does
not import jax.

>>> import numpy as np
>>> from jaxnets.autodiff.layers import dense_forward, dense_backward
>>> y, cache = dense_forward(np.ones((2, 3)), np.ones((4, 3)), np.zeros(4), "relu")
>>> dense_backward(cache, np.ones_like(y)).W
array([[2., 2., 2.],
       [2., 2., 2.],
       [2., 2., 2.],
       [2., 2., 2.]])
"""

from __future__ import annotations

import importlib
from typing import Any

from ._conv import Conv2DCache, Conv2DGrads, conv2d_backward, conv2d_forward, conv2d_tangent
from ._dense import (
    ACTIVATIONS,
    DenseCache,
    DenseGrads,
    activate,
    dense_backward,
    dense_forward,
    dense_tangent,
)
from ._mlp import MLPCache, MLPGrads, mlp_backward, mlp_forward, mlp_tangent
from ._pool import MaxPoolCache, max_pool_backward, max_pool_forward, max_pool_tangent
from ._rnn import RNNCache, RNNGrads, rnn_backward, rnn_forward, rnn_tangent
from ._softmax import (
    SoftmaxCrossEntropyCache,
    SoftmaxCrossEntropyGrads,
    log_softmax,
    softmax_cross_entropy_backward,
    softmax_cross_entropy_forward,
    softmax_cross_entropy_tangent,
)
from ._window import output_size

_BRIDGE = (
    "make_custom_vjp",
    "make_custom_jvp",
    "dense_vjp",
    "mlp_vjp",
    "softmax_cross_entropy_vjp",
    "conv2d_vjp",
    "max_pool_vjp",
    "rnn_vjp",
    "dense_jvp",
    "mlp_jvp",
    "softmax_cross_entropy_jvp",
    "conv2d_jvp",
    "max_pool_jvp",
    "rnn_jvp",
)


def __getattr__(name: str) -> Any:
    # PEP 562: the JAX adapters import jax, so they are loaded on first use only.
    if name in _BRIDGE:
        return getattr(importlib.import_module(f"{__name__}._bridge"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Grouped by layer, as in the docs.
__all__ = [
    "ACTIVATIONS",
    "activate",
    "output_size",
    "log_softmax",
    "DenseCache",
    "DenseGrads",
    "dense_forward",
    "dense_backward",
    "dense_tangent",
    "SoftmaxCrossEntropyCache",
    "SoftmaxCrossEntropyGrads",
    "softmax_cross_entropy_forward",
    "softmax_cross_entropy_backward",
    "softmax_cross_entropy_tangent",
    "MLPCache",
    "MLPGrads",
    "mlp_forward",
    "mlp_backward",
    "mlp_tangent",
    "Conv2DCache",
    "Conv2DGrads",
    "conv2d_forward",
    "conv2d_backward",
    "conv2d_tangent",
    "MaxPoolCache",
    "max_pool_forward",
    "max_pool_backward",
    "max_pool_tangent",
    "RNNCache",
    "RNNGrads",
    "rnn_forward",
    "rnn_backward",
    "rnn_tangent",
    *_BRIDGE,
]
