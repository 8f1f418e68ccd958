"""Checking derivatives: numerically (``check_grads``, as in jax.test_util), and against jax.

jax is imported only inside ``compare_with_jax``, so the rest of the module runs without it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import numpy as anp
from ._forward import jvp
from ._pytree import tree_flatten, tree_map
from ._reverse import grad, vjp

# jax.test_util's defaults: a step of 1e-4 and, per dtype, one tolerance for atol and rtol.
EPS = 1e-4
DEFAULT_TOLERANCE = {np.dtype(np.float32): 2e-3, np.dtype(np.float64): 1e-5}


def _tolerance(value: float | None, tree: Any) -> float:
    if value is not None:
        return value
    dtypes = [np.asarray(anp.asarray(v)).dtype for v in tree_flatten(tree)[0]]
    return max((DEFAULT_TOLERANCE.get(d, 1e-5) for d in dtypes), default=1e-5)


def _random_like(rng: np.random.RandomState, tree: Any) -> Any:
    return tree_map(lambda v: rng.standard_normal(np.shape(v)).astype(np.asarray(v).dtype), tree)


def _inner(a: Any, b: Any) -> float:
    pairs = zip(tree_flatten(a)[0], tree_flatten(b)[0], strict=True)
    return float(sum(np.sum(np.asarray(x) * np.asarray(y)) for x, y in pairs))


def numerical_jvp(f: Callable, args: tuple, tangent: tuple, eps: float) -> Any:
    """Centered difference ``(f(x + ε t) - f(x - ε t)) / 2ε`` along the direction ``t``."""
    shift = lambda sign: tree_map(lambda x, t: np.asarray(x) + sign * eps * t, args, tangent)
    plus, minus = f(*shift(1.0)), f(*shift(-1.0))
    return tree_map(lambda p, m: (np.asarray(p) - np.asarray(m)) / (2 * eps), plus, minus)


def _assert_close(actual: Any, desired: Any, atol: float, rtol: float, what: str) -> None:
    a, a_def = tree_flatten(actual)
    b, b_def = tree_flatten(desired)
    if a_def != b_def:
        raise AssertionError(f"{what}: structure {a_def} != {b_def}")
    for x, y in zip(a, b, strict=True):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), atol=atol, rtol=rtol, err_msg=what)


def check_jvp(f: Callable, args: tuple, *, atol: float, rtol: float, eps: float, msg: str = ""):
    """``jvp(f)`` along a random tangent equals the centered difference along it."""
    tangent = _random_like(np.random.RandomState(0), args)
    out, out_tangent = jvp(f, args, tangent)
    _assert_close(out, f(*args), atol, rtol, f"{msg}: jvp primal output")
    _assert_close(out_tangent, numerical_jvp(f, args, tangent, eps), atol, rtol, f"{msg}: jvp")


def check_vjp(f: Callable, args: tuple, *, atol: float, rtol: float, eps: float, msg: str = ""):
    """``<vjp(ū), t> = <ū, J t>``, with ``J t`` a centered difference (random ``ū``, ``t``)."""
    rng = np.random.RandomState(0)
    out, vjp_fn = vjp(f, *args)
    _assert_close(out, f(*args), atol, rtol, f"{msg}: vjp primal output")
    tangent = _random_like(rng, args)
    tangent_out = numerical_jvp(f, args, tangent, eps)
    cotangent = _random_like(rng, out)
    ip, ip_expected = _inner(tangent, vjp_fn(cotangent)), _inner(tangent_out, cotangent)
    _assert_close(ip, ip_expected, atol, rtol, f"{msg}: vjp inner product")


def check_grads(
    f: Callable,
    args: Sequence,
    order: int,
    modes: Sequence[str] = ("fwd", "rev"),
    atol: float | None = None,
    rtol: float | None = None,
    eps: float | None = None,
) -> None:
    """Check derivatives of ``f`` up to ``order`` numerically, as ``jax.test_util.check_grads``.

    ``"fwd"``: ``jvp`` along a random direction against a centered difference with step
    ``eps``; ``"rev"``: ``vjp`` through the inner-product identity ``<J^T u, t> = <u, J t>``.
    For ``order > 1`` the same checks run on ``jvp(f)`` and on ``vjp(f)`` (forward over
    forward, reverse over reverse). ``args`` is a tuple of pytrees of float arrays;
    tolerances default to 1e-5 in float64 and 2e-3 in float32, ``eps`` to 1e-4. Raises
    ``AssertionError`` on a mismatch, returns None otherwise.
    """
    args = tuple(args)
    eps = EPS if eps is None else eps
    atol, rtol = _tolerance(atol, args), _tolerance(rtol, args)
    settings = {"atol": atol, "rtol": rtol, "eps": eps}

    def check(f: Callable, args: tuple, order: int, msg: str) -> None:
        if "fwd" in modes:
            check_jvp(f, args, msg=f"{msg} jvp", **settings)
            if order > 1:
                n = len(args)
                f_jvp = lambda *a: jvp(f, a[:n], a[n:])  # (primals, tangents) -> (out, ȯ)
                check(f_jvp, args + args, order - 1, f"{msg} jvp")
        if "rev" in modes:
            check_vjp(f, args, msg=f"{msg} vjp", **settings)
            if order > 1:

                def f_vjp(*a):
                    out, vjp_fn = vjp(f, *a)
                    return vjp_fn(out)

                check(f_vjp, args, order - 1, f"{msg} vjp")

    check(f, args, order, f"check_grads (order {order})")


@dataclass(frozen=True)
class JaxComparison:
    """Our gradient, jax's, and their largest absolute and relative difference."""

    ours: Any
    theirs: Any
    max_abs_difference: float
    max_rel_difference: float


def compare_with_jax(f: Callable, *args: Any, argnums: int | tuple[int, ...] = 0) -> JaxComparison:
    """``grad(f)`` here and ``jax.grad(f)`` on the same ``anp``-written ``f``, in float64.

    jax runs with ``jax_enable_x64`` switched on for the call (and restored afterwards),
    so that both sides compute in double precision.
    """
    import jax

    ours = grad(f, argnums)(*args)
    with jax.enable_x64(True):
        jax_args = tree_map(lambda v: jax.numpy.asarray(anp.asarray(v)), list(args))
        theirs = tree_map(np.asarray, jax.grad(f, argnums)(*jax_args))
    a, _ = tree_flatten(ours)
    b, _ = tree_flatten(theirs)
    diffs = [np.abs(np.asarray(x) - y) for x, y in zip(a, b, strict=True)]
    scale = max((float(np.max(np.abs(y), initial=0.0)) for y in b), default=0.0)
    max_abs = max((float(np.max(d, initial=0.0)) for d in diffs), default=0.0)
    return JaxComparison(ours, theirs, max_abs, max_abs / scale if scale > 0 else max_abs)
