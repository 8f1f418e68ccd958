"""Forward mode: dual numbers (primal, tangent) pushed through the jvp rules.

Running ``f`` on dual numbers ``x + ε ẋ`` (ε² = 0) computes ``f(x)`` and the directional
derivative ``J ẋ`` in one sweep, in evaluation order, storing nothing: one jvp gives one
column of the Jacobian, so ``jacfwd`` needs n sweeps for n inputs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import numpy as anp
from ._core import Trace, Tracer, concrete, new_main, tick
from ._jacobian import basis, check_inexact, from_columns, select_args, split_aux
from ._pytree import tree_flatten, tree_flatten_with_paths, tree_unflatten
from ._rules import jvp_rules


class JVPTracer(Tracer):
    """A dual number: ``primal`` and ``tangent`` have the same shape."""

    def __init__(self, trace: Trace, primal: Any, tangent: Any):
        self._trace = trace
        self.primal = primal
        self.tangent = tangent

    @property
    def primal_value(self) -> Any:
        return self.primal

    def __repr__(self) -> str:
        return f"JVPTracer(primal={self.primal!r}, tangent={self.tangent!r})"


class JVPTrace(Trace):
    def lift(self, val: Any) -> JVPTracer:
        # A constant (or a value of an outer transformation) has a zero tangent here.
        value = concrete(val)
        return JVPTracer(self, val, np.zeros(np.shape(value), np.asarray(value).dtype))

    def process_primitive(self, prim, tracers, params):
        if prim not in jvp_rules:
            raise NotImplementedError(f"no jvp rule for primitive {prim}")
        tick("jvp")
        primals = [t.primal for t in tracers]
        tangents = [t.tangent for t in tracers]
        out, out_tangent = jvp_rules[prim](primals, tangents, **params)
        return JVPTracer(self, out, out_tangent)


def _check_like(primals: tuple, tangents: tuple) -> tuple[list, list, Any]:
    """Flatten both, checking that every tangent matches its primal's shape."""
    p_leaves, p_paths, p_def = tree_flatten_with_paths(primals, "primals")
    t_leaves, _, t_def = tree_flatten_with_paths(tangents, "tangents")
    if p_def != t_def:
        raise TypeError(f"tangents have structure {t_def} but primals have structure {p_def}")
    p_leaves = [anp.asarray(p) for p in p_leaves]
    t_leaves = [anp.asarray(t) for t in t_leaves]
    for path, p, t in zip(p_paths, p_leaves, t_leaves, strict=True):
        if tuple(p.shape) != tuple(t.shape):
            raise ValueError(
                f"tangent for argument {path} has shape {tuple(t.shape)}, "
                f"but the primal has shape {tuple(p.shape)}"
            )
    return p_leaves, t_leaves, p_def


def _lower(tree: Any, main) -> Any:
    """Auxiliary outputs leave the transformation as values: strip this level's tracers."""
    leaves, treedef = tree_flatten(tree)
    own = lambda v: isinstance(v, JVPTracer) and v._trace.main is main
    return tree_unflatten(treedef, [v.primal if own(v) else v for v in leaves])


def jvp(f: Callable, primals: Sequence, tangents: Sequence, has_aux: bool = False) -> tuple:
    """``(f(*primals), J_f(primals) · tangents)`` by one forward sweep on dual numbers.

    ``primals`` and ``tangents`` are tuples (one entry per argument of ``f``) of pytrees
    with equal structure and leaf shapes; the output tangent has the structure and shapes
    of ``f``'s output. With ``has_aux``, ``f`` returns ``(out, aux)`` and the result is
    ``(out, out_tangent, aux)``, as in ``jax.jvp``.
    """
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError("jvp(f, primals, tangents) takes tuples: one entry per argument of f")
    p_leaves, t_leaves, in_def = _check_like(tuple(primals), tuple(tangents))
    with new_main(JVPTrace) as main:
        trace = JVPTrace(main)
        duals = [JVPTracer(trace, p, t) for p, t in zip(p_leaves, t_leaves, strict=True)]
        out, aux = split_aux(f(*tree_unflatten(in_def, duals)), has_aux)
        out_leaves, out_def = tree_flatten(out)
        out_duals = [trace.full_raise(anp.asarray(o)) for o in out_leaves]
        aux = _lower(aux, main)
    out = tree_unflatten(out_def, [d.primal for d in out_duals])
    tangent = tree_unflatten(out_def, [d.tangent for d in out_duals])
    return (out, tangent, aux) if has_aux else (out, tangent)


def jacfwd(f: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False) -> Callable:
    """The Jacobian of ``f`` w.r.t. ``args[argnums]`` by one jvp per input scalar.

    For ``x`` of shape ``(*I,)`` and output of shape ``(*O,)`` the result has shape
    ``(*O, *I)``; pytree inputs/outputs give nested trees of such blocks, and a tuple
    ``argnums`` a tuple of blocks per output leaf, as in jax. With ``has_aux``, ``f``
    returns ``(out, aux)`` and the result is ``(jacobian, aux)``.
    """

    f_pair = f if has_aux else lambda *args: (f(*args), None)

    def jacobian(*args):
        g, x = select_args(f_pair, args, argnums)
        check_inexact(x, "jacfwd")
        in_leaves, in_def = tree_flatten(x)
        x = tree_unflatten(in_def, [anp.asarray(v) for v in in_leaves])
        columns, out, aux = [], None, None
        for e_k in basis(in_leaves):
            out, tangent, aux = jvp(g, (x,), (tree_unflatten(in_def, e_k),), has_aux=True)
            columns.append(tree_flatten(tangent)[0])
        if not columns:  # no input scalars: evaluate once for the output's structure
            out, aux = g(x)
        jac = from_columns(columns, x, out)
        return (jac, aux) if has_aux else jac

    return jacobian
