"""How an ``anp`` call becomes primitives, or a jax call.

Every ``anp`` function dispatches on its arguments:

- jax arrays (including jax's own tracers inside ``jax.grad``) go to ``jax.numpy`` /
  ``jax.nn``, so ``jax.grad(f)`` works on the same ``f``;
- anything else becomes primitives through ``bind``: this module's tracers are
  differentiated, plain numpy arrays are simply evaluated (float64 by default).

jax is never imported here: an argument can only be a jax array if jax is already loaded.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from ._core import Primitive, Tracer, bind, concrete
from ._primitives import broadcast_p


def jax_namespace(*args: Any):
    """The ``jax`` module if any argument (or list entry) is a jax array, else None."""
    jax = sys.modules.get("jax")
    if jax is None:
        return None
    flat = [b for a in args for b in (a if isinstance(a, (list, tuple)) else (a,))]
    return jax if any(isinstance(a, jax.Array) for a in flat) else None


def shape_of(x: Any) -> tuple[int, ...]:
    return concrete(x).shape if isinstance(x, Tracer) else np.shape(x)


def _dtype_of(x: Any) -> Any:
    # Python scalars stay "weak" (numpy 2 promotion), so x32 * 2.0 stays float32.
    if isinstance(x, Tracer):
        return concrete(x).dtype
    if isinstance(x, (int, float, complex)) and not isinstance(x, bool):
        return x
    return np.asarray(x).dtype


def result_dtype(*xs: Any) -> np.dtype:
    """The promoted dtype of ``xs``; integers and booleans become float64 (derivatives
    need floats)."""
    dtype = np.result_type(*(_dtype_of(x) for x in xs))
    return np.dtype(np.float64) if dtype.kind in "biu" else dtype


def as_operand(x: Any, shape: tuple[int, ...], dtype: Any) -> Any:
    """Broadcast ``x`` to ``shape``: a ``broadcast_p`` node for tracers, numpy for constants."""
    if isinstance(x, Tracer):
        return x if x.shape == shape else bind(broadcast_p, x, shape=shape)
    return np.broadcast_to(np.asarray(x, dtype=dtype), shape)


def asarray(x: Any) -> Any:
    """``x`` as an array; integers and booleans become float64. Tracers pass through."""
    if isinstance(x, Tracer) or jax_namespace(x) is not None:
        return x
    array = np.asarray(x)
    return array.astype(np.float64) if array.dtype.kind in "biu" else array


def binary(prim: Primitive, jax_name: str, x: Any, y: Any, **params: Any) -> Any:
    """``prim(x, y)`` after numpy broadcasting and promotion, or ``jnp.<jax_name>(x, y)``."""
    jax = jax_namespace(x, y)
    if jax is not None:
        return getattr(jax.numpy, jax_name)(x, y)
    dtype = result_dtype(x, y)
    shape = np.broadcast_shapes(shape_of(x), shape_of(y))
    return bind(prim, as_operand(x, shape, dtype), as_operand(y, shape, dtype), **params)


def unary(prim: Primitive, jax_fn, x: Any) -> Any:
    """``prim(x)``, or ``jax_fn(jax)(x)`` on a jax array."""
    jax = jax_namespace(x)
    if jax is not None:
        return jax_fn(jax)(x)
    return bind(prim, asarray(x))


def _call_primitive(self: Primitive, *args: Any, **params: Any) -> Any:
    """``prim(*args)``: jax arrays go to ``prim.jax_impl``, anything else is bound."""
    if jax_namespace(*args) is not None:
        if self.jax_impl is None:
            raise TypeError(f"{self!r} has no jax_impl, so it cannot be applied to jax arrays")
        return self.jax_impl(*args, **params)
    return bind(self, *(asarray(a) for a in args), **params)


# Installed here, where operands are understood, so that _core imports nothing of ours.
Primitive.__call__ = _call_primitive
