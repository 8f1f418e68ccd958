"""``anp`` functions whose results carry no derivative: constants, metadata, value-only.

``zeros``/``ones``/``*_like`` are constants; ``shape``/``ndim``/``size`` are metadata;
``argmax``/``argmin`` and the comparisons look at values only (integer and boolean results
have no derivative, as jax's ``float0`` cotangents say). None of them binds a primitive.
"""

from __future__ import annotations

import numpy as np

from ._core import concrete
from ._dispatch import jax_namespace, shape_of


def zeros(shape, dtype=np.float64):
    return np.zeros(shape, dtype)


def ones(shape, dtype=np.float64):
    return np.ones(shape, dtype)


def zeros_like(x, dtype=None):
    jax = jax_namespace(x)
    if jax is not None:
        return jax.numpy.zeros_like(x, dtype)
    return np.zeros(shape_of(x), dtype or np.asarray(concrete(x)).dtype)


def ones_like(x, dtype=None):
    jax = jax_namespace(x)
    if jax is not None:
        return jax.numpy.ones_like(x, dtype)
    return np.ones(shape_of(x), dtype or np.asarray(concrete(x)).dtype)


def shape(x) -> tuple[int, ...]:
    """The shape of ``x`` (metadata: no derivative involved)."""
    return tuple(shape_of(x))


def ndim(x) -> int:
    return len(shape_of(x))


def size(x) -> int:
    return int(np.prod(shape_of(x)))


def argmax(x, axis=None, keepdims=False):
    """Index of the max along ``axis`` (the first of ties), an integer array."""
    jax = jax_namespace(x)
    if jax is not None:
        return jax.numpy.argmax(x, axis=axis, keepdims=keepdims)
    return np.argmax(concrete(x), axis=axis, keepdims=keepdims)


def argmin(x, axis=None, keepdims=False):
    """Index of the min along ``axis`` (the first of ties), an integer array."""
    jax = jax_namespace(x)
    if jax is not None:
        return jax.numpy.argmin(x, axis=axis, keepdims=keepdims)
    return np.argmin(concrete(x), axis=axis, keepdims=keepdims)


def _compare(np_fn):
    return lambda x, y: np_fn(concrete(x), concrete(y))


# numpy's comparison ufuncs on tracers (ndarray == tracer): values only, boolean results.
COMPARISONS = {
    name: _compare(getattr(np, name))
    for name in ("equal", "not_equal", "less", "less_equal", "greater", "greater_equal")
}
