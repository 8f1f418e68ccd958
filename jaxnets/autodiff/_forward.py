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


def jvp(f: Callable, primals: Sequence, tangents: Sequence) -> tuple[Any, Any]:
    """``(f(*primals), J_f(primals) · tangents)`` by one forward sweep on dual numbers.

    ``primals`` and ``tangents`` are tuples (one entry per argument of ``f``) of pytrees
    with equal structure and leaf shapes; the output tangent has the structure and shapes
    of ``f``'s output.
    """
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError("jvp(f, primals, tangents) takes tuples: one entry per argument of f")
    p_leaves, t_leaves, in_def = _check_like(tuple(primals), tuple(tangents))
    with new_main(JVPTrace) as main:
        trace = JVPTrace(main)
        duals = [JVPTracer(trace, p, t) for p, t in zip(p_leaves, t_leaves, strict=True)]
        out = f(*tree_unflatten(in_def, duals))
        out_leaves, out_def = tree_flatten(out)
        out_duals = [trace.full_raise(anp.asarray(o)) for o in out_leaves]
    return (
        tree_unflatten(out_def, [d.primal for d in out_duals]),
        tree_unflatten(out_def, [d.tangent for d in out_duals]),
    )


def _only_concrete(values: list, name: str) -> list:
    # Stacking columns needs a concatenate primitive, which this module does not have.
    if any(isinstance(v, Tracer) for v in values):
        raise NotImplementedError(f"{name} cannot run inside another transformation here")
    return [np.asarray(v) for v in values]


def jacobian_from_columns(columns: list[list], in_leaves: list, out_leaves: list, in_def, out_def):
    """Assemble ``[column k][out leaf]`` arrays (one column per scalar input) into the jax
    layout: a tree of ``out`` whose leaves are trees of ``in`` with leaves of shape
    ``out_leaf.shape + in_leaf.shape``."""
    sizes = [int(np.size(x)) for x in in_leaves]
    splits = np.cumsum(sizes)[:-1]
    blocks = []
    for j, o in enumerate(out_leaves):
        o_shape = np.shape(o)
        matrix = np.stack([np.reshape(col[j], o_shape) for col in columns], axis=-1)  # (*O, N)
        parts = np.split(matrix, splits, axis=-1)
        leaves = [p.reshape(*o_shape, *np.shape(x)) for p, x in zip(parts, in_leaves, strict=True)]
        blocks.append(tree_unflatten(in_def, leaves))
    return tree_unflatten(out_def, blocks)


def basis(leaves: list) -> list[list[np.ndarray]]:
    """The standard basis of the space of ``leaves``: one list of leaf arrays per scalar."""
    shapes = [np.shape(x) for x in leaves]
    dtypes = [np.asarray(concrete(x)).dtype for x in leaves]
    sizes = [int(np.prod(s)) for s in shapes]
    vectors = []
    for k in range(sum(sizes)):
        flat = np.zeros(sum(sizes))
        flat[k] = 1.0
        parts = np.split(flat, np.cumsum(sizes)[:-1])
        vectors.append(
            [p.reshape(s).astype(d) for p, s, d in zip(parts, shapes, dtypes, strict=True)]
        )
    return vectors


def jacfwd(f: Callable, argnums: int = 0) -> Callable:
    """The Jacobian of ``f`` w.r.t. argument ``argnums`` by one jvp per input scalar.

    For ``x`` of shape ``(*I,)`` and output of shape ``(*O,)`` the result has shape
    ``(*O, *I)``; pytree inputs/outputs give nested trees of such blocks, as in jax.
    """

    def jacobian(*args):
        x = args[argnums]
        in_leaves, in_def = tree_flatten(x)
        in_leaves = [anp.asarray(v) for v in in_leaves]
        x = tree_unflatten(in_def, in_leaves)
        g = lambda x_: f(*args[:argnums], x_, *args[argnums + 1 :])
        columns, out = [], None
        for e_k in basis(in_leaves):
            out, tangent = jvp(g, (x,), (tree_unflatten(in_def, e_k),))
            columns.append(_only_concrete(tree_flatten(tangent)[0], "jacfwd"))
        if out is None:  # no inputs at all: evaluate once for the output's structure
            out = g(x)
        out_leaves, out_def = tree_flatten(out)
        return jacobian_from_columns(columns, in_leaves, out_leaves, in_def, out_def)

    return jacobian
