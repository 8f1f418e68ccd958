"""holdout_split and stratified_split: sizes, disjointness, determinism."""

from __future__ import annotations

import numpy as np
import pytest

from jaxnets.data import holdout_split, stratified_split


def make_split(n: int) -> dict[str, np.ndarray]:
    return {"x": np.arange(n, dtype=np.float32)[:, None] * [1, -1], "label": np.arange(n) % 3}


def test_holdout_split_partitions():
    train, val = holdout_split(make_split(50), 0.2, seed=0)
    assert train["x"].shape == (40, 2) and val["x"].shape == (10, 2)
    ids = np.concatenate([train["x"][:, 0], val["x"][:, 0]])
    assert sorted(ids.tolist()) == list(range(50))
    # Rows stay whole (x and label move together) and in their original relative order.
    np.testing.assert_array_equal(train["label"], train["x"][:, 0].astype(int) % 3)
    assert np.all(np.diff(val["x"][:, 0]) > 0)


def test_holdout_split_is_seeded():
    a = holdout_split(make_split(50), 0.2, seed=1)[1]["x"]
    b = holdout_split(make_split(50), 0.2, seed=1)[1]["x"]
    c = holdout_split(make_split(50), 0.2, seed=2)[1]["x"]
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.1, 1.5])
def test_holdout_split_bad_fraction(fraction):
    with pytest.raises(ValueError, match="fraction"):
        holdout_split(make_split(10), fraction, seed=0)


def test_holdout_split_too_small():
    with pytest.raises(ValueError, match="leaves none"):
        holdout_split(make_split(1), 0.5, seed=0)


def test_stratified_split_keeps_class_shares():
    train, test = stratified_split(make_split(300), 0.2, seed=0)
    assert np.bincount(train["label"]).tolist() == [80, 80, 80]
    assert np.bincount(test["label"]).tolist() == [20, 20, 20]
    assert not set(train["x"][:, 0].tolist()) & set(test["x"][:, 0].tolist())
