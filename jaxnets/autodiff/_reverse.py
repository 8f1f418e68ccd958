"""Reverse mode: record a tape (the Wengert list), then sweep it backwards.

The forward pass runs ``f`` on ``TapeTracer``s; every primitive is evaluated one level
down and appended to the tape as a ``Node`` that keeps its inputs and output, i.e. the
tape stores every intermediate. The reverse sweep starts all adjoints at 0 and the
output's at 1 (or the given cotangent), then visits the nodes in reverse order and, for
each input ``x_i`` of node ``x_j``, accumulates ``x̄_i += x̄_j · ∂x_j/∂x_i`` with the vjp
rule. One sweep gives one row of the Jacobian, so a scalar loss needs one sweep.

Because the vjp rules are written with ``anp``, the sweep itself can run on dual numbers:
``hvp`` is ``jvp`` of ``grad`` and ``hessian`` is ``jacfwd(jacrev(f))`` (forward over
reverse), as in jax.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import numpy as anp
from ._core import Primitive, Trace, Tracer, bind, concrete, new_main, tick
from ._forward import jacfwd, jvp
from ._jacobian import basis, check_inexact, from_rows, select_args, split_aux
from ._pytree import TreeDef, tree_flatten, tree_flatten_with_paths, tree_unflatten
from ._rules import vjp_rules


@dataclass
class Node:
    """One line of the Wengert list: ``value = prim(*args, **params)``.

    ``parents[k]`` is the tape index of argument ``k``, or None for a constant; inputs
    of ``f`` are nodes with ``prim=None``.
    """

    prim: Primitive | None
    parents: tuple[int | None, ...]
    args: tuple
    params: dict
    value: Any


class TapeTracer(Tracer):
    """A value on the tape: its (lower-level) value and its node's index."""

    def __init__(self, trace: Trace, value: Any, index: int | None):
        self._trace = trace
        self.value = value
        self.index = index

    @property
    def primal_value(self) -> Any:
        return self.value

    def __repr__(self) -> str:
        return f"TapeTracer(x{self.index}, value={self.value!r})"


class TapeTrace(Trace):
    @property
    def tape(self) -> list[Node]:
        return self.main.global_data

    def lift(self, val: Any) -> TapeTracer:
        return TapeTracer(self, val, None)  # a constant: not on the tape

    def process_primitive(self, prim, tracers, params):
        args = tuple(t.value for t in tracers)
        value = bind(prim, *args, **params)  # evaluate one level down
        tick("record")
        self.tape.append(Node(prim, tuple(t.index for t in tracers), args, params, value))
        return TapeTracer(self, value, len(self.tape) - 1)


@dataclass
class Recording:
    """A finished forward pass: the tape, where the inputs and outputs live, and shapes."""

    tape: list[Node]
    in_def: TreeDef
    out_def: TreeDef
    out_indices: list[int | None]  # None: an output that does not depend on the inputs
    out_values: list[Any]
    aux: Any = None  # f's auxiliary output (has_aux), as values
    n_inputs: int = field(init=False)

    def __post_init__(self):
        self.n_inputs = sum(node.prim is None for node in self.tape)


def _lower(tree: Any, main) -> Any:
    """Auxiliary outputs leave the transformation as values: strip this level's tracers."""
    leaves, treedef = tree_flatten(tree)
    own = lambda v: isinstance(v, TapeTracer) and v._trace.main is main
    return tree_unflatten(treedef, [v.value if own(v) else v for v in leaves])


def record(f: Callable, primals: Sequence, has_aux: bool = False) -> Recording:
    """Run ``f(*primals)`` once, recording every primitive on a fresh tape (``f`` returns
    ``(out, aux)`` when ``has_aux``)."""
    leaves, in_def = tree_flatten(tuple(primals))
    with new_main(TapeTrace, global_data=[]) as main:
        trace = TapeTrace(main)
        tape = main.global_data
        inputs = []
        for k, x in enumerate(leaves):
            tape.append(Node(None, (), (), {}, anp.asarray(x)))
            inputs.append(TapeTracer(trace, tape[-1].value, k))
        out, aux = split_aux(f(*tree_unflatten(in_def, inputs)), has_aux)
        out_leaves, out_def = tree_flatten(out)
    ours = [isinstance(o, TapeTracer) and o._trace.main is main for o in out_leaves]
    return Recording(
        tape=tape,
        in_def=in_def,
        out_def=out_def,
        out_indices=[o.index if mine else None for o, mine in zip(out_leaves, ours, strict=True)],
        out_values=[
            o.value if mine else anp.asarray(o) for o, mine in zip(out_leaves, ours, strict=True)
        ],
        aux=_lower(aux, main),
    )


def _zeros_like(value: Any) -> np.ndarray:
    v = concrete(value)
    return np.zeros(np.shape(v), np.asarray(v).dtype)


def backward(
    tape: list[Node],
    seeds: dict[int, Any],
    on_update: Callable[[int, int, Any, Any], None] | None = None,
) -> list[Any]:
    """The reverse sweep: adjoints of every node, given output adjoints ``seeds``.

    ``on_update(i, j, contribution, running_sum)`` is called after every accumulation
    ``x̄_i += x̄_j · ∂x_j/∂x_i``, in sweep order (used by ``reverse_sweep_table``).
    """
    adjoints = [_zeros_like(node.value) for node in tape]  # adjoints start at 0 ...
    for index, seed in seeds.items():
        adjoints[index] = adjoints[index] + seed  # ... the output's at its seed (1)
    for j in reversed(range(max(seeds, default=-1) + 1)):
        node = tape[j]
        if node.prim is None:
            continue
        if node.prim not in vjp_rules:
            raise NotImplementedError(f"no vjp rule for primitive {node.prim}")
        tick("vjp")
        contributions = vjp_rules[node.prim](adjoints[j], node.value, *node.args, **node.params)
        for i, contribution in zip(node.parents, contributions, strict=True):
            if i is None:  # a constant: nobody needs its adjoint
                continue
            adjoints[i] = adjoints[i] + contribution
            if on_update is not None:
                on_update(i, j, contribution, adjoints[i])
    return adjoints


def _seeds(rec: Recording, cotangent: Any) -> dict[int, Any]:
    ct_leaves, ct_paths, ct_def = tree_flatten_with_paths(cotangent, "cotangent")
    if ct_def != rec.out_def:
        raise TypeError(f"cotangent has structure {ct_def} but the output has {rec.out_def}")
    seeds: dict[int, Any] = {}
    for path, ct, index, value in zip(
        ct_paths, ct_leaves, rec.out_indices, rec.out_values, strict=True
    ):
        ct = anp.asarray(ct)
        if tuple(ct.shape) != tuple(np.shape(concrete(value))):
            raise ValueError(
                f"{path} has shape {tuple(ct.shape)}, but that output has shape "
                f"{tuple(np.shape(concrete(value)))}"
            )
        if index is not None:  # one node can be returned twice: add the seeds
            seeds[index] = seeds[index] + ct if index in seeds else ct
    return seeds


def vjp(f: Callable, *primals: Any, has_aux: bool = False) -> tuple:
    """``(f(*primals), vjp_fn)`` with ``vjp_fn(ct) = ct · J``: a tuple with one cotangent
    pytree per primal, same structure and shapes as the primals. ``ct`` has the
    structure and shapes of ``f``'s output. Each call of ``vjp_fn`` is one reverse sweep.
    With ``has_aux``, ``f`` returns ``(out, aux)`` and the result is ``(out, vjp_fn, aux)``."""
    rec = record(f, primals, has_aux)
    out = tree_unflatten(rec.out_def, rec.out_values)

    def vjp_fn(cotangent: Any) -> tuple:
        adjoints = backward(rec.tape, _seeds(rec, cotangent))
        return tree_unflatten(rec.in_def, adjoints[: rec.n_inputs])

    return (out, vjp_fn, rec.aux) if has_aux else (out, vjp_fn)


def value_and_grad(
    f: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False
) -> Callable:
    """``(f(*args), ∇f)`` for a real scalar ``f``; the gradient has the structure of
    ``args[argnums]`` (a tuple of them when ``argnums`` is a tuple). With ``has_aux``,
    ``f`` returns ``(value, aux)`` and the result is ``((value, aux), ∇f)``. Integer
    inputs raise ``TypeError``, as in jax."""

    def value_and_grad_f(*args):
        g, x = select_args(f, args, argnums)
        check_inexact(x, "grad")
        out, vjp_fn, aux = vjp(g, x, has_aux=True) if has_aux else (*vjp(g, x), None)
        shape = np.shape(concrete(out))
        if shape != ():
            raise TypeError(f"grad needs a scalar output, got shape {shape}; use jacrev or vjp")
        (grads,) = vjp_fn(np.ones((), np.asarray(concrete(out)).dtype))
        return ((out, aux), grads) if has_aux else (out, grads)

    return value_and_grad_f


def grad(f: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False) -> Callable:
    """``∇f`` for a real scalar ``f``: one forward pass and one reverse sweep. With
    ``has_aux``, ``f`` returns ``(value, aux)`` and the result is ``(∇f, aux)``."""
    value_and_grad_f = value_and_grad(f, argnums, has_aux)

    def grad_f(*args):
        value, grads = value_and_grad_f(*args)
        return (grads, value[1]) if has_aux else grads

    return grad_f


def jacrev(f: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False) -> Callable:
    """The Jacobian of ``f`` w.r.t. ``args[argnums]`` by one forward pass (one tape) and
    one reverse sweep per output scalar. Same layout and ``has_aux`` as ``jacfwd``."""

    def jacobian(*args):
        g, x = select_args(f, args, argnums)
        check_inexact(x, "jacrev")
        out, vjp_fn, aux = vjp(g, x, has_aux=True) if has_aux else (*vjp(g, x), None)
        out_leaves, out_def = tree_flatten(out)
        rows = [
            tree_flatten(vjp_fn(tree_unflatten(out_def, e_m))[0])[0] for e_m in basis(out_leaves)
        ]
        jac = from_rows(rows, x, out)
        return (jac, aux) if has_aux else jac

    return jacobian


def hvp(f: Callable, x: Any, v: Any) -> Any:
    """The Hessian-vector product ``∇²f(x) · v`` of a scalar ``f`` of one (pytree)
    argument, forward-over-reverse: a jvp whose sweep runs the tape on dual numbers."""
    return jvp(grad(f), (x,), (v,))[1]


def hessian(f: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False) -> Callable:
    """The Hessian of a scalar ``f``: ``jacfwd(jacrev(f))``, as in jax: forward mode over
    the tape, one jvp of the reverse sweep per input scalar. Layout ``(*I, *I)``."""
    return jacfwd(jacrev(f, argnums, has_aux=has_aux), argnums, has_aux=has_aux)
