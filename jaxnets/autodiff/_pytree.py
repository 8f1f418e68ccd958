"""A tiny pytree library: flatten nested dicts, lists and tuples of arrays, and rebuild them.

Differentiation works leaf by leaf, so every transformation flattens its arguments into a
list of arrays, works on that list, and rebuilds the caller's structure at the end. This is
the subset of ``jax.tree_util`` that the module needs, with no jax dependency:

- ``dict`` (children in sorted key order, as jax does), ``list``, ``tuple`` and namedtuples
  are containers; ``None`` is an empty container; anything else is a leaf.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple


class TreeDef(NamedTuple):
    """The structure of a pytree without its leaves.

    ``kind`` is ``"leaf"``, ``"none"``, ``"dict"``, ``"list"`` or ``"tuple"``; ``meta`` is
    the sorted dict keys, or the tuple's type (to rebuild namedtuples); ``children`` are
    the children's TreeDefs.
    """

    kind: str
    meta: Any
    children: tuple[TreeDef, ...]

    @property
    def num_leaves(self) -> int:
        if self.kind == "leaf":
            return 1
        return sum(child.num_leaves for child in self.children)

    def __str__(self) -> str:
        if self.kind == "leaf":
            return "*"
        if self.kind == "none":
            return "None"
        if self.kind == "dict":
            inner = ", ".join(f"{k!r}: {c}" for k, c in zip(self.meta, self.children, strict=True))
            return "{" + inner + "}"
        inner = ", ".join(str(c) for c in self.children)
        return f"[{inner}]" if self.kind == "list" else f"({inner})"


LEAF = TreeDef("leaf", None, ())


def _children(tree: Any) -> tuple[str, Any, list[tuple[str, Any]]]:
    """(kind, meta, [(path suffix, child)]) for a container; kind "leaf" otherwise."""
    if tree is None:
        return "none", None, []
    if isinstance(tree, dict):
        keys = tuple(sorted(tree))
        return "dict", keys, [(f"[{k!r}]", tree[k]) for k in keys]
    if isinstance(tree, list):
        return "list", None, [(f"[{i}]", c) for i, c in enumerate(tree)]
    if isinstance(tree, tuple):
        return "tuple", type(tree), [(f"[{i}]", c) for i, c in enumerate(tree)]
    return "leaf", None, []


def tree_flatten_with_paths(tree: Any, prefix: str = "") -> tuple[list, list[str], TreeDef]:
    """Leaves in a fixed order, their paths (e.g. ``"[0]['w']"``) and the tree's structure."""
    kind, meta, children = _children(tree)
    if kind == "leaf":
        return [tree], [prefix], LEAF
    leaves: list = []
    paths: list[str] = []
    defs = []
    for suffix, child in children:
        child_leaves, child_paths, child_def = tree_flatten_with_paths(child, prefix + suffix)
        leaves += child_leaves
        paths += child_paths
        defs.append(child_def)
    return leaves, paths, TreeDef(kind, meta, tuple(defs))


def tree_flatten(tree: Any) -> tuple[list, TreeDef]:
    """``(leaves, treedef)`` with ``tree_unflatten(treedef, leaves) == tree``."""
    leaves, _, treedef = tree_flatten_with_paths(tree)
    return leaves, treedef


def tree_unflatten(treedef: TreeDef, leaves: list) -> Any:
    """Rebuild the tree described by ``treedef`` from ``leaves`` (in flatten order)."""
    if len(leaves) != treedef.num_leaves:
        raise ValueError(
            f"structure {treedef} needs {treedef.num_leaves} leaves, got {len(leaves)}"
        )
    iterator = iter(leaves)
    return _build(treedef, iterator)


def _build(treedef: TreeDef, leaves) -> Any:
    if treedef.kind == "leaf":
        return next(leaves)
    if treedef.kind == "none":
        return None
    children = [_build(child, leaves) for child in treedef.children]
    if treedef.kind == "dict":
        return dict(zip(treedef.meta, children, strict=True))
    if treedef.kind == "list":
        return children
    if hasattr(treedef.meta, "_make"):  # a namedtuple
        return treedef.meta._make(children)
    return treedef.meta(children)


def tree_map(fn: Callable, tree: Any, *rest: Any) -> Any:
    """Apply ``fn`` leaf-wise to ``tree`` and trees ``rest`` of the same structure."""
    leaves, treedef = tree_flatten(tree)
    others = []
    for other in rest:
        other_leaves, other_def = tree_flatten(other)
        if other_def != treedef:
            raise TypeError(f"tree structures differ: {treedef} and {other_def}")
        others.append(other_leaves)
    return tree_unflatten(treedef, [fn(*xs) for xs in zip(leaves, *others, strict=True)])
