"""The bundled scikit-learn digits: counts, shapes, range, stratification, determinism."""

from __future__ import annotations

import numpy as np
from sklearn.datasets import load_digits

from jaxnets.data._digits import load_digits_splits


def test_counts_shapes_dtypes():
    train, test = load_digits_splits(seed=0)
    assert set(train) == set(test) == {"image", "label"}
    assert train["image"].shape == (1437, 8, 8, 1) and test["image"].shape == (360, 8, 8, 1)
    assert train["label"].shape == (1437,) and test["label"].shape == (360,)
    assert train["image"].dtype == np.float32 and train["label"].dtype == np.int32
    both = np.concatenate([train["image"], test["image"]])
    assert both.min() == 0.0 and both.max() == 1.0


def test_split_is_a_stratified_partition():
    train, test = load_digits_splits(seed=0)
    digits = load_digits()
    # Same rows as the original, split without loss or duplication.
    rows = np.concatenate([train["image"], test["image"]]).reshape(1797, 64) * 16
    rows = np.concatenate([rows, np.concatenate([train["label"], test["label"]])[:, None]], 1)
    original = np.concatenate([digits.data, digits.target[:, None]], 1)
    np.testing.assert_array_equal(np.unique(rows, axis=0), np.unique(original, axis=0))
    # Every class keeps ~20% of its examples in test (rounding moves at most one).
    per_class = np.bincount(digits.target)
    assert np.all(np.abs(np.bincount(test["label"]) - 0.2 * per_class) <= 1)


def test_seeded():
    a_train, _ = load_digits_splits(seed=0)
    b_train, _ = load_digits_splits(seed=0)
    c_train, _ = load_digits_splits(seed=1)
    np.testing.assert_array_equal(a_train["image"], b_train["image"])
    assert not np.array_equal(a_train["image"], c_train["image"])
