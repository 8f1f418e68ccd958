"""Seeded train/test and train/validation splits of a split (dict of arrays)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from jaxnets.data._batching import gather, split_length
from jaxnets.errors import InvalidArgumentError


def stratified_split(
    split: Mapping[str, np.ndarray], test_fraction: float, *, seed: int, label_key: str = "label"
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Split into ``(train, test)`` keeping each class's share, fixed by ``seed``.

    The test set has ``ceil(test_fraction * N)`` examples (scikit-learn's rule, so the 1,797
    digits give 1,437/360 at 0.2); both keep the keys of ``split``.
    """
    # Imported here: scikit-learn takes about a second to import and MNIST never needs it.
    from sklearn.model_selection import train_test_split

    indices = np.arange(split_length(split))
    train_idx, test_idx = train_test_split(
        indices, test_size=test_fraction, stratify=split[label_key], random_state=seed
    )
    return gather(split, np.sort(train_idx)), gather(split, np.sort(test_idx))


def holdout_size(n: int, fraction: float) -> int:
    """How many of ``n`` examples :func:`holdout_split` holds out: ``max(1, round(fraction n))``.

    >>> holdout_size(1437, 0.2)
    287
    """
    if not 0.0 < fraction < 1.0:
        raise InvalidArgumentError(f"fraction must be in (0, 1), got {fraction}")
    num_val = max(1, round(fraction * n))
    if num_val >= n:
        raise InvalidArgumentError(
            f"holding out {num_val} of {n} examples leaves none for training"
        )
    return num_val


def holdout_split(
    split: Mapping[str, np.ndarray], fraction: float, *, seed: int
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Split off a random validation set, e.g. for early stopping.

    Args:
      split: a dict of arrays sharing their first dimension N.
      fraction: the share of examples held out, in (0, 1); the validation set has
        ``round(fraction * N)`` examples, at least 1, and the rest (at least 1) stay in train.
      seed: fixes which examples are held out.

    Returns:
      ``(train, val)``, dicts with the same keys, N - V and V rows, disjoint, each in the
      original relative order.
    """
    n = split_length(split)
    num_val = holdout_size(n, fraction)
    order = np.random.default_rng(seed).permutation(n)
    val_idx, train_idx = np.sort(order[:num_val]), np.sort(order[num_val:])
    return gather(split, train_idx), gather(split, val_idx)
