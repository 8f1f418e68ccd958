"""A small numpy-like namespace: write ``f`` once, differentiate it here and with jax.

``from jaxnets.autodiff import numpy as anp``. Every function dispatches on its arguments:

- jax arrays (including jax's own tracers inside ``jax.grad``) go to ``jax.numpy`` /
  ``jax.nn``, so ``jax.grad(f)`` works on the same ``f``;
- anything else becomes primitives through ``bind``: this module's tracers are
  differentiated, plain numpy arrays are simply evaluated (float64 by default).

Binary functions broadcast like numpy, by inserting explicit ``broadcast_p`` nodes.
jax is never imported here: an argument can only be a jax array if jax is already loaded.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from ._core import Tracer, bind, concrete
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

pi = np.pi
e = np.e


def _jax_namespace(*args: Any):
    """``(jax.numpy, jax.nn)`` if any argument is a jax array, else None."""
    jax = sys.modules.get("jax")
    if jax is not None and any(isinstance(a, jax.Array) for a in args):
        return jax.numpy, jax.nn
    return None


def _shape(x: Any) -> tuple[int, ...]:
    return concrete(x).shape if isinstance(x, Tracer) else np.shape(x)


def _dtype_of(x: Any) -> Any:
    # Python scalars stay "weak" (numpy 2 promotion), so x32 * 2.0 stays float32.
    if isinstance(x, Tracer):
        return concrete(x).dtype
    if isinstance(x, (int, float, complex)) and not isinstance(x, bool):
        return x
    return np.asarray(x).dtype


def _as_operand(x: Any, shape: tuple[int, ...], dtype: Any) -> Any:
    """Broadcast ``x`` to ``shape``: a ``broadcast_p`` node for tracers, numpy for constants."""
    if isinstance(x, Tracer):
        return x if x.shape == shape else bind(broadcast_p, x, shape=shape)
    return np.broadcast_to(np.asarray(x, dtype=dtype), shape)


def _binary(prim, jax_name: str, x: Any, y: Any) -> Any:
    ns = _jax_namespace(x, y)
    if ns is not None:
        return getattr(ns[0], jax_name)(x, y)
    dtype = np.result_type(_dtype_of(x), _dtype_of(y))
    if dtype.kind in "biu":  # derivatives need floats
        dtype = np.dtype(np.float64)
    shape = np.broadcast_shapes(_shape(x), _shape(y))
    return bind(prim, _as_operand(x, shape, dtype), _as_operand(y, shape, dtype))


def _unary(prim, jax_fn, x: Any) -> Any:
    ns = _jax_namespace(x)
    if ns is not None:
        return jax_fn(ns)(x)
    if not isinstance(x, Tracer):
        x = asarray(x)
    return bind(prim, x)


def asarray(x: Any) -> Any:
    """``x`` as an array; integers and booleans become float64. Tracers pass through."""
    if isinstance(x, Tracer):
        return x
    ns = _jax_namespace(x)
    if ns is not None:
        return x
    array = np.asarray(x)
    return array.astype(np.float64) if array.dtype.kind in "biu" else array


def add(x, y):
    return _binary(add_p, "add", x, y)


def subtract(x, y):
    return _binary(sub_p, "subtract", x, y)


def multiply(x, y):
    return _binary(mul_p, "multiply", x, y)


def divide(x, y):
    return _binary(div_p, "divide", x, y)


def maximum(x, y):
    return _binary(maximum_p, "maximum", x, y)


def negative(x):
    return _unary(neg_p, lambda ns: ns[0].negative, x)


def exp(x):
    return _unary(exp_p, lambda ns: ns[0].exp, x)


def log(x):
    return _unary(log_p, lambda ns: ns[0].log, x)


def sin(x):
    return _unary(sin_p, lambda ns: ns[0].sin, x)


def cos(x):
    return _unary(cos_p, lambda ns: ns[0].cos, x)


def tanh(x):
    return _unary(tanh_p, lambda ns: ns[0].tanh, x)


def sigmoid(x):
    return _unary(sigmoid_p, lambda ns: ns[1].sigmoid, x)


def relu(x):
    return _unary(relu_p, lambda ns: ns[1].relu, x)


def power(x, y):
    """``x ** y``. A constant scalar ``y`` is one ``pow_p``; a traced or array ``y`` is
    ``exp(y · log x)``, which (like the math) needs ``x > 0``."""
    ns = _jax_namespace(x, y)
    if ns is not None:
        return ns[0].power(x, y)
    if not isinstance(y, Tracer) and np.ndim(y) == 0:
        x = x if isinstance(x, Tracer) else asarray(x)
        return bind(pow_p, x, y=float(y) if np.isrealobj(y) else complex(y))
    return exp(multiply(y, log(x)))


def sqrt(x):
    return _constant_power(x, 0.5, "sqrt")


def square(x):
    return _constant_power(x, 2.0, "square")


def _constant_power(x, y: float, jax_name: str):
    """``x ** y`` for a constant ``y``, or ``jnp.<jax_name>(x)`` on jax arrays."""
    ns = _jax_namespace(x)
    if ns is not None:
        return getattr(ns[0], jax_name)(x)
    return power(x, y)


def matmul(x, y):
    """``x @ y`` as numpy: 1-D operands are promoted to matrices, batch dims broadcast."""
    ns = _jax_namespace(x, y)
    if ns is not None:
        return ns[0].matmul(x, y)
    x, y = asarray(x), asarray(y)
    x_shape, y_shape = _shape(x), _shape(y)
    if len(x_shape) == 0 or len(y_shape) == 0:
        raise ValueError("matmul needs at least 1-D operands; use multiply for scalars")
    x2 = reshape(x, (1, *x_shape)) if len(x_shape) == 1 else x  # (K,) -> (1, K)
    y2 = reshape(y, (*y_shape, 1)) if len(y_shape) == 1 else y  # (K,) -> (K, 1)
    batch = np.broadcast_shapes(_shape(x2)[:-2], _shape(y2)[:-2])
    x2 = _as_operand(x2, (*batch, *_shape(x2)[-2:]), None)
    y2 = _as_operand(y2, (*batch, *_shape(y2)[-2:]), None)
    out = bind(matmul_p, x2, y2)  # (..., M, N)
    n_cols = y_shape[-1:] if len(y_shape) > 1 else ()  # numpy drops the promoted axes again
    out_shape = (*batch, *x_shape[-2:-1], *n_cols)
    return out if _shape(out) == out_shape else reshape(out, out_shape)


def _axes(axis, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
    return tuple(sorted(int(a) % ndim if ndim else int(a) for a in axes))


def sum(x, axis=None, keepdims=False):
    """Sum over ``axis`` (int, tuple or None for all axes), like ``np.sum``."""
    ns = _jax_namespace(x)
    if ns is not None:
        return ns[0].sum(x, axis=axis, keepdims=keepdims)
    x = asarray(x)
    shape = _shape(x)
    axes = _axes(axis, len(shape))
    out = bind(sum_p, x, axis=axes)
    if keepdims:
        out = reshape(out, tuple(1 if i in axes else n for i, n in enumerate(shape)))
    return out


def mean(x, axis=None, keepdims=False):
    """Mean over ``axis``: a sum divided by the (constant) number of terms."""
    ns = _jax_namespace(x)
    if ns is not None:
        return ns[0].mean(x, axis=axis, keepdims=keepdims)
    shape = _shape(asarray(x))
    count = int(np.prod([shape[a] for a in _axes(axis, len(shape))]))
    return divide(sum(x, axis=axis, keepdims=keepdims), float(count))


def reshape(x, shape):
    ns = _jax_namespace(x)
    if ns is not None:
        return ns[0].reshape(x, shape)
    x = asarray(x)
    shape = (int(shape),) if np.ndim(shape) == 0 else tuple(int(n) for n in shape)
    size = int(np.prod(_shape(x)))
    if -1 in shape:  # resolve it here so that the node's param is the real shape
        known = int(np.prod([n for n in shape if n != -1]))
        shape = tuple(size // known if n == -1 else n for n in shape)
    return bind(reshape_p, x, shape=shape)


def transpose(x, axes=None):
    ns = _jax_namespace(x)
    if ns is not None:
        return ns[0].transpose(x, axes)
    x = asarray(x)
    ndim = len(_shape(x))
    axes = tuple(reversed(range(ndim))) if axes is None else tuple(int(a) % ndim for a in axes)
    return bind(transpose_p, x, axes=axes)


def broadcast_to(x, shape):
    ns = _jax_namespace(x)
    if ns is not None:
        return ns[0].broadcast_to(x, shape)
    x = asarray(x)
    return bind(broadcast_p, x, shape=tuple(int(n) for n in shape))


def shape(x) -> tuple[int, ...]:
    """The shape of ``x`` (metadata: no derivative involved)."""
    return tuple(_shape(x))


def ndim(x) -> int:
    return len(_shape(x))


def size(x) -> int:
    return int(np.prod(_shape(x)))


# numpy calls on tracers (np.sin(t), ndarray * t, np.sum(t)) are routed to these names.
UFUNCS = {
    "add": "add",
    "subtract": "subtract",
    "multiply": "multiply",
    "divide": "divide",
    "negative": "negative",
    "power": "power",
    "exp": "exp",
    "log": "log",
    "sin": "sin",
    "cos": "cos",
    "tanh": "tanh",
    "maximum": "maximum",
    "matmul": "matmul",
    "sqrt": "sqrt",
    "square": "square",
}
ARRAY_FUNCTIONS = {
    "shape": "shape",
    "ndim": "ndim",
    "size": "size",
    "sum": "sum",
    "mean": "mean",
    "reshape": "reshape",
    "transpose": "transpose",
    "broadcast_to": "broadcast_to",
    "matmul": "matmul",
}

__all__ = [
    "add",
    "asarray",
    "broadcast_to",
    "cos",
    "divide",
    "e",
    "exp",
    "log",
    "matmul",
    "maximum",
    "mean",
    "multiply",
    "ndim",
    "negative",
    "pi",
    "power",
    "relu",
    "reshape",
    "shape",
    "sigmoid",
    "sin",
    "size",
    "sqrt",
    "square",
    "subtract",
    "sum",
    "tanh",
    "transpose",
]
