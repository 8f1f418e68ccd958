"""The CS231n spiral: geometry, shapes, split, determinism."""

from __future__ import annotations

import numpy as np
import pytest

from jaxnets.data import make_spiral
from jaxnets.data._spiral import load_spiral_splits
from tests.tolerances import tol


def test_geometry_without_noise():
    points = 50
    spiral = make_spiral(3, points, noise=0.0, seed=0)
    x = spiral["x"].astype(np.float64)
    radius = np.linalg.norm(x, axis=1)
    angle = np.arctan2(x[:, 0], x[:, 1])  # x = (r sin t, r cos t)
    atol = tol(np.float32, "values")
    for k in range(3):
        rows = slice(k * points, (k + 1) * points)
        assert np.all(spiral["label"][rows] == k)
        np.testing.assert_allclose(radius[rows], np.linspace(0, 1, points), atol=atol)
        theta = np.linspace(4 * k, 4 * (k + 1), points)[1:]  # angle undefined at r = 0
        wrapped = np.angle(np.exp(1j * (angle[rows][1:] - theta)))
        np.testing.assert_allclose(wrapped, 0.0, atol=10 * atol)


def test_noise_moves_angles_not_radii():
    clean = make_spiral(seed=0, noise=0.0)["x"]
    noisy = make_spiral(seed=0, noise=0.2)["x"]
    np.testing.assert_allclose(
        np.linalg.norm(noisy, axis=1), np.linalg.norm(clean, axis=1), atol=tol(np.float32, "values")
    )
    assert np.abs(noisy - clean).max() > 0.05


def test_splits_shapes_and_balance():
    train, test = load_spiral_splits(seed=0)
    assert set(train) == {"x", "label"}
    assert train["x"].shape == (240, 2) and test["x"].shape == (60, 2)
    assert train["x"].dtype == np.float32 and train["label"].dtype == np.int32
    assert np.bincount(train["label"]).tolist() == [80] * 3
    assert np.bincount(test["label"]).tolist() == [20] * 3


def test_seeded():
    np.testing.assert_array_equal(make_spiral(seed=3)["x"], make_spiral(seed=3)["x"])
    assert not np.array_equal(make_spiral(seed=3)["x"], make_spiral(seed=4)["x"])
    a, b = load_spiral_splits(seed=3), load_spiral_splits(seed=3)
    np.testing.assert_array_equal(a[1]["x"], b[1]["x"])


def test_bad_parameters():
    with pytest.raises(ValueError, match="num_classes"):
        make_spiral(0, 10)
