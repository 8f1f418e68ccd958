"""Rules of the array primitives: matmul, reductions, shapes, concatenation and indexing.

All but ``max_p`` are linear, so their jvp applies the operation itself to the tangent and
their vjp is the transpose: ``sum`` ↔ ``broadcast``, ``reshape`` ↔ ``reshape`` back,
``concatenate`` ↔ slicing the pieces out again, ``x[index]`` ↔ a scatter-add.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import numpy as anp
from ._core import Primitive, concrete
from ._primitives import (
    broadcast_p,
    concatenate_p,
    convert_p,
    gather_p,
    matmul_p,
    max_p,
    reshape_p,
    scatter_add_p,
    sum_p,
    transpose_p,
)

jvp_rules: dict[Primitive, Callable] = {}
vjp_rules: dict[Primitive, Callable] = {}


def _mT(a):
    """Swap the last two axes: (..., M, N) -> (..., N, M)."""
    ndim = len(a.shape)
    return anp.transpose(a, (*range(ndim - 2), ndim - 1, ndim - 2))


jvp_rules[matmul_p] = lambda p, t: (p[0] @ p[1], t[0] @ p[1] + p[0] @ t[1])
vjp_rules[matmul_p] = lambda ct, out, x, y: (ct @ _mT(y), _mT(x) @ ct)  # (..,M,K), (..,K,N)

# ------------------------------------------------------------------ reductions


def _spread(ct, shape, axis):
    # Every reduced element receives the cotangent of its result: reinsert the reduced
    # axes with size 1, then broadcast back to the input's shape.
    kept = tuple(1 if i in axis else n for i, n in enumerate(shape))
    return anp.broadcast_to(anp.reshape(ct, kept), shape)


jvp_rules[sum_p] = lambda p, t, *, axis: (anp.sum(p[0], axis), anp.sum(t[0], axis))
vjp_rules[sum_p] = lambda ct, out, x, *, axis: (_spread(ct, concrete(x).shape, axis),)


def _argmax_weights(x, axis):
    """Where ``x`` attains its max along ``axis``: 1/k at each of k tied maxima (jax's rule
    for ``jnp.max``), 0 elsewhere. A constant: the location does not move under small steps."""
    v = concrete(x)
    hit = (v == np.max(v, axis=axis, keepdims=True)).astype(v.dtype)
    return hit / np.sum(hit, axis=axis, keepdims=True)


jvp_rules[max_p] = lambda p, t, *, axis: (
    anp.max(p[0], axis),
    anp.sum(t[0] * _argmax_weights(p[0], axis), axis),
)
vjp_rules[max_p] = lambda ct, out, x, *, axis: (
    _spread(ct, concrete(x).shape, axis) * _argmax_weights(x, axis),
)

# ------------------------------------------------------------------ shapes


def _unbroadcast(ct, shape: tuple[int, ...]):
    """Transpose of broadcasting to ct's shape: sum the copies back into ``shape``."""
    lead = len(ct.shape) - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and ct.shape[lead + i] != 1
    )
    return anp.reshape(anp.sum(ct, axis=axes), shape)


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

jvp_rules[convert_p] = lambda p, t, *, dtype: (anp.astype(p[0], dtype), anp.astype(t[0], dtype))
vjp_rules[convert_p] = lambda ct, out, x, *, dtype: (anp.astype(ct, concrete(x).dtype),)

# ------------------------------------------------------------------ concatenation, indexing


def _split(ct, xs, axis):
    """The pieces of ``ct`` that came from each of ``xs`` (the transpose of concatenating)."""
    sizes = [concrete(x).shape[axis] for x in xs]
    starts = np.cumsum([0, *sizes[:-1]])
    before = (slice(None),) * axis
    return tuple(ct[(*before, slice(s, s + n))] for s, n in zip(starts, sizes, strict=True))


jvp_rules[concatenate_p] = lambda p, t, *, axis: (
    anp.concatenate(p, axis),
    anp.concatenate(t, axis),
)
vjp_rules[concatenate_p] = lambda ct, out, *xs, axis: _split(ct, xs, axis)

# y = x[index] copies entries; its transpose adds each cotangent back where it came from
# (an entry picked twice receives both): x̄ = scatter_add(ȳ, index, x.shape).
jvp_rules[gather_p] = lambda p, t, *, index: (p[0][index], t[0][index])
vjp_rules[gather_p] = lambda ct, out, x, *, index: (anp.scatter_add(ct, index, concrete(x).shape),)
jvp_rules[scatter_add_p] = lambda p, t, *, index, shape: (
    anp.scatter_add(p[0], index, shape),
    anp.scatter_add(t[0], index, shape),
)
vjp_rules[scatter_add_p] = lambda ct, out, x, *, index, shape: (ct[index],)
