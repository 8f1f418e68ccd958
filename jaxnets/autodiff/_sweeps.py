"""The lecture's tables: the evaluation trace, the forward sweep and the reverse sweep.

Variables are numbered as in the lecture notes: the inputs are ``x1 .. xn`` and every
primitive, in evaluation order, defines the next ``x_{n+1} = op(...)``. A value used twice
is one variable (the tape shares it), unlike a jaxpr, which may recompute it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import numpy as anp
from ._core import concrete, new_main
from ._forward import JVPTrace, JVPTracer
from ._reverse import Node, backward, record
from ._tables import Table, format_value

LECTURE_POINT = (1.0, 2.0, np.pi / 2)


def lecture_example(x1, x2, x3):
    """f(x) = (x1·x2·sin x3 + exp(x1·x2)) / x3, the lecture's worked example.

    Written so that evaluation order gives the lecture's numbering: x4 = x1·x2 is computed
    once and used twice, x5 = sin x3 comes before x6 = exp(x4), and x7 = x4·x5.
    """
    x4 = x1 * x2
    x5 = anp.sin(x3)
    x6 = anp.exp(x4)
    x7 = x4 * x5
    x8 = x6 + x7
    return x8 / x3


def _name(index: int | None, value: Any = None) -> str:
    if index is None:  # a constant operand (a broadcast scalar, as in x ** 2, shows as one)
        v = np.asarray(concrete(value))
        uniform = v.size >= 1 and bool(np.all(v == v.flat[0]))
        return format_value(v.flat[0]) if uniform else f"const{v.shape}"
    return f"x{index + 1}"


def _definition(node: Node) -> str:
    if node.prim is None:
        return "input"
    names = [_name(i, a) for i, a in zip(node.parents, node.args, strict=True)]
    params = {k: f"{v:g}" if isinstance(v, float) else v for k, v in node.params.items()}
    return node.prim.fmt.format(*names, **params)


def _as_args(x: Any, what: str) -> tuple[np.ndarray, ...]:
    """A point as a tuple of arguments: a 1-D array or a list of numbers gives scalars."""
    if isinstance(x, (tuple, list)):
        return tuple(anp.asarray(v) for v in x)
    array = anp.asarray(x)
    if array.ndim != 1:
        raise ValueError(f"{what} must be a 1-D array or a sequence of arguments")
    return tuple(array)


def trace(f: Callable, *args: Any) -> Table:
    """The evaluation trace of ``f(*args)``: rows ``(name, definition, value)``, the
    inputs ``x1 .. xn`` (leaves of ``args``) first, then one row per primitive."""
    rec = record(f, args)
    rows = tuple((_name(k), _definition(n), concrete(n.value)) for k, n in enumerate(rec.tape))
    outputs = ", ".join(_name(i) if i is not None else "const" for i in rec.out_indices)
    return Table("Evaluation trace", ("x_i", "definition", "value"), rows, (f"f = {outputs}",))


def forward_sweep_table(f: Callable, x: Any, p: Any) -> Table:
    """The forward sweep along direction ``p``: rows ``(name, definition, x_i, D_p x_i)``.

    ``x`` and ``p`` are points given as a 1-D array (one scalar argument per entry) or a
    sequence of arguments of matching shapes. It is ``record`` run on dual numbers: the
    tape keeps every ``x_i + ε D_p x_i`` so that each row can be printed.
    """
    args, directions = _as_args(x, "x"), _as_args(p, "p")
    if len(args) != len(directions):
        raise ValueError(f"x has {len(args)} arguments but p has {len(directions)}")
    for k, (a, d) in enumerate(zip(args, directions, strict=True)):
        if a.shape != d.shape:
            raise ValueError(f"p[{k}] has shape {d.shape} but x[{k}] has shape {a.shape}")
    with new_main(JVPTrace) as main:
        duals = [JVPTracer(JVPTrace(main), a, d) for a, d in zip(args, directions, strict=True)]
        rec = record(f, duals)
    rows = []
    for k, node in enumerate(rec.tape):
        dual = node.value
        tangent = dual.tangent if isinstance(dual, JVPTracer) else np.zeros_like(concrete(dual))
        rows.append((_name(k), _definition(node), concrete(dual), concrete(tangent)))
    direction = format_value(np.stack([np.ravel(d) for d in directions]).ravel())
    return Table(
        f"Forward sweep, p = {direction}",
        ("x_i", "definition", "value", "D_p x_i"),
        tuple(rows),
        (f"D_p f = {format_value(rows[-1][3]) if rows else '0'}",),
    )


@dataclass(frozen=True)
class ReverseSweep:
    """The reverse sweep of a scalar ``f``: ``forward`` (the trace), ``updates`` (rows
    ``(adjoint, term, contribution, running sum)`` in sweep order) and ``gradient``
    (rows ``(input, ∂f/∂x_i)``). ``rows`` are the updates' rows."""

    forward: Table
    updates: Table
    gradient: Table

    @property
    def rows(self) -> tuple[tuple, ...]:
        return self.updates.rows

    @property
    def grad(self) -> tuple[Any, ...]:
        return tuple(row[1] for row in self.gradient.rows)

    def render(self, fmt: str = "text") -> str:
        return "\n\n".join(t.render(fmt) for t in (self.forward, self.updates, self.gradient))

    to_text = lambda self: self.render("text")
    to_markdown = lambda self: self.render("markdown")
    to_latex = lambda self: self.render("latex")
    __str__ = to_text


def reverse_sweep_table(f: Callable, x: Any) -> ReverseSweep:
    """Record ``f`` at ``x`` (as in ``forward_sweep_table``), then sweep back from the
    scalar output, listing every ``x̄_i += x̄_j · ∂x_j/∂x_i`` with its running sum."""
    args = _as_args(x, "x")
    rec = record(f, args)
    if len(rec.out_indices) != 1 or np.shape(concrete(rec.out_values[0])) != ():
        raise TypeError("reverse_sweep_table needs f with one scalar output")
    out = rec.out_indices[0]
    updates: list[tuple] = []
    if out is not None:
        seed = np.ones((), concrete(rec.out_values[0]).dtype)
        updates.append((f"x̄{out + 1}", "seed", seed, seed))
        record_update = lambda i, j, contribution, running: updates.append(
            (f"x̄{i + 1}", f"x̄{j + 1} · ∂x{j + 1}/∂x{i + 1}", contribution, running)
        )
        adjoints = backward(rec.tape, {out: seed}, record_update)
    else:  # f does not depend on x: every adjoint stays 0
        adjoints = [np.zeros_like(concrete(n.value)) for n in rec.tape]
    return ReverseSweep(
        forward=trace(f, *args),
        updates=Table(
            "Reverse sweep", ("adjoint", "term", "contribution", "running sum"), tuple(updates)
        ),
        gradient=Table(
            "Gradient",
            ("x_i", "∂f/∂x_i"),
            tuple((f"x̄{k + 1}", adjoints[k]) for k in range(rec.n_inputs)),
        ),
    )


def lecture_tables(fmt: str = "text", f: Callable = lecture_example, x: Sequence = LECTURE_POINT):
    """Everything the CLI prints: the trace, one forward sweep per e_i, the reverse sweep."""
    args = _as_args(x, "x")
    parts = [trace(f, *args).render(fmt)]
    for k in range(len(args)):
        e_k = [np.zeros_like(a) for a in args]
        e_k[k] = np.ones_like(args[k])
        parts.append(forward_sweep_table(f, args, e_k).render(fmt))
    parts.append(reverse_sweep_table(f, args).render(fmt))
    return "\n\n".join(parts)
