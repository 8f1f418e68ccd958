"""The derivative of every primitive, twice: a jvp rule and a vjp rule.

``jvp_rules[p](primals, tangents, **params) -> (out, out_tangent)`` pushes a tangent
forward through one node (forward mode, dual numbers). ``vjp_rules[p](ct, out, *primals,
**params) -> input cotangents`` pulls a cotangent back (reverse mode): the partial
derivatives ``x̄_j · ∂x_j/∂x_i`` for each input ``x_i``.

The rules are written with ``anp`` (and operators), never with raw numpy: when the primals
are themselves tracers of an outer transformation, the rules are traced too, which is
all that forward-over-reverse (``hvp``) needs.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import numpy as anp
from ._core import Primitive, concrete
from ._primitives import (
    add_p,
    broadcast_p,
    cos_p,
    div_p,
    exp_p,
    log_p,
    matmul_p,
    maximum_p,
    mul_p,
    neg_p,
    pow_p,
    relu_p,
    reshape_p,
    sigmoid_p,
    sin_p,
    sub_p,
    sum_p,
    tanh_p,
    transpose_p,
)

jvp_rules: dict[Primitive, Callable] = {}
vjp_rules: dict[Primitive, Callable] = {}

# ------------------------------------------------------------------ arithmetic

jvp_rules[add_p] = lambda p, t: (p[0] + p[1], t[0] + t[1])
vjp_rules[add_p] = lambda ct, out, x, y: (ct, ct)

jvp_rules[sub_p] = lambda p, t: (p[0] - p[1], t[0] - t[1])
vjp_rules[sub_p] = lambda ct, out, x, y: (ct, -ct)

jvp_rules[mul_p] = lambda p, t: (p[0] * p[1], t[0] * p[1] + p[0] * t[1])
vjp_rules[mul_p] = lambda ct, out, x, y: (ct * y, x * ct)


def _div_jvp(primals, tangents):
    (x, y), (xd, yd) = primals, tangents
    out = x / y
    return out, xd / y - out * yd / y  # d(x/y) = dx/y - (x/y) dy/y


jvp_rules[div_p] = _div_jvp
vjp_rules[div_p] = lambda ct, out, x, y: (ct / y, -ct * out / y)

jvp_rules[neg_p] = lambda p, t: (-p[0], -t[0])
vjp_rules[neg_p] = lambda ct, out, x: (-ct,)


def _pow_derivative(x, y: float):
    # d(x^y)/dx = y x^(y-1); for y = 0 the answer is 0 even at x = 0 (0 · 0^-1 is nan).
    if y == 0:
        return anp.asarray(np.zeros(concrete(x).shape, concrete(x).dtype))
    return y * x ** (y - 1)


jvp_rules[pow_p] = lambda p, t, *, y: (p[0] ** y, _pow_derivative(p[0], y) * t[0])
vjp_rules[pow_p] = lambda ct, out, x, *, y: (ct * _pow_derivative(x, y),)

# ------------------------------------------------------------------ elementwise functions

jvp_rules[exp_p] = lambda p, t: (lambda out: (out, out * t[0]))(anp.exp(p[0]))
vjp_rules[exp_p] = lambda ct, out, x: (ct * out,)

jvp_rules[log_p] = lambda p, t: (anp.log(p[0]), t[0] / p[0])
vjp_rules[log_p] = lambda ct, out, x: (ct / x,)

jvp_rules[sin_p] = lambda p, t: (anp.sin(p[0]), anp.cos(p[0]) * t[0])
vjp_rules[sin_p] = lambda ct, out, x: (ct * anp.cos(x),)

jvp_rules[cos_p] = lambda p, t: (anp.cos(p[0]), -anp.sin(p[0]) * t[0])
vjp_rules[cos_p] = lambda ct, out, x: (-ct * anp.sin(x),)

# tanh' = 1 - tanh², sigmoid' = σ(1 - σ): both reuse the node's output.
jvp_rules[tanh_p] = lambda p, t: (lambda out: (out, (1 - out * out) * t[0]))(anp.tanh(p[0]))
vjp_rules[tanh_p] = lambda ct, out, x: (ct * (1 - out * out),)

jvp_rules[sigmoid_p] = lambda p, t: (lambda out: (out, out * (1 - out) * t[0]))(anp.sigmoid(p[0]))
vjp_rules[sigmoid_p] = lambda ct, out, x: (ct * (out * (1 - out)),)

# ------------------------------------------------------------------ kinks: relu and maximum
# The masks are constants (computed from the values, not traced): their derivative is zero
# almost everywhere. At ties maximum splits the derivative 1/2, 1/2, as jax does; relu'(0) = 0.


def _relu_mask(x):
    value = concrete(x)
    return (value > 0).astype(value.dtype)


def _maximum_mask(x, y):
    a, b = concrete(x), concrete(y)
    return np.where(a > b, 1.0, np.where(a == b, 0.5, 0.0)).astype(np.result_type(a, b))


jvp_rules[relu_p] = lambda p, t: (anp.relu(p[0]), t[0] * _relu_mask(p[0]))
vjp_rules[relu_p] = lambda ct, out, x: (ct * _relu_mask(x),)


def _maximum_jvp(primals, tangents):
    (x, y), (xd, yd) = primals, tangents
    mask = _maximum_mask(x, y)
    return anp.maximum(x, y), xd * mask + yd * (1 - mask)


def _maximum_vjp(ct, out, x, y):
    mask = _maximum_mask(x, y)
    return ct * mask, ct * (1 - mask)


jvp_rules[maximum_p] = _maximum_jvp
vjp_rules[maximum_p] = _maximum_vjp

# ------------------------------------------------------------------ linear algebra


def _mT(a):
    """Swap the last two axes: (..., M, N) -> (..., N, M)."""
    ndim = len(a.shape)
    return anp.transpose(a, (*range(ndim - 2), ndim - 1, ndim - 2))


jvp_rules[matmul_p] = lambda p, t: (p[0] @ p[1], t[0] @ p[1] + p[0] @ t[1])
vjp_rules[matmul_p] = lambda ct, out, x, y: (ct @ _mT(y), _mT(x) @ ct)  # (..,M,K), (..,K,N)

# ------------------------------------------------------------------ shapes: all linear


def _sum_vjp(ct, out, x, *, axis):
    # Every summed element receives the cotangent of its sum: reinsert the summed axes
    # with size 1, then broadcast back to x's shape.
    shape = concrete(x).shape
    kept = tuple(1 if i in axis else n for i, n in enumerate(shape))
    return (anp.broadcast_to(anp.reshape(ct, kept), shape),)


def _unbroadcast(ct, shape: tuple[int, ...]):
    """Transpose of broadcasting to ct's shape: sum the copies back into ``shape``."""
    lead = len(ct.shape) - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and ct.shape[lead + i] != 1
    )
    return anp.reshape(anp.sum(ct, axis=axes), shape)


jvp_rules[sum_p] = lambda p, t, *, axis: (anp.sum(p[0], axis), anp.sum(t[0], axis))
vjp_rules[sum_p] = _sum_vjp

jvp_rules[broadcast_p] = lambda p, t, *, shape: (
    anp.broadcast_to(p[0], shape),
    anp.broadcast_to(t[0], shape),
)
vjp_rules[broadcast_p] = lambda ct, out, x, *, shape: (_unbroadcast(ct, concrete(x).shape),)

jvp_rules[reshape_p] = lambda p, t, *, shape: (anp.reshape(p[0], shape), anp.reshape(t[0], shape))
vjp_rules[reshape_p] = lambda ct, out, x, *, shape: (anp.reshape(ct, concrete(x).shape),)

jvp_rules[transpose_p] = lambda p, t, *, axes: (
    anp.transpose(p[0], axes),
    anp.transpose(t[0], axes),
)
vjp_rules[transpose_p] = lambda ct, out, x, *, axes: (
    anp.transpose(ct, tuple(int(i) for i in np.argsort(axes))),
)
