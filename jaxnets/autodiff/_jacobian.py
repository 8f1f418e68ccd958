"""What ``jacfwd``, ``jacrev``, ``grad`` and friends share: ``argnums``, input checks, the
standard basis, ``has_aux`` and the assembly of a Jacobian from its columns or rows.

The Jacobian is assembled with ``anp`` (``stack``, slicing, ``reshape``), so when the
columns are tracers of an outer transformation the assembly is traced too: that is what
lets ``jacfwd(jacrev(f))`` (forward over the tape) compute a Hessian.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import numpy as anp
from ._core import concrete
from ._pytree import tree_flatten, tree_unflatten


def argnums_tuple(argnums: int | Sequence[int], n_args: int) -> tuple[int, ...]:
    """``argnums`` as a tuple of non-negative positions (negative ones count from the end)."""
    nums = (argnums,) if isinstance(argnums, (int, np.integer)) else tuple(argnums)
    for k in nums:
        if not -n_args <= k < n_args:
            raise ValueError(f"argnums={argnums} but the function got {n_args} arguments")
    return tuple(int(k) % n_args for k in nums)


def select_args(f: Callable, args: tuple, argnums: int | Sequence[int]) -> tuple[Callable, Any]:
    """``(g, x)`` with ``g(x) = f(*args)``: ``x`` is ``args[argnums]`` for an int, the tuple
    of them for a sequence (so that results get the tuple layout of jax)."""
    nums = argnums_tuple(argnums, len(args))
    single = isinstance(argnums, (int, np.integer))

    def g(x):
        full = list(args)
        for k, a in zip(nums, (x,) if single else x, strict=True):
            full[k] = a
        return f(*full)

    return g, args[nums[0]] if single else tuple(args[k] for k in nums)


def check_inexact(x: Any, name: str) -> None:
    """Raise ``TypeError`` for integer or boolean inputs, as jax's ``grad``/``jac*`` do."""
    for leaf in tree_flatten(x)[0]:
        dtype = np.asarray(concrete(leaf)).dtype
        if dtype.kind not in "fc":
            raise TypeError(
                f"{name} requires real- or complex-valued inputs (input dtype that is a "
                f"sub-dtype of np.inexact), but got {dtype.name}. If you want to use integer "
                f"or Boolean inputs, use vjp or jvp, or pass floats."
            )


def split_aux(out: Any, has_aux: bool) -> tuple[Any, Any]:
    """``(out, aux)`` from ``f``'s result: a pair when ``has_aux``, else ``(out, None)``."""
    if not has_aux:
        return out, None
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        raise TypeError("has_aux=True needs f to return a pair (output, auxiliary data)")
    return out[0], out[1]


def basis(leaves: list) -> list[list[np.ndarray]]:
    """The standard basis of the space of ``leaves``: one list of leaf arrays per scalar."""
    shapes = [anp.shape(x) for x in leaves]
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


def _offsets(leaves: list) -> list[tuple[int, int]]:
    sizes = [anp.size(x) for x in leaves]
    starts = np.cumsum([0, *sizes[:-1]]).astype(int)
    return [(int(s), int(s) + n) for s, n in zip(starts, sizes, strict=True)]


def from_columns(columns: list[list], x: Any, out: Any) -> Any:
    """Jacobian from ``columns[k][j]`` (output leaf ``j`` along the ``k``-th basis vector of
    ``x``), in the jax layout: a tree like ``out`` of trees like ``x`` with leaves of shape
    ``out_leaf.shape + x_leaf.shape``."""
    in_leaves, in_def = tree_flatten(x)
    out_leaves, out_def = tree_flatten(out)
    blocks = []
    for j, o in enumerate(out_leaves):
        o_shape = anp.shape(o)
        if columns:
            matrix = anp.stack([col[j] for col in columns], axis=-1)  # (*O, N)
        else:
            matrix = anp.zeros((*o_shape, 0))
        leaves = [
            anp.reshape(matrix[..., a:b], (*o_shape, *anp.shape(v)))
            for (a, b), v in zip(_offsets(in_leaves), in_leaves, strict=True)
        ]
        blocks.append(tree_unflatten(in_def, leaves))
    return tree_unflatten(out_def, blocks)


def from_rows(rows: list[list], x: Any, out: Any) -> Any:
    """Jacobian from ``rows[m][i]`` (input leaf ``i``'s cotangent for the ``m``-th basis
    vector of ``out``), in the same layout as ``from_columns``."""
    in_leaves, in_def = tree_flatten(x)
    out_leaves, out_def = tree_flatten(out)
    blocks = []
    for (a, b), o in zip(_offsets(out_leaves), out_leaves, strict=True):
        o_shape = anp.shape(o)
        leaves = [
            anp.reshape(anp.stack([row[i] for row in rows[a:b]]), (*o_shape, *anp.shape(v)))
            if b > a
            else anp.zeros((*o_shape, *anp.shape(v)))
            for i, v in enumerate(in_leaves)
        ]
        blocks.append(tree_unflatten(in_def, leaves))
    return tree_unflatten(out_def, blocks)
