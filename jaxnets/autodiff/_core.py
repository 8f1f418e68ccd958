"""Primitives, tracers, and the stack of interpreters that every transformation shares.

Autodidax in miniature. A function written against ``anp`` is run on *tracers*: every
elementary operation ends in ``bind(prim, *args, **params)``, which hands the operation to
the innermost active transformation among its arguments (the tracer with the highest
``level``), or evaluates it with numpy when no tracer is involved. Forward mode
(``_forward.py``) and reverse mode (``_reverse.py``) are two such interpreters. Their rules
(``_rules.py``) are written with ``anp`` again, so they call ``bind`` one level down, and the
transformations nest: forward-over-reverse gives Hessian-vector products for free.

This module knows nothing of ``anp``: ``numpy.py``, where the namespace is defined, gives
``Tracer`` its operators and methods, so the two modules do not import each other.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import numpy as np


class NotDifferentiableError(TypeError):
    """An operation on a tracer that this module has no primitive (and so no rules) for."""


class Primitive:
    """An elementary operation: a name, a numpy implementation and a display template.

    ``impl(*arrays, **params) -> array`` evaluates it; ``fmt`` renders one line of the
    evaluation trace, e.g. ``"{0} · {1}"`` shows ``x4 = x1 · x2`` (params by name).
    ``jax_impl``, when given, is what calling the primitive does on jax arrays (so a
    function written with it also runs under ``jax.grad``).

    Calling a primitive, ``p(*args, **params)``, applies it as an ``anp`` function does:
    ``jax_impl`` on jax arrays, otherwise :func:`bind` (integer and boolean inputs become
    float64). Its derivatives are the rules registered for it in ``jvp_rules`` and
    ``vjp_rules`` (see :func:`jaxnets.autodiff.define_primitive`). ``user_defined`` is True
    for primitives made by ``define_primitive`` (outside the built-in ``ALL_PRIMITIVES``).
    """

    user_defined: bool = False

    def __init__(
        self,
        name: str,
        impl: Callable[..., np.ndarray],
        fmt: str,
        jax_impl: Callable[..., Any] | None = None,
    ):
        self.name = name
        self.impl = impl
        self.fmt = fmt
        self.jax_impl = jax_impl

    # Calling a primitive (``softplus_p(x)``) is installed by ``_dispatch``, which knows how
    # to turn Python and jax values into operands; this module stays free of that import.

    def __repr__(self) -> str:
        return f"{self.name}_p"


# ---------------------------------------------------------------- the interpreter stack


class MainTrace(NamedTuple):
    """One active transformation: its depth, its interpreter class and its private data."""

    level: int
    trace_type: type
    global_data: Any


class Trace:
    """An interpreter. ``lift`` turns a value from a lower level into this level's tracer."""

    def __init__(self, main: MainTrace):
        self.main = main

    def lift(self, val: Any) -> Any:
        raise NotImplementedError

    def process_primitive(self, prim: Primitive, tracers: list, params: dict) -> Any:
        raise NotImplementedError

    def full_raise(self, val: Any) -> Any:
        if isinstance(val, Tracer):
            if val._trace.main is self.main:
                return val
            if val._trace.main.level < self.main.level:
                return self.lift(val)
            raise RuntimeError(
                f"a tracer of level {val._trace.main.level} escaped its transformation"
            )
        return self.lift(val)


class EvalTrace(Trace):
    """Level 0: no transformation, just numpy."""

    def lift(self, val: Any) -> Any:
        return val

    def process_primitive(self, prim: Primitive, tracers: list, params: dict) -> Any:
        tick("eval")
        return prim.impl(*tracers, **params)


trace_stack: list[MainTrace] = [MainTrace(0, EvalTrace, None)]


@contextlib.contextmanager
def new_main(trace_type: type, global_data: Any = None) -> Iterator[MainTrace]:
    """Push a transformation on the stack for the duration of the ``with`` block."""
    main = MainTrace(len(trace_stack), trace_type, global_data)
    trace_stack.append(main)
    try:
        yield main
    finally:
        trace_stack.pop()


def bind(prim: Primitive, *args: Any, **params: Any) -> Any:
    """Apply ``prim`` to ``args``: the innermost transformation among them interprets it."""
    mains = [a._trace.main for a in args if isinstance(a, Tracer)]
    main = max(mains, key=lambda m: m.level, default=trace_stack[0])
    trace = main.trace_type(main)
    return trace.process_primitive(prim, [trace.full_raise(a) for a in args], params)


def concrete(x: Any) -> Any:
    """The plain numpy value under any number of tracers (for shapes, masks and printing)."""
    while isinstance(x, Tracer):
        x = x.primal_value
    return x


# ---------------------------------------------------------------- counting (costs)

_counters: list[Counter] = []


def tick(kind: str) -> None:
    """Count one event (``eval``, ``jvp``, ``record``, ``vjp``) in every active counter."""
    for counter in _counters:
        counter[kind] += 1


@contextlib.contextmanager
def counting() -> Iterator[Counter]:
    """Count primitive evaluations and rule applications inside the ``with`` block."""
    counter: Counter = Counter()
    _counters.append(counter)
    try:
        yield counter
    finally:
        _counters.remove(counter)


# ---------------------------------------------------------------- tracers


def not_differentiable(op: str, hint: str = "") -> NotDifferentiableError:
    return NotDifferentiableError(
        f"{op} is not differentiable here: jaxnets.autodiff has no primitive (with jvp and "
        f"vjp rules) for it{'; ' + hint if hint else ''}."
    )


class Tracer:
    """A value being traced by a transformation; behaves like a (small) numpy array.

    This class holds what needs no primitive: shapes and comparisons. ``numpy.py`` (the
    ``anp`` namespace) installs the arithmetic operators, the methods (``x.sum()``,
    ``x.T``, ``x[i]``, ...) and the routing of ``np.sin(tracer)``-style numpy calls,
    each pointing at the ``anp`` function of the same name. Operations without a
    primitive raise ``NotDifferentiableError`` naming the operation, instead of silently
    dropping the derivative.
    """

    _trace: Trace

    @property
    def primal_value(self) -> Any:
        raise NotImplementedError

    shape = property(lambda self: concrete(self).shape)
    dtype = property(lambda self: concrete(self).dtype)
    ndim = property(lambda self: concrete(self).ndim)
    size = property(lambda self: concrete(self).size)

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of unsized object (a 0-d tracer)")
        return self.shape[0]

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    # Comparisons look at values only (for masks and control flow); their result is a
    # plain boolean array with no derivative, as in jax. == and != too: identity would
    # silently take the wrong branch of ``x if x == 2.0 else ...``.
    __lt__ = lambda self, other: concrete(self) < concrete(other)
    __le__ = lambda self, other: concrete(self) <= concrete(other)
    __gt__ = lambda self, other: concrete(self) > concrete(other)
    __ge__ = lambda self, other: concrete(self) >= concrete(other)
    __eq__ = lambda self, other: concrete(self) == concrete(other)
    __ne__ = lambda self, other: concrete(self) != concrete(other)
    __hash__ = None  # unhashable, like numpy arrays and jax tracers
    __bool__ = lambda self: bool(concrete(self))

    def __float__(self):
        raise not_differentiable("float(x)", "converting to a Python number drops the derivative")

    def __array__(self, *args, **kwargs):
        raise not_differentiable(
            "np.asarray(x)", "converting to a numpy array drops the derivative; use anp"
        )


def _unsupported(op: str) -> Callable:
    def method(self, *args):
        raise not_differentiable(f"the Python operation {op}")

    return method


for _name, _op in [
    ("__floordiv__", "x // y"),
    ("__rfloordiv__", "x // y"),
    ("__mod__", "x % y"),
    ("__rmod__", "x % y"),
    ("__round__", "round(x)"),
]:
    setattr(Tracer, _name, _unsupported(_op))
