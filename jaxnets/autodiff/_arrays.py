"""``anp``'s array functions: products, reductions, shapes, joining and indexing.

On jax arrays each calls its ``jax.numpy`` namesake; otherwise it binds primitives.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._constants import ndim
from ._core import Tracer, bind, concrete
from ._dispatch import as_operand, asarray, jax_namespace, result_dtype, shape_of
from ._elementwise import divide, multiply, negative
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

# ------------------------------------------------------------------ products


def matmul(x, y):
    """``x @ y`` as numpy: 1-D operands are promoted to matrices, batch dims broadcast."""
    jax = jax_namespace(x, y)
    if jax is not None:
        return jax.numpy.matmul(x, y)
    x, y = asarray(x), asarray(y)
    x_shape, y_shape = shape_of(x), shape_of(y)
    if len(x_shape) == 0 or len(y_shape) == 0:
        raise ValueError("matmul needs at least 1-D operands; use multiply for scalars")
    x2 = reshape(x, (1, *x_shape)) if len(x_shape) == 1 else x  # (K,) -> (1, K)
    y2 = reshape(y, (*y_shape, 1)) if len(y_shape) == 1 else y  # (K,) -> (K, 1)
    batch = np.broadcast_shapes(shape_of(x2)[:-2], shape_of(y2)[:-2])
    x2 = as_operand(x2, (*batch, *shape_of(x2)[-2:]), None)
    y2 = as_operand(y2, (*batch, *shape_of(y2)[-2:]), None)
    out = bind(matmul_p, x2, y2)  # (..., M, N)
    n_cols = y_shape[-1:] if len(y_shape) > 1 else ()  # numpy drops the promoted axes again
    out_shape = (*batch, *x_shape[-2:-1], *n_cols)
    return out if shape_of(out) == out_shape else reshape(out, out_shape)


def dot(x, y):
    """``np.dot``: a product with a scalar; else the sum over the last axis of ``x`` and
    the second-to-last of ``y`` (its only axis if 1-D): (..., K) · (..., K, N)."""
    jax = jax_namespace(x, y)
    if jax is not None:
        return jax.numpy.dot(x, y)
    if ndim(x) == 0 or ndim(y) == 0:
        return multiply(x, y)
    if ndim(y) <= 2:
        return matmul(x, y)
    y_shape = shape_of(y)  # (*Y, K, N): bring K first, flatten the rest
    y_k = transpose(y, (len(y_shape) - 2, *range(len(y_shape) - 2), len(y_shape) - 1))
    out = matmul(x, reshape(y_k, (y_shape[-2], -1)))  # (..., prod(Y) N)
    return reshape(out, (*shape_of(x)[:-1], *y_shape[:-2], y_shape[-1]))


# ------------------------------------------------------------------ reductions


def _axes(axis, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
    return tuple(sorted(int(a) % ndim if ndim else int(a) for a in axes))


def _reduce(prim, x, axis, keepdims):
    x = asarray(x)
    shape = shape_of(x)
    axes = _axes(axis, len(shape))
    out = bind(prim, x, axis=axes)
    if keepdims:
        out = reshape(out, tuple(1 if i in axes else n for i, n in enumerate(shape)))
    return out


def sum(x, axis=None, keepdims=False):
    """Sum over ``axis`` (int, tuple or None for all axes), like ``np.sum``."""
    jax = jax_namespace(x)
    if jax is not None:
        return jax.numpy.sum(x, axis=axis, keepdims=keepdims)
    return _reduce(sum_p, x, axis, keepdims)


def mean(x, axis=None, keepdims=False):
    """Mean over ``axis``: a sum divided by the (constant) number of terms."""
    jax = jax_namespace(x)
    if jax is not None:
        return jax.numpy.mean(x, axis=axis, keepdims=keepdims)
    shape = shape_of(asarray(x))
    count = int(np.prod([shape[a] for a in _axes(axis, len(shape))]))
    return divide(sum(x, axis=axis, keepdims=keepdims), float(count))


def max(x, axis=None, keepdims=False):
    """Max over ``axis``; k tied maxima share the derivative, 1/k each (jax's rule)."""
    jax = jax_namespace(x)
    if jax is not None:
        return jax.numpy.max(x, axis=axis, keepdims=keepdims)
    return _reduce(max_p, x, axis, keepdims)


def min(x, axis=None, keepdims=False):
    """Min over ``axis``: ``min(x) = -max(-x)``, with the same tie rule."""
    jax = jax_namespace(x)
    if jax is not None:
        return jax.numpy.min(x, axis=axis, keepdims=keepdims)
    return negative(max(negative(x), axis=axis, keepdims=keepdims))


# ------------------------------------------------------------------ shapes


def reshape(x, shape):
    jax = jax_namespace(x)
    if jax is not None:
        return jax.numpy.reshape(x, shape)
    x = asarray(x)
    shape = (int(shape),) if np.ndim(shape) == 0 else tuple(int(n) for n in shape)
    if -1 in shape:  # resolve it here so that the node's param is the real shape
        known = int(np.prod([n for n in shape if n != -1]))
        shape = tuple(int(np.prod(shape_of(x))) // known if n == -1 else n for n in shape)
    return bind(reshape_p, x, shape=shape)


def transpose(x, axes=None):
    jax = jax_namespace(x)
    if jax is not None:
        return jax.numpy.transpose(x, axes)
    x = asarray(x)
    n = len(shape_of(x))
    axes = tuple(reversed(range(n))) if axes is None else tuple(int(a) % n for a in axes)
    return bind(transpose_p, x, axes=axes)


def broadcast_to(x, shape):
    jax = jax_namespace(x)
    if jax is not None:
        return jax.numpy.broadcast_to(x, shape)
    return bind(broadcast_p, asarray(x), shape=tuple(int(n) for n in shape))


def expand_dims(x, axis: int):
    shape = list(shape_of(x))
    shape.insert(axis % (len(shape) + 1), 1)
    return reshape(x, shape)


def astype(x, dtype):
    """``x`` converted to ``dtype``; to an integer or boolean dtype it is a constant (no
    derivative), as jax's ``float0`` cotangents say."""
    jax = jax_namespace(x)
    if jax is not None:
        return jax.numpy.asarray(x).astype(dtype)
    dtype = np.dtype(dtype)
    if dtype.kind not in "fc":
        return np.asarray(concrete(x)).astype(dtype)
    x = asarray(x)
    return x if concrete(x).dtype == dtype else bind(convert_p, x, dtype=dtype)


def stop_gradient(x):
    """The value of ``x`` as a constant: no derivative flows through it, at any level."""
    jax = jax_namespace(x)
    return jax.lax.stop_gradient(x) if jax is not None else concrete(x)


# ------------------------------------------------------------------ joining and indexing


def concatenate(arrays, axis: int = 0):
    jax = jax_namespace(*arrays)
    if jax is not None:
        return jax.numpy.concatenate(arrays, axis)
    arrays = [asarray(a) for a in arrays]
    if not arrays or not shape_of(arrays[0]):
        raise ValueError("concatenate needs at least one array of rank >= 1")
    axis = int(axis) % len(shape_of(arrays[0]))
    dtype = result_dtype(*arrays)
    operands = [a if isinstance(a, Tracer) else np.asarray(a, dtype) for a in arrays]
    return bind(concatenate_p, *operands, axis=axis)


def stack(arrays, axis: int = 0):
    jax = jax_namespace(*arrays)
    if jax is not None:
        return jax.numpy.stack(arrays, axis)
    if not arrays:
        raise ValueError("stack needs at least one array")
    return concatenate([expand_dims(a, axis) for a in arrays], axis)


def _index_part(i: Any) -> Any:
    i = concrete(i)  # a traced index is used by its value: no derivative flows into it
    if i is None or i is Ellipsis or isinstance(i, slice):
        return i
    if isinstance(i, (int, np.integer)):
        return int(i)
    array = np.asarray(i)
    if array.dtype.kind not in "biu":
        raise IndexError(f"only integers, slices, None, ... and int/bool arrays index, not {i!r}")
    return array


def normalize_index(index: Any) -> tuple:
    """``index`` as a tuple of ints, slices, None, ``...`` and integer arrays (a boolean
    mask becomes the integer arrays of its ``nonzero()``)."""
    parts = []
    for part in map(_index_part, index if isinstance(index, tuple) else (index,)):
        is_mask = isinstance(part, np.ndarray) and part.dtype == bool
        parts.extend(np.nonzero(part) if is_mask else [part])
    return tuple(parts)


def getitem(x, index):
    """``x[index]`` (numpy basic and advanced indexing); its vjp is a scatter-add."""
    if jax_namespace(x) is not None:
        return x[index]
    return bind(gather_p, asarray(x), index=normalize_index(index))


def scatter_add(updates, index, shape):
    """Zeros of ``shape`` with ``updates`` added at ``index``, repeats accumulating
    (``jnp.zeros(shape).at[index].add(updates)``): the transpose of ``x[index]``."""
    jax = jax_namespace(updates)
    if jax is not None:
        return jax.numpy.zeros(shape, updates.dtype).at[index].add(updates)
    return bind(scatter_add_p, asarray(updates), index=normalize_index(index), shape=tuple(shape))
