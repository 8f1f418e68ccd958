"""Adding a primitive from outside the package: :func:`define_primitive`.

The built-in primitives are defined in ``_primitives.py`` and their rules in
``_elementwise_rules.py`` and ``_array_rules.py``; a user's own primitive goes through the
same two tables, ``jvp_rules`` and ``vjp_rules``, from any file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._core import Primitive
from ._rules import jvp_rules, vjp_rules


def define_primitive(
    name: str,
    impl: Callable[..., np.ndarray],
    jvp_rule: Callable[..., tuple[Any, Any]],
    vjp_rule: Callable[..., tuple[Any, ...]],
    *,
    jax_impl: Callable[..., Any] | None = None,
    fmt: str | None = None,
) -> Primitive:
    """Create a primitive, register its two rules, and return it.

    Every transformation of this module (``jvp``, ``vjp``, ``grad``, ``jacfwd``,
    ``jacrev``, ``hvp``, ``hessian``) then differentiates it, and ``check_grads``,
    ``compare_with_jax`` and the sweep tables work on functions that use it.

    Args:
        name: the operation's name, shown in traces (``softplus``; the primitive's repr
            is ``softplus_p``).
        impl: ``impl(*arrays, **params) -> array``, the value in numpy. Inputs of a
            binary primitive have equal shapes (broadcast them before calling it).
        jvp_rule: ``jvp_rule(primals, tangents, **params) -> (out, out_tangent)``: the
            forward-mode rule. ``primals`` and ``tangents`` are lists, one entry per input;
            ``out_tangent = Σ_i ∂out/∂x_i · tangents[i]``, linear in the tangents.
        vjp_rule: ``vjp_rule(ct, out, *primals, **params) -> tuple``: the reverse-mode
            rule. ``ct`` is the cotangent of the output (its shape), ``out`` the output
            already computed (reuse it, as ``tanh' = 1 - out²`` does), and the result has
            one cotangent per input, each of that input's shape:
            ``ct_i = Σ ct · ∂out/∂x_i``.
        jax_impl: the same operation on jax arrays (for example ``jax.nn.softplus``), so
            that a function calling the primitive also runs under ``jax.grad``. Without
            it, calling the primitive on a jax array raises ``TypeError``.
        fmt: the trace template, ``{0}``, ``{1}``... for the inputs and params by name;
            default ``"name({0})"``.

    Returns:
        The :class:`Primitive`. Call it like an ``anp`` function, ``p(x)`` (which binds
        it), or bind it yourself with ``bind(p, *arrays, **params)``.

    Write the rules with ``jaxnets.autodiff.numpy`` (``anp``), ``jaxnets.autodiff.nn`` and
    operators rather than raw numpy: on tracers of an outer transformation the rules are
    then traced too, and second derivatives (``hvp``, ``hessian``) work. Rules in raw numpy
    give first derivatives only.

    >>> import numpy as np
    >>> from jaxnets.autodiff import define_primitive, grad
    >>> cube_p = define_primitive(
    ...     "cube",
    ...     lambda x: x**3,
    ...     lambda primals, tangents: (primals[0] ** 3, 3 * primals[0] ** 2 * tangents[0]),
    ...     lambda ct, out, x: (3 * x**2 * ct,),
    ... )
    >>> float(grad(lambda x: cube_p(x))(2.0))
    12.0
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"a primitive's name must be an identifier, got {name!r}")
    for what, fn in (("impl", impl), ("jvp_rule", jvp_rule), ("vjp_rule", vjp_rule)):
        if not callable(fn):
            raise TypeError(f"define_primitive({name!r}): {what} must be callable, got {fn!r}")
    if jax_impl is not None and not callable(jax_impl):
        raise TypeError(f"define_primitive({name!r}): jax_impl must be callable, got {jax_impl!r}")
    prim = Primitive(name, impl, f"{name}({{0}})" if fmt is None else fmt, jax_impl)
    prim.user_defined = True
    jvp_rules[prim] = jvp_rule
    vjp_rules[prim] = vjp_rule
    return prim
