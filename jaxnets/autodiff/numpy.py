"""A small numpy-like namespace: write ``f`` once, differentiate it here and with jax.

``from jaxnets.autodiff import numpy as anp``. Every function dispatches on its arguments
(``_dispatch.py``): jax arrays go to ``jax.numpy``, so ``jax.grad(f)`` works on the same
``f``; anything else becomes primitives through ``bind``, which this module's tracers
differentiate and plain numpy arrays simply evaluate (float64 by default).

The functions live in ``_elementwise.py``, ``_arrays.py`` and ``_constants.py``; ``jax.nn``'s
functions are in ``jaxnets.autodiff.nn``. This module is where the namespace is defined, so
it is also where ``Tracer`` gets its operators and methods (``x + y``, ``x[i]``,
``x.sum()``, ``x.T``, ...) and where numpy calls on tracers (``np.sin(x)``,
``ndarray * x``, ``ndarray == x``) are routed: each one is the ``anp`` function of the
same name.
"""

from __future__ import annotations

import numpy as np

from ._arrays import (
    astype,
    broadcast_to,
    concatenate,
    dot,
    expand_dims,
    getitem,
    matmul,
    max,
    mean,
    min,
    reshape,
    scatter_add,  # noqa: F401  (used by the vjp of indexing, not a jnp name)
    stack,
    stop_gradient,
    sum,
    transpose,
)
from ._constants import (
    COMPARISONS,
    argmax,
    argmin,
    ndim,
    ones,
    ones_like,
    shape,
    size,
    zeros,
    zeros_like,
)
from ._core import Tracer, not_differentiable
from ._dispatch import asarray
from ._elementwise import (
    abs,
    add,
    clip,
    cos,
    divide,
    exp,
    expm1,
    log,
    log1p,
    maximum,
    minimum,
    multiply,
    negative,
    power,
    relu,  # noqa: F401  (kept for old code: jaxnets.autodiff.nn is its home)
    sigmoid,  # noqa: F401  (likewise)
    sin,
    sqrt,
    square,
    subtract,
    tanh,
    where,
)
from .nn import logsumexp

pi = np.pi
e = np.e
inf = np.inf
nan = np.nan
float32 = np.float32
float64 = np.float64

# ------------------------------------------------------------------ Tracer's operators

_swap = lambda fn: lambda self, other: fn(other, self)


def _varargs(axes: tuple):
    """``x.transpose(1, 0)`` and ``x.transpose((1, 0))`` mean the same, as in numpy."""
    if len(axes) == 1 and np.ndim(axes[0]) == 1:
        return tuple(axes[0])
    return axes or None


_OPERATORS = {
    "__add__": add,
    "__radd__": _swap(add),
    "__sub__": subtract,
    "__rsub__": _swap(subtract),
    "__mul__": multiply,
    "__rmul__": _swap(multiply),
    "__truediv__": divide,
    "__rtruediv__": _swap(divide),
    "__pow__": power,
    "__rpow__": _swap(power),
    "__matmul__": matmul,
    "__rmatmul__": _swap(matmul),
    "__neg__": negative,
    "__pos__": lambda self: self,
    "__abs__": abs,
    "__getitem__": getitem,
    "T": property(transpose),
    "reshape": lambda self, *shape: reshape(self, _varargs(shape)),
    "sum": lambda self, axis=None, keepdims=False: sum(self, axis, keepdims),
    "mean": lambda self, axis=None, keepdims=False: mean(self, axis, keepdims),
    "max": lambda self, axis=None, keepdims=False: max(self, axis, keepdims),
    "min": lambda self, axis=None, keepdims=False: min(self, axis, keepdims),
    "dot": dot,
    "astype": astype,
    "argmax": lambda self, axis=None, keepdims=False: argmax(self, axis, keepdims),
    "argmin": lambda self, axis=None, keepdims=False: argmin(self, axis, keepdims),
    "transpose": lambda self, *axes: transpose(self, _varargs(axes)),
}

# numpy calls on tracers (np.sin(t), ndarray * t, np.sum(t)) are routed to these functions.
UFUNCS = {
    "add": add,
    "subtract": subtract,
    "multiply": multiply,
    "divide": divide,
    "negative": negative,
    "power": power,
    "exp": exp,
    "log": log,
    "expm1": expm1,
    "log1p": log1p,
    "sin": sin,
    "cos": cos,
    "tanh": tanh,
    "absolute": abs,
    "maximum": maximum,
    "minimum": minimum,
    "matmul": matmul,
    "sqrt": sqrt,
    "square": square,
    **COMPARISONS,
}
_ROUTED = (shape, ndim, size, sum, mean, max, min, reshape, transpose, broadcast_to, matmul)
_ROUTED += (dot, where, clip, concatenate, stack, zeros_like, ones_like, expand_dims, argmax)
_ROUTED += (argmin,)
ARRAY_FUNCTIONS = {f.__name__: f for f in _ROUTED} | {"amax": max, "amin": min}


def _array_ufunc(self, ufunc, method, *inputs, **kwargs):
    # ndarray * tracer and np.sin(tracer) arrive here.
    fn = UFUNCS.get(ufunc.__name__)
    if fn is None or method != "__call__" or kwargs:
        raise not_differentiable(f"numpy ufunc np.{ufunc.__name__}", "use an anp function")
    return fn(*inputs)


def _array_function(self, func, types, args, kwargs):
    fn = ARRAY_FUNCTIONS.get(func.__name__)
    if fn is None:
        raise not_differentiable(f"numpy function np.{func.__name__}", "use an anp function")
    return fn(*args, **kwargs)


for _name, _method in {
    **_OPERATORS,
    "__array_ufunc__": _array_ufunc,
    "__array_function__": _array_function,
}.items():
    setattr(Tracer, _name, _method)

__all__ = [
    "abs",
    "add",
    "argmax",
    "argmin",
    "asarray",
    "astype",
    "broadcast_to",
    "clip",
    "concatenate",
    "cos",
    "divide",
    "dot",
    "e",
    "exp",
    "expand_dims",
    "expm1",
    "float32",
    "float64",
    "inf",
    "log",
    "log1p",
    "logsumexp",
    "matmul",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "multiply",
    "nan",
    "ndim",
    "negative",
    "ones",
    "ones_like",
    "pi",
    "power",
    "reshape",
    "shape",
    "sin",
    "size",
    "sqrt",
    "square",
    "stack",
    "stop_gradient",
    "subtract",
    "sum",
    "tanh",
    "transpose",
    "where",
    "zeros",
    "zeros_like",
]
