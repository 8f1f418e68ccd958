"""The lecture's two-layer MLP ``h = f(W1 x + b1)``, ``y = f(W2 h + b2)`` and its backprop.

Backprop is the dense rule applied twice, top layer first, the input gradient of the top
layer being the output gradient of the bottom one::

    δ2 = ȳ ⊙ f'(z2)        W̄2 = δ2 hᵀ     b̄2 = δ2     h̄ = W2ᵀ δ2
    δ1 = h̄ ⊙ f'(z1)        W̄1 = δ1 xᵀ     b̄1 = δ1     x̄ = W1ᵀ δ1

Written out, ``δ1 = (W2ᵀ δ2) ⊙ f'(z1)``: the error is sent back through the transposed
weights and gated by the local slope, which is the whole idea of backpropagation.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ._dense import DenseCache, dense_backward, dense_forward, dense_tangent


class MLPCache(NamedTuple):
    """The two dense caches, bottom layer first."""

    hidden: DenseCache  # x (..., D), W1 (H, D), f'(z1) (..., H)
    output: DenseCache  # h (..., H), W2 (K, H), f'(z2) (..., K)


class MLPGrads(NamedTuple):
    """Cotangents of :func:`mlp_forward`'s inputs, each shaped like its input."""

    x: Any  # (..., D)
    W1: Any  # (H, D)
    b1: Any  # (H,)
    W2: Any  # (K, H)
    b2: Any  # (K,)


def mlp_forward(
    x: Any,
    W1: Any,
    b1: Any,
    W2: Any,
    b2: Any,
    activation: str = "sigmoid",
    *,
    xp: Any = np,
) -> tuple[Any, MLPCache]:
    """``y = f(W2 f(W1 x + b1) + b2)``; returns ``(y, cache)`` with ``y`` (..., K).

    Shapes: ``x`` (..., D), ``W1`` (H, D), ``b1`` (H,), ``W2`` (K, H), ``b2`` (K,). The same
    ``activation`` ``f`` is used in both layers, as in the lecture.
    """
    h, hidden = dense_forward(x, W1, b1, activation, xp=xp)  # (..., H)
    y, output = dense_forward(h, W2, b2, activation, xp=xp)  # (..., K)
    return y, MLPCache(hidden=hidden, output=output)


def mlp_backward(cache: MLPCache, y_bar: Any, *, xp: Any = np) -> MLPGrads:
    """Gradients of every input given ``ȳ`` (..., K): top layer first, then the hidden one."""
    top = dense_backward(cache.output, y_bar, xp=xp)  # δ2, W̄2, b̄2 and h̄ = W2ᵀ δ2
    bottom = dense_backward(cache.hidden, top.x, xp=xp)  # δ1 = h̄ ⊙ f'(z1), W̄1, b̄1, x̄
    return MLPGrads(x=bottom.x, W1=bottom.W, b1=bottom.b, W2=top.W, b2=top.b)


def mlp_tangent(
    cache: MLPCache, x_dot: Any, W1_dot: Any, b1_dot: Any, W2_dot: Any, b2_dot: Any
) -> Any:
    """Forward mode, bottom layer first: ``ḣ = f'(z1) ⊙ (W1 ẋ + Ẇ1 x + ḃ1)``, then ``ẏ``."""
    h_dot = dense_tangent(cache.hidden, x_dot, W1_dot, b1_dot)
    return dense_tangent(cache.output, h_dot, W2_dot, b2_dot)
