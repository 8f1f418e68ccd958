"""``jax.nn``'s activations and normalisers, for functions written against ``anp``.

``from jaxnets.autodiff import nn``: the same names and semantics as ``jax.nn`` (and on jax
arrays each calls its ``jax.nn`` namesake). ``sigmoid``, ``relu`` and ``softplus`` are
primitives with their own rules; the rest are compositions, written as one would in jnp::

    logsumexp(x) = m + log Σ_k exp(x_k - m),   m = max_k x_k   (a constant: stop_gradient)
    log_softmax(x) = x - logsumexp(x),          softmax(x) = exp(log_softmax(x))

Subtracting the max keeps every ``exp`` at most 1, so large logits do not overflow; since
``m`` cancels exactly, it is held constant and its derivative (at ties) never enters.

>>> import numpy as np
>>> from jaxnets.autodiff import grad, nn
>>> float(nn.logsumexp(np.array([1000.0, 1000.0])))  # log(2 e^1000), no overflow
1000.6931471805599
>>> grad(lambda z: nn.logsumexp(z))(np.array([0.0, np.log(3.0)]))  # = softmax(z)
array([0.25, 0.75])
"""

from __future__ import annotations

import numpy as np

from ._arrays import _axes, max, reshape, stop_gradient, sum
from ._dispatch import jax_namespace, shape_of
from ._elementwise import exp, log, relu, sigmoid, softplus, subtract


def logsumexp(x, axis=None, keepdims=False):
    """``log Σ exp(x)`` over ``axis`` (None: all), computed stably; shape as ``sum``."""
    jax = jax_namespace(x)
    if jax is not None:
        return jax.nn.logsumexp(x, axis=axis, keepdims=keepdims)
    m = stop_gradient(max(x, axis=axis, keepdims=True))
    m = np.where(np.isfinite(m), m, 0.0)  # all -inf (an empty sum): log 0 = -inf stays
    out = log(sum(exp(subtract(x, m)), axis=axis, keepdims=True)) + m
    return out if keepdims else _squeeze(out, axis)


def _squeeze(out, axis):
    shape = shape_of(out)
    axes = _axes(axis, len(shape))
    return reshape(out, tuple(n for i, n in enumerate(shape) if i not in axes))


def log_softmax(x, axis=-1):
    """``x - logsumexp(x)`` along ``axis``: log-probabilities, shape of ``x``."""
    jax = jax_namespace(x)
    if jax is not None:
        return jax.nn.log_softmax(x, axis=axis)
    return subtract(x, logsumexp(x, axis=axis, keepdims=True))


def softmax(x, axis=-1):
    """``exp(x_k) / Σ_j exp(x_j)`` along ``axis``: probabilities, shape of ``x``."""
    jax = jax_namespace(x)
    if jax is not None:
        return jax.nn.softmax(x, axis=axis)
    return exp(log_softmax(x, axis=axis))


__all__ = ["log_softmax", "logsumexp", "relu", "sigmoid", "softmax", "softplus"]
