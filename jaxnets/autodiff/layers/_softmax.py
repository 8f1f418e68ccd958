"""Softmax cross-entropy, the loss on top of a classifier, and its famous ``p - y`` gradient.

For one example with logits ``z`` (C,) and a target distribution ``y`` (C,) (one-hot for
a label)::

    p = softmax(z),  p_k = e^{z_k} / Σ_j e^{z_j}
    L = -Σ_k y_k log p_k
    ∂L/∂z = p - y              (when Σ_k y_k = 1: the softmax Jacobian and the log cancel)
    ∂L/∂y = -log p

The batch loss is the mean over examples, so each example's gradient is scaled by ``1/B``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .. import nn
from ._array import as_float, batch_size, require_dim, require_rank


def log_softmax(xp: Any, z: Any) -> Any:
    """``log softmax(z) = z - logsumexp(z)`` over the last axis, stable (``nn.log_softmax``
    shifts by the max before ``exp``). ``xp`` is unused: ``nn`` dispatches on ``z`` itself
    (``jax.nn`` for jax arrays), and is kept for the layers' uniform signature."""
    return nn.log_softmax(z, axis=-1)


class SoftmaxCrossEntropyCache(NamedTuple):
    """The log-probabilities and targets; ``p = exp(log_p)``."""

    log_p: Any  # (..., C)
    targets: Any  # (..., C)


class SoftmaxCrossEntropyGrads(NamedTuple):
    """Cotangents of the logits and of the targets."""

    logits: Any  # (..., C)
    targets: Any  # (..., C)


def softmax_cross_entropy_forward(
    logits: Any, targets: Any, *, xp: Any = np
) -> tuple[Any, SoftmaxCrossEntropyCache]:
    """Mean cross-entropy ``L = -(1/B) Σ_b Σ_k y_bk log softmax(z_b)_k``; returns ``(L, cache)``.

    ``logits`` and ``targets`` are (..., C) with the same shape; ``targets`` rows are
    distributions (one-hot labels). ``B`` is the product of the leading axes (1 if none).
    """
    fn = "softmax_cross_entropy_forward"
    logits = as_float(xp, logits, "logits", fn)
    targets = as_float(xp, targets, "targets", fn)
    require_rank(logits, tuple(range(1, 8)), "logits", fn, "(..., C)")
    require_dim(tuple(targets.shape), tuple(logits.shape), "targets.shape != logits.shape", fn)
    log_p = log_softmax(xp, logits)
    n = batch_size(logits.shape, trailing=1)
    loss = -xp.sum(targets * log_p) / n
    return loss, SoftmaxCrossEntropyCache(log_p=log_p, targets=targets)


def softmax_cross_entropy_backward(
    cache: SoftmaxCrossEntropyCache, loss_bar: Any = 1.0, *, xp: Any = np
) -> SoftmaxCrossEntropyGrads:
    """Gradients for a loss cotangent ``L̄`` (a scalar, 1 for plain ``∂L/∂·``).

    ``z̄ = L̄ (p Σ_k y_k - y) / B``; with distributions as targets ``Σ_k y_k = 1`` and this is
    the lecture's ``(p - y) / B``. The general form keeps the rule exact for any ``y``.
    """
    log_p, targets = cache
    n = batch_size(log_p.shape, trailing=1)
    p = xp.exp(log_p)
    mass = xp.sum(targets, axis=-1, keepdims=True)  # Σ_k y_k, 1 for one-hot rows
    logits_bar = loss_bar * (p * mass - targets) / n  # (..., C)
    targets_bar = -loss_bar * log_p / n  # (..., C)
    return SoftmaxCrossEntropyGrads(logits=logits_bar, targets=targets_bar)


def softmax_cross_entropy_tangent(
    cache: SoftmaxCrossEntropyCache, logits_dot: Any, targets_dot: Any, *, xp: Any = np
) -> Any:
    """Forward mode: ``L̇ = (1/B) Σ_b [(p_b Σ_k y_bk - y_b) · ż_b - log p_b · ẏ_b]``, a scalar."""
    log_p, targets = cache
    n = batch_size(log_p.shape, trailing=1)
    mass = xp.sum(targets, axis=-1, keepdims=True)
    return (xp.sum((xp.exp(log_p) * mass - targets) * logits_dot) - xp.sum(log_p * targets_dot)) / n
