"""The one tolerance table for every test, per dtype and per kind of comparison.

Never loosen an entry to make a test pass: find out why the numbers differ instead.

Kinds:
- ``exact``: two implementations of the same algebra (our rule vs jax's), relative.
- ``identity``: an algebraic identity such as <u, J v> = <J^T u, v>, relative.
- ``fd``: analytic gradient vs centered finite differences (``fd_eps`` step), relative.
- ``fd_atol``: absolute floor for finite-difference comparisons of near-zero entries.
- ``complex_step``: analytic derivative vs the complex-step derivative, relative.
- ``lecture``: hand-worked lecture numbers, relative; ``lecture_atol`` for entries that are
  zero only analytically (cos(pi/2) is 6e-17 in float64).
- ``params``: parameters after N training steps through two equivalent code paths.
- ``values``: forward values (losses, activations) through two equivalent code paths.
"""

import numpy as np

TOLERANCES: dict[str, dict[str, float]] = {
    "float64": {
        "exact": 1e-12,
        "identity": 1e-10,
        "fd": 1e-7,
        "fd_eps": 1e-6,
        "fd_atol": 1e-9,
        "complex_step": 1e-13,
        "lecture": 1e-14,
        "lecture_atol": 1e-15,
        "params": 1e-10,
        "values": 1e-12,
        "backprop": 1e-10,
    },
    "float32": {
        "exact": 1e-5,
        "fd": 2e-3,
        "fd_eps": 1e-3,
        "fd_atol": 1e-4,
        "params": 1e-5,
        "values": 1e-5,
    },
}


def tol(dtype, kind: str) -> float:
    """Tolerance of ``kind`` for ``dtype`` (a numpy/jax dtype or its name)."""
    name = np.dtype(dtype).name
    try:
        return TOLERANCES[name][kind]
    except KeyError:
        raise KeyError(f"no tolerance for dtype={name!r}, kind={kind!r}") from None
