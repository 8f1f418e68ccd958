"""The derivative of every primitive, twice: a jvp rule and a vjp rule.

``jvp_rules[p](primals, tangents, **params) -> (out, out_tangent)`` pushes a tangent
forward through one node (forward mode, dual numbers). ``vjp_rules[p](ct, out, *primals,
**params) -> input cotangents`` pulls a cotangent back (reverse mode): the partial
derivatives ``x̄_j · ∂x_j/∂x_i`` for each input ``x_i``.

The rules are written with ``anp`` (and operators), never with raw numpy: when the primals
are themselves tracers of an outer transformation, the rules are traced too, which is
all that forward-over-reverse (``hvp``, ``hessian``) needs. They live in two modules:
``_elementwise_rules.py`` (arithmetic, functions of one variable, kinks) and
``_array_rules.py`` (matmul, reductions, shapes, concatenation, indexing).
"""

from __future__ import annotations

from collections.abc import Callable

from . import _array_rules, _elementwise_rules
from ._core import Primitive

jvp_rules: dict[Primitive, Callable] = {**_elementwise_rules.jvp_rules, **_array_rules.jvp_rules}
"""Forward-mode rules: ``jvp_rules[p](primals, tangents, **params) -> (out, out_tangent)``.

``primals`` and ``tangents`` are lists with one entry per input; ``out_tangent`` is
``Σ_i ∂out/∂x_i · tangents[i]``. Add one with :func:`jaxnets.autodiff.define_primitive`."""

vjp_rules: dict[Primitive, Callable] = {**_elementwise_rules.vjp_rules, **_array_rules.vjp_rules}
"""Reverse-mode rules: ``vjp_rules[p](ct, out, *primals, **params) -> cotangents``.

``ct`` is the output's cotangent, ``out`` the output already computed, then the inputs;
the result is a tuple with one cotangent per input (``ct · ∂out/∂x_i``, of that input's
shape). Add one with :func:`jaxnets.autodiff.define_primitive`."""
