"""The elementary operations: the nodes of a Wengert list.

Each primitive is evaluated by numpy. Binary primitives take arrays of *equal* shape:
``anp`` inserts an explicit ``broadcast_p`` node first, so that the rules stay one line
each and broadcasting has its own (summing) vjp rule, as in jax's ``broadcast_in_dim``.

Params are keyword-only: ``sum_p``/``max_p`` take their ``axis`` tuple,
``broadcast_p``/``reshape_p`` a ``shape``, ``transpose_p`` the permutation ``axes``,
``select_p`` its boolean ``mask``, ``concatenate_p`` an ``axis``, ``gather_p`` (``x[index]``)
and its transpose ``scatter_add_p`` a normalised ``index``, ``convert_p`` a ``dtype``.
"""

from __future__ import annotations

import numpy as np

from ._core import Primitive


def _sigmoid(x):
    # 1 / (1 + e^-x) is what jax.nn.sigmoid computes; e^-x overflows to inf for x < -709
    # and the result is then the correct 0, so the overflow warning is noise.
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-x))


def _scatter_add(ct, *, index, shape):
    """The transpose of ``x[index]``: zeros of ``shape`` with ``ct`` added at ``index``
    (repeated indices accumulate, hence ``np.add.at`` and not assignment)."""
    out = np.zeros(shape, np.result_type(ct))
    np.add.at(out, index, ct)
    return out


add_p = Primitive("add", np.add, "{0} + {1}")
sub_p = Primitive("sub", np.subtract, "{0} - {1}")
mul_p = Primitive("mul", np.multiply, "{0} · {1}")
div_p = Primitive("div", np.divide, "{0} / {1}")
neg_p = Primitive("neg", np.negative, "-{0}")
pow_p = Primitive("pow", np.power, "{0} ** {1}")
exp_p = Primitive("exp", np.exp, "exp({0})")
log_p = Primitive("log", np.log, "log({0})")
expm1_p = Primitive("expm1", np.expm1, "expm1({0})")
log1p_p = Primitive("log1p", np.log1p, "log1p({0})")
sin_p = Primitive("sin", np.sin, "sin({0})")
cos_p = Primitive("cos", np.cos, "cos({0})")
tanh_p = Primitive("tanh", np.tanh, "tanh({0})")
abs_p = Primitive("abs", np.abs, "|{0}|")
sigmoid_p = Primitive("sigmoid", _sigmoid, "sigmoid({0})")
relu_p = Primitive("relu", lambda x: np.maximum(x, np.zeros((), x.dtype)), "relu({0})")
softplus_p = Primitive("softplus", lambda x: np.logaddexp(x, 0.0), "softplus({0})")
maximum_p = Primitive("maximum", np.maximum, "max({0}, {1})")
select_p = Primitive("select", lambda x, y, *, mask: np.where(mask, x, y), "where(c, {0}, {1})")
# (..., M, K) @ (..., K, N) with equal batch shapes; anp.matmul handles 1-D and batching.
matmul_p = Primitive("matmul", np.matmul, "{0} @ {1}")
sum_p = Primitive("sum", lambda x, *, axis: np.sum(x, axis=axis), "sum({0}, axis={axis})")
max_p = Primitive("max", lambda x, *, axis: np.max(x, axis=axis), "max({0}, axis={axis})")
broadcast_p = Primitive(
    "broadcast", lambda x, *, shape: np.broadcast_to(x, shape), "broadcast({0}, {shape})"
)
reshape_p = Primitive("reshape", lambda x, *, shape: np.reshape(x, shape), "reshape({0}, {shape})")
transpose_p = Primitive(
    "transpose", lambda x, *, axes: np.transpose(x, axes), "transpose({0}, {axes})"
)
concatenate_p = Primitive(
    "concatenate", lambda *xs, axis: np.concatenate(xs, axis), "concatenate(..., axis={axis})"
)
gather_p = Primitive("gather", lambda x, *, index: x[index], "{0}[...]")
scatter_add_p = Primitive("scatter_add", _scatter_add, "scatter_add({0}, {shape})")
convert_p = Primitive("convert", lambda x, *, dtype: x.astype(dtype), "{0}.astype({dtype})")

ALL_PRIMITIVES: tuple[Primitive, ...] = (
    add_p,
    sub_p,
    mul_p,
    div_p,
    neg_p,
    pow_p,
    exp_p,
    log_p,
    expm1_p,
    log1p_p,
    sin_p,
    cos_p,
    tanh_p,
    abs_p,
    sigmoid_p,
    relu_p,
    softplus_p,
    maximum_p,
    select_p,
    matmul_p,
    sum_p,
    max_p,
    broadcast_p,
    reshape_p,
    transpose_p,
    concatenate_p,
    gather_p,
    scatter_add_p,
    convert_p,
)
