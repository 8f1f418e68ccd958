"""Argument checks shared by the layers; written against an array namespace ``xp``.

Every layer takes ``xp`` (``numpy`` by default, ``jax.numpy`` from the bridge) so one set of
formulas serves both. Shapes are static under ``jax.jit``/``jax.vmap``, so these checks run
at trace time and cost nothing per step.
"""

from __future__ import annotations

from typing import Any


def as_float(xp: Any, a: Any, name: str, fn: str) -> Any:
    """``a`` as an array of a floating dtype; integers and lists become float64.

    ``name`` and ``fn`` only serve the error message for non-numeric input.
    """
    a = xp.asarray(a)
    if a.dtype.kind in "fc":
        return a
    if a.dtype.kind in "biu":
        return a.astype(xp.float64)
    raise TypeError(f"{fn}: {name} must be numeric, got dtype {a.dtype}")


def require_rank(a: Any, ranks: tuple[int, ...], name: str, fn: str, layout: str) -> None:
    """Raise ``ValueError`` naming ``name`` unless ``a.ndim`` is one of ``ranks``."""
    if a.ndim not in ranks:
        want = " or ".join(str(r) for r in ranks)
        raise ValueError(f"{fn}: {name} must have rank {want} {layout}, got shape {a.shape}")


def require_dim(got: int, want: int, what: str, fn: str) -> None:
    """Raise ``ValueError`` ``"fn: what ..."`` unless two sizes that must agree do."""
    if got != want:
        raise ValueError(f"{fn}: {what}: {got} != {want}")


def batch_size(shape: tuple[int, ...], trailing: int) -> int:
    """Number of examples: the product of all but the last ``trailing`` axes (1 if none)."""
    n = 1
    for d in shape[: len(shape) - trailing]:
        n *= d
    return n
