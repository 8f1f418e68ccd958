"""Checking gradients: against centered finite differences, and against jax itself.

jax is imported only inside ``compare_with_jax``, so the rest of the module runs without it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import numpy as anp
from ._pytree import tree_flatten, tree_map, tree_unflatten
from ._reverse import grad


@dataclass(frozen=True)
class GradCheck:
    """Result of ``check_grads``: the largest relative error |g - g_fd| / max(|g|, |g_fd|)
    per argument, and whether every entry passed |g - g_fd| <= atol + rtol · max(|g|, |g_fd|)."""

    max_rel_errors: tuple[float, ...]
    ok: bool
    eps: float
    rtol: float
    atol: float

    def __str__(self) -> str:
        per_arg = ", ".join(f"arg {k}: {e:.2e}" for k, e in enumerate(self.max_rel_errors))
        verdict = "ok" if self.ok else "FAILED"
        settings = f"eps={self.eps:g}, rtol={self.rtol:g}, atol={self.atol:g}"
        return f"check_grads {verdict} ({settings}): {per_arg}"


def _fd_gradient(f: Callable, args: list, k: int, eps: float) -> list[np.ndarray]:
    """(J(θ + ε d_i) - J(θ - ε d_i)) / 2ε for every coordinate direction d_i of argument k."""
    leaves, treedef = tree_flatten(args[k])
    leaves = [np.array(anp.asarray(v), dtype=float) for v in leaves]
    grads = []
    for index, leaf in enumerate(leaves):
        g = np.zeros_like(leaf)
        for i in np.ndindex(leaf.shape):
            values = []
            for sign in (1.0, -1.0):
                shifted = [v.copy() for v in leaves]
                shifted[index][i] += sign * eps
                trial = list(args)
                trial[k] = tree_unflatten(treedef, shifted)
                values.append(float(np.asarray(f(*trial))))
            g[i] = (values[0] - values[1]) / (2 * eps)
        grads.append(g)
    return grads


def check_grads(
    f: Callable,
    args: Sequence,
    *,
    eps: float,
    rtol: float,
    atol: float = 0.0,
    raise_on_failure: bool = True,
) -> GradCheck:
    """Compare ``grad(f)`` with centered finite differences for every argument of ``f``.

    ``f(*args)`` must be a real scalar; ``args`` are pytrees of float arrays. Costs two
    evaluations of ``f`` per scalar input. Raises ``AssertionError`` on failure unless
    ``raise_on_failure=False``; the returned ``GradCheck`` reports the errors either way.
    """
    args = list(args)
    analytic = grad(f, argnums=tuple(range(len(args))))(*args)
    errors, ok = [], True
    for k in range(len(args)):
        ours = [np.asarray(g) for g in tree_flatten(analytic[k])[0]]
        theirs = _fd_gradient(f, args, k, eps)
        worst = 0.0
        for g, g_fd in zip(ours, theirs, strict=True):
            diff = np.abs(g - g_fd)
            scale = np.maximum(np.abs(g), np.abs(g_fd))
            ok &= bool(np.all(diff <= atol + rtol * scale))
            rel = np.divide(diff, scale, out=np.zeros_like(diff), where=scale > 0)
            worst = max(worst, float(np.max(rel, initial=0.0)))
        errors.append(worst)
    result = GradCheck(tuple(errors), ok, eps, rtol, atol)
    if raise_on_failure and not ok:
        raise AssertionError(str(result))
    return result


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
