"""A simple RNN with a softmax output at every step, trained by backpropagation through time.

Lecture notation for one sequence ``x_1 .. x_T`` (each (D,)) with targets ``y_t`` (C,)::

    s_t = tanh(U x_t + W s_{t-1})        U (H, D), W (H, H), s_0 given (zeros by default)
    o_t = softmax(V s_t)                 V (C, H)
    L   = Σ_t L_t,  L_t = -y_t · log o_t

BPTT runs the time loop backwards. ``s_t`` influences ``L`` through its own output and
through the next state, so its gradient has two parts::

    δz_t = o_t - y_t                              at z_t = V s_t
    V̄   += δz_t s_tᵀ
    s̄_t  = Vᵀ δz_t + Wᵀ δa_{t+1}                  (δa_{T+1} = 0)
    δa_t = s̄_t ⊙ (1 - s_t²)                       at a_t = U x_t + W s_{t-1}
    Ū   += δa_t x_tᵀ     W̄ += δa_t s_{t-1}ᵀ     x̄_t = Uᵀ δa_t
    s̄_0  = Wᵀ δa_1

The same ``U, W, V`` are used at every step, so their gradients are sums over time. With a
batch (leading axes of ``xs``) the loss is averaged over sequences and summed over time.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ._array import as_float, batch_size, require_dim, require_rank
from ._softmax import log_softmax


class RNNCache(NamedTuple):
    """Inputs, weights, every state (with ``s_0``) and every log-output."""

    xs: Any  # (..., T, D)
    targets: Any  # (..., T, C)
    U: Any  # (H, D)
    W: Any  # (H, H)
    V: Any  # (C, H)
    states: Any  # (..., T + 1, H), states[..., 0, :] = s_0
    log_o: Any  # (..., T, C)


class RNNGrads(NamedTuple):
    """Cotangents of :func:`rnn_forward`'s inputs, each shaped like its input."""

    xs: Any  # (..., T, D)
    targets: Any  # (..., T, C)
    U: Any  # (H, D)
    W: Any  # (H, H)
    V: Any  # (C, H)
    s0: Any  # (..., H)


def _flat_outer(a: Any, b: Any) -> Any:
    """``Σ_batch a bᵀ`` for ``a`` (..., M), ``b`` (..., N): the (M, N) parameter gradient."""
    return a.reshape(-1, a.shape[-1]).T @ b.reshape(-1, b.shape[-1])


def rnn_forward(
    xs: Any, targets: Any, U: Any, W: Any, V: Any, s0: Any = None, *, xp: Any = np
) -> tuple[Any, RNNCache]:
    """Sequence loss ``L = (1/B) Σ_b Σ_t -y_bt · log o_bt``; returns ``(L, cache)``.

    ``xs`` (..., T, D), ``targets`` (..., T, C) one-hot (or distributions), ``U`` (H, D),
    ``W`` (H, H), ``V`` (C, H), ``s0`` (..., H) or ``None`` for zeros. ``B`` is the product of
    the leading axes of ``xs`` (1 for a single sequence (T, D)).
    """
    fn = "rnn_forward"
    xs, targets = as_float(xp, xs, "xs", fn), as_float(xp, targets, "targets", fn)
    U, W, V = as_float(xp, U, "U", fn), as_float(xp, W, "W", fn), as_float(xp, V, "V", fn)
    require_rank(xs, tuple(range(2, 8)), "xs", fn, "(..., T, D)")
    for name, a, layout in (("U", U, "(H, D)"), ("W", W, "(H, H)"), ("V", V, "(C, H)")):
        require_rank(a, (2,), name, fn, layout)
    hidden = U.shape[0]
    require_dim(xs.shape[-1], U.shape[1], "xs.shape[-1] (D) must equal U.shape[1]", fn)
    require_dim(tuple(W.shape), (hidden, hidden), "W.shape must be (H, H) with H = U.shape[0]", fn)
    require_dim(V.shape[1], hidden, "V.shape[1] (H) must equal U.shape[0]", fn)
    want = (*xs.shape[:-1], V.shape[0])
    require_dim(tuple(targets.shape), want, "targets.shape must be (..., T, C)", fn)
    if s0 is None:
        s0 = xp.zeros((*xs.shape[:-2], hidden), dtype=xs.dtype)
    s0 = as_float(xp, s0, "s0", fn)
    require_dim(tuple(s0.shape), (*xs.shape[:-2], hidden), "s0.shape must be (..., H)", fn)

    states, log_outputs, loss = [s0], [], 0.0
    for t in range(xs.shape[-2]):
        a = xs[..., t, :] @ U.T + states[-1] @ W.T  # a_t = U x_t + W s_{t-1}   (..., H)
        states.append(xp.tanh(a))  # s_t
        log_o = log_softmax(xp, states[-1] @ V.T)  # log o_t = log softmax(V s_t)  (..., C)
        log_outputs.append(log_o)
        loss = loss - xp.sum(targets[..., t, :] * log_o)
    loss = loss / batch_size(xs.shape, trailing=2)
    cache = RNNCache(
        xs=xs,
        targets=targets,
        U=U,
        W=W,
        V=V,
        states=xp.stack(states, axis=-2),
        log_o=xp.stack(log_outputs, axis=-2),
    )
    return loss, cache


def rnn_backward(cache: RNNCache, loss_bar: Any = 1.0, *, xp: Any = np) -> RNNGrads:
    """BPTT: gradients of every input for a loss cotangent ``L̄`` (1 for plain ``∂L/∂·``)."""
    xs, targets, U, W, V, states, log_o = cache
    n = batch_size(xs.shape, trailing=2)
    # δz_t = o_t Σ_k y_tk - y_t: the softmax cross-entropy rule (p - y for one-hot targets).
    mass = xp.sum(targets, axis=-1, keepdims=True)
    dz = loss_bar * (xp.exp(log_o) * mass - targets) / n  # (..., T, C)
    U_bar, W_bar = xp.zeros_like(U), xp.zeros_like(W)
    V_bar = _flat_outer(dz, states[..., 1:, :])  # Σ_t δz_t s_tᵀ  (C, H)
    carry = xp.zeros_like(states[..., 0, :])  # Wᵀ δa_{t+1}, zero after the last step
    xs_bar = []
    for t in reversed(range(xs.shape[-2])):
        s_t, s_prev = states[..., t + 1, :], states[..., t, :]
        s_bar = dz[..., t, :] @ V + carry  # s̄_t = Vᵀ δz_t + Wᵀ δa_{t+1}
        da = s_bar * (1.0 - s_t * s_t)  # δa_t = s̄_t ⊙ tanh'(a_t)
        U_bar = U_bar + _flat_outer(da, xs[..., t, :])  # Ū += δa_t x_tᵀ
        W_bar = W_bar + _flat_outer(da, s_prev)  # W̄ += δa_t s_{t-1}ᵀ
        xs_bar.append(da @ U)  # x̄_t = Uᵀ δa_t
        carry = da @ W  # sent to step t-1
    xs_bar = xp.stack(xs_bar[::-1], axis=-2)
    targets_bar = -loss_bar * log_o / n
    return RNNGrads(xs=xs_bar, targets=targets_bar, U=U_bar, W=W_bar, V=V_bar, s0=carry)


def rnn_tangent(
    cache: RNNCache,
    xs_dot: Any,
    targets_dot: Any,
    U_dot: Any,
    W_dot: Any,
    V_dot: Any,
    s0_dot: Any,
    *,
    xp: Any = np,
) -> Any:
    """Forward mode, forwards in time, returning the scalar tangent ``L̇`` of the loss.

    Tangents move forward through the recurrence, ``ṡ_0`` given::

        ṡ_t = (1 - s_t²) ⊙ (U ẋ_t + U̇ x_t + W ṡ_{t-1} + Ẇ s_{t-1})
        L̇   = (1/B) Σ_t [(o_t Σ_k y_tk - y_t) · (V ṡ_t + V̇ s_t) - log o_t · ẏ_t]
    """
    xs, targets, U, W, V, states, log_o = cache
    mass = xp.sum(targets, axis=-1, keepdims=True)
    dz = xp.exp(log_o) * mass - targets  # ∂L_t/∂z_t per example, (..., T, C)
    s_dot, loss_dot = s0_dot, -xp.sum(log_o * targets_dot)
    for t in range(xs.shape[-2]):
        s_t, s_prev = states[..., t + 1, :], states[..., t, :]
        a_dot = xs_dot[..., t, :] @ U.T + xs[..., t, :] @ U_dot.T
        a_dot = a_dot + s_dot @ W.T + s_prev @ W_dot.T
        s_dot = (1.0 - s_t * s_t) * a_dot
        z_dot = s_dot @ V.T + s_t @ V_dot.T
        loss_dot = loss_dot + xp.sum(dz[..., t, :] * z_dot)
    return loss_dot / batch_size(xs.shape, trailing=2)
