"""Dense layer ``y = f(W x + b)`` with its hand-derived backward (and forward-mode) rule.

Lecture notation, one example ``x`` (D,), weights ``W`` (H, D), bias ``b`` (H,)::

    z = W x + b                     y = f(z)
    δ = ȳ ⊙ f'(z)                   (H,)   the error signal at the pre-activation
    W̄ = δ xᵀ                        (H, D)
    b̄ = δ                           (H,)
    x̄ = Wᵀ δ                        (D,)   passed on to the layer below

With a batch the rows of ``x`` (B, D) are examples, so ``z = x Wᵀ + b`` and the parameter
gradients sum the per-example ones: ``W̄ = Σ_b δ_b x_bᵀ = δᵀ x``, ``b̄ = Σ_b δ_b``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .. import nn
from ._array import as_float, require_dim, require_rank


def _sigmoid(xp: Any, z: Any) -> tuple[Any, Any]:
    y = nn.sigmoid(z)  # jax.nn.sigmoid on jax arrays, the sigmoid_p primitive on numpy
    return y, y * (1.0 - y)  # σ' = σ (1 - σ)


def _tanh(xp: Any, z: Any) -> tuple[Any, Any]:
    y = xp.tanh(z)
    return y, 1.0 - y * y  # tanh' = 1 - tanh²


def _relu(xp: Any, z: Any) -> tuple[Any, Any]:
    # relu'(0) is taken as 0, as jax.nn.relu does.
    return nn.relu(z), (z > 0).astype(z.dtype)


def _identity(xp: Any, z: Any) -> tuple[Any, Any]:
    return z, xp.ones_like(z)


#: name -> ``(xp, z) -> (f(z), f'(z))``; "identity" gives a linear layer (logits).
ACTIVATIONS = {"sigmoid": _sigmoid, "tanh": _tanh, "relu": _relu, "identity": _identity}


def activate(xp: Any, z: Any, activation: str) -> tuple[Any, Any]:
    """``(f(z), f'(z))`` for the named activation; ``ValueError`` lists the known names."""
    try:
        rule = ACTIVATIONS[activation]
    except KeyError:
        raise ValueError(
            f"unknown activation {activation!r}; choose one of {sorted(ACTIVATIONS)}"
        ) from None
    return rule(xp, z)


class DenseCache(NamedTuple):
    """What the backward pass needs: the input, the weights and ``f'(z)``."""

    x: Any  # (..., D)
    W: Any  # (H, D)
    fprime: Any  # (..., H) f'(z), kept so backward needs no activation name


class DenseGrads(NamedTuple):
    """Cotangents of :func:`dense_forward`'s inputs, each shaped like its input."""

    x: Any  # (..., D)
    W: Any  # (H, D)
    b: Any  # (H,)


def dense_forward(
    x: Any, W: Any, b: Any, activation: str = "sigmoid", *, xp: Any = np
) -> tuple[Any, DenseCache]:
    """``y = f(x Wᵀ + b)`` for ``x`` (..., D), ``W`` (H, D), ``b`` (H,); returns ``(y, cache)``.

    ``y`` has shape (..., H); leading axes of ``x`` are batch axes (none for one example).
    ``activation`` is one of ``ACTIVATIONS``. Integer inputs are promoted to float64.
    """
    fn = "dense_forward"
    x, W, b = as_float(xp, x, "x", fn), as_float(xp, W, "W", fn), as_float(xp, b, "b", fn)
    require_rank(W, (2,), "W", fn, "(H, D)")
    require_rank(b, (1,), "b", fn, "(H,)")
    require_rank(x, tuple(range(1, 8)), "x", fn, "(..., D)")
    require_dim(x.shape[-1], W.shape[1], "x.shape[-1] (D) must equal W.shape[1]", fn)
    require_dim(b.shape[0], W.shape[0], "b.shape[0] (H) must equal W.shape[0]", fn)
    z = x @ W.T + b  # (..., H)
    y, fprime = activate(xp, z, activation)
    return y, DenseCache(x=x, W=W, fprime=fprime)


def dense_backward(cache: DenseCache, y_bar: Any, *, xp: Any = np) -> DenseGrads:
    """Gradients ``(x̄, W̄, b̄)`` given ``ȳ = ∂L/∂y`` (..., H), the shape of the output."""
    x, W, fprime = cache
    what = "y_bar.shape must equal y.shape"
    require_dim(tuple(y_bar.shape), tuple(fprime.shape), what, "dense_backward")
    delta = y_bar * fprime  # δ = ȳ ⊙ f'(z)          (..., H)
    d_flat = delta.reshape(-1, W.shape[0])  # (B, H) with all batch axes in one
    x_flat = x.reshape(-1, W.shape[1])  # (B, D)
    W_bar = d_flat.T @ x_flat  # W̄ = Σ_b δ_b x_bᵀ       (H, D)
    b_bar = xp.sum(d_flat, axis=0)  # b̄ = Σ_b δ_b         (H,)
    x_bar = delta @ W  # x̄ = Wᵀ δ, row-wise as δ W      (..., D)
    return DenseGrads(x=x_bar, W=W_bar, b=b_bar)


def dense_tangent(cache: DenseCache, x_dot: Any, W_dot: Any, b_dot: Any) -> Any:
    """Forward mode: ``ẏ = f'(z) ⊙ (W ẋ + Ẇ x + ḃ)`` (..., H) for input tangents.

    Linear in ``(ẋ, Ẇ, ḃ)``, which is what lets JAX transpose it into the backward pass.
    """
    x, W, fprime = cache
    z_dot = x_dot @ W.T + x @ W_dot.T + b_dot  # product rule on z = x Wᵀ + b
    return fprime * z_dot
