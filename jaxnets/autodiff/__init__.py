"""Teaching module: automatic differentiation from scratch (numpy only).

Forward mode (dual numbers, ``jvp``/``jacfwd``) and reverse mode (a tape swept backwards,
``vjp``/``grad``/``jacrev``) over a small set of primitives, each with a jvp and a vjp rule
(``jvp_rules``, ``vjp_rules``). Functions are written against ``anp``
(``from jaxnets.autodiff import numpy as anp``) so that the same ``f`` runs here and under
``jax.grad``. See ``docs/autodiff.md`` for the lecture example worked through.

>>> from jaxnets.autodiff import LECTURE_POINT, grad, lecture_example
>>> [round(float(g), 6) for g in grad(lecture_example, argnums=(0, 1, 2))(*LECTURE_POINT)]
[10.681278, 5.340639, -3.805241]
"""

from . import numpy
from ._check import GradCheck, JaxComparison, check_grads, compare_with_jax
from ._core import NotDifferentiableError, Primitive, bind, counting
from ._costs import JacobianCosts, jacobian_costs
from ._forward import JVPTracer, jacfwd, jvp
from ._primitives import (
    ALL_PRIMITIVES,
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
    "GradCheck",
    "JVPTracer",
    "JacobianCosts",
    "JaxComparison",
    "Node",
    "NotDifferentiableError",
    "Primitive",
    "ReverseSweep",
    "Table",
    "TapeTracer",
    "add_p",
    "bind",
    "broadcast_p",
    "check_grads",
    "compare_with_jax",
    "cos_p",
    "counting",
    "div_p",
    "exp_p",
    "forward_sweep_table",
    "grad",
    "hessian",
    "hvp",
    "jacfwd",
    "jacobian_costs",
    "jacrev",
    "jvp",
    "jvp_rules",
    "lecture_example",
    "log_p",
    "matmul_p",
    "maximum_p",
    "mul_p",
    "neg_p",
    "numpy",
    "pow_p",
    "record",
    "relu_p",
    "reshape_p",
    "reverse_sweep_table",
    "sigmoid_p",
    "sin_p",
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
