"""Centered finite differences for gradient tests (float64 only)."""

import jax
import numpy as np


def fd_grad(f, tree, eps: float):
    """Gradient of scalar ``f`` at pytree ``tree`` by (f(θ+ε e_i) - f(θ-ε e_i)) / 2ε per entry."""
    leaves, treedef = jax.tree.flatten(tree)
    out = []
    for i, leaf in enumerate(leaves):
        leaf = np.asarray(leaf, np.float64)
        g = np.zeros_like(leaf)
        for idx in np.ndindex(leaf.shape):
            for sign in (1, -1):
                bumped = leaf.copy()
                bumped[idx] += sign * eps
                args = [*leaves[:i], bumped, *leaves[i + 1 :]]
                g[idx] += sign * float(f(jax.tree.unflatten(treedef, args))) / (2 * eps)
        out.append(g)
    return jax.tree.unflatten(treedef, out)


def assert_tree_close(actual, expected, rtol: float, atol: float = 0.0):
    for a, e in zip(jax.tree.leaves(actual), jax.tree.leaves(expected), strict=True):
        np.testing.assert_allclose(np.asarray(a), np.asarray(e), rtol=rtol, atol=atol)
