"""Teaching module: automatic differentiation from scratch (numpy only).

Forward mode (dual numbers, ``jvp``/``jacfwd``) and reverse mode (a tape swept backwards,
``vjp``/``grad``/``jacrev``) over a small set of primitives, each with a jvp and a vjp rule
(``jvp_rules``, ``vjp_rules``). The transformations have jax's names and signatures
(``argnums`` int or tuple, ``has_aux``); functions are written against ``anp``
(``from jaxnets.autodiff import numpy as anp``) and ``jaxnets.autodiff.nn`` as one would
against ``jnp`` and ``jax.nn``, so that the same ``f`` runs here and under ``jax.grad``.
See ``docs/autodiff.md`` for the lecture example worked through.

>>> from jaxnets.autodiff import LECTURE_POINT, grad, lecture_example
>>> [round(float(g), 6) for g in grad(lecture_example, argnums=(0, 1, 2))(*LECTURE_POINT)]
[10.681278, 5.340639, -3.805241]
"""

from . import nn, numpy  # noqa: F401  (submodules: anp and nn, not in __all__)
from ._check import JaxComparison, check_grads, compare_with_jax
from ._core import NotDifferentiableError, Primitive, bind, counting
from ._costs import JacobianCosts, jacobian_costs
from ._extend import define_primitive
from ._forward import JVPTracer, jacfwd, jvp
from ._primitives import (
    ALL_PRIMITIVES,
    abs_p,
    add_p,
    broadcast_p,
    concatenate_p,
    convert_p,
    cos_p,
    div_p,
    exp_p,
    expm1_p,
    gather_p,
    log1p_p,
    log_p,
    matmul_p,
    max_p,
    maximum_p,
    mul_p,
    neg_p,
    pow_p,
    relu_p,
    reshape_p,
    scatter_add_p,
    select_p,
    sigmoid_p,
    sin_p,
    softplus_p,
    sub_p,
    sum_p,
    tanh_p,
    transpose_p,
)
from ._pytree import tree_flatten, tree_map, tree_unflatten
from ._reverse import Node, TapeTracer, grad, hessian, hvp, jacrev, record, value_and_grad, vjp
from ._rules import jvp_rules, vjp_rules
from ._sweeps import (
    LECTURE_POINT,
    ReverseSweep,
    forward_sweep_table,
    lecture_example,
    reverse_sweep_table,
    trace,
)
from ._tables import Table

__all__ = [
    "ALL_PRIMITIVES",
    "LECTURE_POINT",
    "JVPTracer",
    "JacobianCosts",
    "JaxComparison",
    "Node",
    "NotDifferentiableError",
    "Primitive",
    "ReverseSweep",
    "Table",
    "TapeTracer",
    "abs_p",
    "add_p",
    "bind",
    "broadcast_p",
    "check_grads",
    "compare_with_jax",
    "concatenate_p",
    "convert_p",
    "cos_p",
    "counting",
    "define_primitive",
    "div_p",
    "exp_p",
    "expm1_p",
    "forward_sweep_table",
    "gather_p",
    "grad",
    "hessian",
    "hvp",
    "jacfwd",
    "jacobian_costs",
    "jacrev",
    "jvp",
    "jvp_rules",
    "lecture_example",
    "log1p_p",
    "log_p",
    "matmul_p",
    "max_p",
    "maximum_p",
    "mul_p",
    "neg_p",
    "pow_p",
    "record",
    "relu_p",
    "reshape_p",
    "reverse_sweep_table",
    "scatter_add_p",
    "select_p",
    "sigmoid_p",
    "sin_p",
    "softplus_p",
    "sub_p",
    "sum_p",
    "tanh_p",
    "trace",
    "transpose_p",
    "tree_flatten",
    "tree_map",
    "tree_unflatten",
    "value_and_grad",
    "vjp",
    "vjp_rules",
]
