"""Rules of the elementwise primitives: arithmetic, functions of one variable, and kinks.

Each entry is the lecture's local derivative ``∂x_j/∂x_i`` applied to a tangent (jvp,
``ẋ_j = Σ_i ∂x_j/∂x_i ẋ_i``) or to a cotangent (vjp, ``x̄_i += x̄_j ∂x_j/∂x_i``). See
``_rules.py`` for the two calling conventions.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import nn
from . import numpy as anp
from ._core import Primitive, concrete
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


# d(x^y) = y x^(y-1) dx + x^y log(x) dy. The first term is 0 where y = 0 (x^0 = 1, also at
# x = 0 where 0 · 0^-1 is nan). In the second, log x is taken as 0 at x = 0 (as jax) and
# v · x^y log x is nan for x < 0 (undefined) unless v = 0: a negative base is differentiable
# in x but not in y. The nan is selected, never multiplied in, so that a derivative of this
# rule (hessian, reverse over reverse) does not meet 0 · nan.
def _pow_dx(x, y):
    y1 = anp.where(y == 0, 1.0, y)
    return anp.where(y == 0, 0.0, y1 * x ** (y1 - 1))


def _times_log_base(v, out, x):
    term = v * out * anp.log(anp.where(x > 0, x, 1.0))
    return anp.where((x < 0) & (v != 0), np.nan, term)


def _pow_jvp(primals, tangents):
    (x, y), (xd, yd) = primals, tangents
    out = x**y
    return out, xd * _pow_dx(x, y) + _times_log_base(yd, out, x)


jvp_rules[pow_p] = _pow_jvp
vjp_rules[pow_p] = lambda ct, out, x, y: (ct * _pow_dx(x, y), _times_log_base(ct, out, x))

# ------------------------------------------------------------------ functions of one variable

jvp_rules[exp_p] = lambda p, t: (lambda out: (out, out * t[0]))(anp.exp(p[0]))
vjp_rules[exp_p] = lambda ct, out, x: (ct * out,)

jvp_rules[log_p] = lambda p, t: (anp.log(p[0]), t[0] / p[0])
vjp_rules[log_p] = lambda ct, out, x: (ct / x,)

# expm1(x) = e^x - 1 and log1p(x) = log(1 + x), accurate near 0: (e^x - 1)' = e^x = out + 1.
jvp_rules[expm1_p] = lambda p, t: (lambda out: (out, (out + 1) * t[0]))(anp.expm1(p[0]))
vjp_rules[expm1_p] = lambda ct, out, x: (ct * (out + 1),)

jvp_rules[log1p_p] = lambda p, t: (anp.log1p(p[0]), t[0] / (1 + p[0]))
vjp_rules[log1p_p] = lambda ct, out, x: (ct / (1 + x),)

jvp_rules[sin_p] = lambda p, t: (anp.sin(p[0]), anp.cos(p[0]) * t[0])
vjp_rules[sin_p] = lambda ct, out, x: (ct * anp.cos(x),)

jvp_rules[cos_p] = lambda p, t: (anp.cos(p[0]), -anp.sin(p[0]) * t[0])
vjp_rules[cos_p] = lambda ct, out, x: (-ct * anp.sin(x),)

# tanh' = 1 - tanh², sigmoid' = σ(1 - σ): both reuse the node's output.
jvp_rules[tanh_p] = lambda p, t: (lambda out: (out, (1 - out * out) * t[0]))(anp.tanh(p[0]))
vjp_rules[tanh_p] = lambda ct, out, x: (ct * (1 - out * out),)

jvp_rules[sigmoid_p] = lambda p, t: (lambda out: (out, out * (1 - out) * t[0]))(nn.sigmoid(p[0]))
vjp_rules[sigmoid_p] = lambda ct, out, x: (ct * (out * (1 - out)),)

# softplus(x) = log(1 + e^x), and softplus' = e^x / (1 + e^x) = σ(x).
jvp_rules[softplus_p] = lambda p, t: (nn.softplus(p[0]), nn.sigmoid(p[0]) * t[0])
vjp_rules[softplus_p] = lambda ct, out, x: (ct * nn.sigmoid(x),)

# ------------------------------------------------------------------ kinks: relu, abs, maximum
# The masks are constants (computed from the values, not traced): their derivative is zero
# almost everywhere. At the kink we follow jax: relu'(0) = 0, |x|'(0) = +1, and maximum
# splits the derivative 1/2, 1/2 between tied arguments.


def _mask(condition, like):
    return np.asarray(condition).astype(concrete(like).dtype)


jvp_rules[relu_p] = lambda p, t: (nn.relu(p[0]), t[0] * _mask(concrete(p[0]) > 0, p[0]))
vjp_rules[relu_p] = lambda ct, out, x: (ct * _mask(concrete(x) > 0, x),)


def _sign(x):  # d|x|/dx, +1 at 0
    return np.where(concrete(x) >= 0, 1.0, -1.0).astype(concrete(x).dtype)


jvp_rules[abs_p] = lambda p, t: (anp.abs(p[0]), t[0] * _sign(p[0]))
vjp_rules[abs_p] = lambda ct, out, x: (ct * _sign(x),)


def _maximum_mask(x, y):
    a, b = concrete(x), concrete(y)
    return np.where(a > b, 1.0, np.where(a == b, 0.5, 0.0)).astype(np.result_type(a, b))


def _maximum_jvp(primals, tangents):
    (x, y), (xd, yd) = primals, tangents
    mask = _maximum_mask(x, y)
    return anp.maximum(x, y), xd * mask + yd * (1 - mask)


def _maximum_vjp(ct, out, x, y):
    mask = _maximum_mask(x, y)
    return ct * mask, ct * (1 - mask)


jvp_rules[maximum_p] = _maximum_jvp
vjp_rules[maximum_p] = _maximum_vjp

# where(c, x, y): the tangent (cotangent) goes to the branch that was selected, and a select
# (not a product with the mask) keeps inf and nan of the other branch out of it.
jvp_rules[select_p] = lambda p, t, *, mask: (
    anp.where(mask, p[0], p[1]),
    anp.where(mask, t[0], t[1]),
)
vjp_rules[select_p] = lambda ct, out, x, y, *, mask: (
    anp.where(mask, ct, 0.0),
    anp.where(mask, 0.0, ct),
)
