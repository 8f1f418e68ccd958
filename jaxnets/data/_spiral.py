"""The K-class spiral of CS231n's "minimal neural network case study", for linear-vs-MLP demos.

Class k's points lie on an arm ``(r sin t, r cos t)`` with radius r running evenly over [0, 1]
and angle t evenly over [4k, 4(k + 1)] plus Gaussian noise, so no line separates the classes
while a small MLP does.
"""

from __future__ import annotations

import numpy as np

from jaxnets.data._splits import stratified_split
from jaxnets.errors import InvalidArgumentError

SPIRAL_TEST_FRACTION = 0.2


def make_spiral(
    num_classes: int = 3, points_per_class: int = 100, noise: float = 0.2, *, seed: int = 0
) -> dict[str, np.ndarray]:
    """Generate the spiral, class by class.

    Returns:
      ``{"x": float32 (K * P, 2), "label": int32 (K * P,)}`` with K = ``num_classes`` and
      P = ``points_per_class``; rows ``k * P`` to ``(k + 1) * P - 1`` are class k.
    """
    if num_classes < 1 or points_per_class < 1:
        raise InvalidArgumentError(
            f"need num_classes >= 1 and points_per_class >= 1, got {num_classes}, "
            f"{points_per_class}"
        )
    rng = np.random.default_rng(seed)
    radius = np.linspace(0.0, 1.0, points_per_class)  # (P,)
    xs, labels = [], []
    for k in range(num_classes):
        theta = np.linspace(4.0 * k, 4.0 * (k + 1), points_per_class)
        theta = theta + noise * rng.standard_normal(points_per_class)  # (P,)
        xs.append(np.stack([radius * np.sin(theta), radius * np.cos(theta)], axis=1))  # (P, 2)
        labels.append(np.full(points_per_class, k))
    return {
        "x": np.concatenate(xs).astype(np.float32),
        "label": np.concatenate(labels).astype(np.int32),
    }


def load_spiral_splits(
    *, seed: int = 0, num_classes: int = 3, points_per_class: int = 100, noise: float = 0.2
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """One spiral from ``seed``, split 80/20 per class into ``(train, test)``.

    With the defaults: train ``{"x": float32 (240, 2), "label": int32 (240,)}`` and test
    with 60 rows, 80 and 20 points of each class.
    """
    spiral = make_spiral(num_classes, points_per_class, noise, seed=seed)
    return stratified_split(spiral, SPIRAL_TEST_FRACTION, seed=seed)
