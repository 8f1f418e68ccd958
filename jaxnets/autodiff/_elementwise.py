"""``anp``'s elementwise functions: arithmetic, functions of one variable, kinks, ``where``.

Binary functions broadcast like numpy, by inserting explicit ``broadcast_p`` nodes; on jax
arrays each calls its ``jax.numpy`` (or ``jax.nn``) namesake.
"""

from __future__ import annotations

import numpy as np

from ._core import bind, concrete
from ._dispatch import as_operand, asarray, binary, jax_namespace, result_dtype, shape_of, unary
from ._primitives import (
    abs_p,
    add_p,
    cos_p,
    div_p,
    exp_p,
    expm1_p,
    log1p_p,
    log_p,
    maximum_p,
    mul_p,
    neg_p,
    pow_p,
    relu_p,
    select_p,
    sigmoid_p,
    sin_p,
    softplus_p,
    sub_p,
    tanh_p,
)


def add(x, y):
    return binary(add_p, "add", x, y)


def subtract(x, y):
    return binary(sub_p, "subtract", x, y)


def multiply(x, y):
    return binary(mul_p, "multiply", x, y)


def divide(x, y):
    return binary(div_p, "divide", x, y)


def power(x, y):
    """``x ** y`` for any real ``x`` where numpy defines it (a negative base needs an
    integer-valued ``y``); ``∂/∂y = x^y log x`` is nan for ``x < 0``, as in jax."""
    return binary(pow_p, "power", x, y)


def maximum(x, y):
    """Elementwise max; at ties each argument gets half the derivative (jax's rule)."""
    return binary(maximum_p, "maximum", x, y)


def minimum(x, y):
    """Elementwise min: ``min(x, y) = -max(-x, -y)``, so ties split 1/2, 1/2 as in jax."""
    jax = jax_namespace(x, y)
    if jax is not None:
        return jax.numpy.minimum(x, y)
    return negative(maximum(negative(x), negative(y)))


def clip(x, min=None, max=None):
    """``minimum(max, maximum(min, x))``, as ``jnp.clip``: at a bound the derivative is 1/2."""
    jax = jax_namespace(x, min, max)
    if jax is not None:
        return jax.numpy.clip(x, min, max)
    x = x if min is None else maximum(min, x)
    return x if max is None else minimum(max, x)


def where(condition, x, y):
    """``x`` where ``condition`` holds, else ``y`` (broadcast together). The condition is a
    constant: its value is used, and no derivative flows into it."""
    jax = jax_namespace(condition, x, y)
    if jax is not None:
        return jax.numpy.where(condition, x, y)
    shape = np.broadcast_shapes(np.shape(concrete(condition)), shape_of(x), shape_of(y))
    mask = np.broadcast_to(np.asarray(concrete(condition), dtype=bool), shape)
    dtype = result_dtype(x, y)
    return bind(select_p, as_operand(x, shape, dtype), as_operand(y, shape, dtype), mask=mask)


def negative(x):
    return unary(neg_p, lambda jax: jax.numpy.negative, x)


def exp(x):
    return unary(exp_p, lambda jax: jax.numpy.exp, x)


def log(x):
    return unary(log_p, lambda jax: jax.numpy.log, x)


def expm1(x):
    return unary(expm1_p, lambda jax: jax.numpy.expm1, x)


def log1p(x):
    return unary(log1p_p, lambda jax: jax.numpy.log1p, x)


def sin(x):
    return unary(sin_p, lambda jax: jax.numpy.sin, x)


def cos(x):
    return unary(cos_p, lambda jax: jax.numpy.cos, x)


def tanh(x):
    return unary(tanh_p, lambda jax: jax.numpy.tanh, x)


def abs(x):
    """``|x|``; its derivative at 0 is +1, as in jax."""
    return unary(abs_p, lambda jax: jax.numpy.abs, x)


def sigmoid(x):
    return unary(sigmoid_p, lambda jax: jax.nn.sigmoid, x)


def relu(x):
    return unary(relu_p, lambda jax: jax.nn.relu, x)


def softplus(x):
    return unary(softplus_p, lambda jax: jax.nn.softplus, x)


def sqrt(x):
    return _constant_power(x, 0.5, "sqrt")


def square(x):
    return _constant_power(x, 2.0, "square")


def _constant_power(x, y: float, jax_name: str):
    """``x ** y`` for a constant ``y``, or ``jnp.<jax_name>(x)`` on jax arrays."""
    jax = jax_namespace(x)
    if jax is not None:
        return getattr(jax.numpy, jax_name)(x)
    return power(asarray(x), y)
