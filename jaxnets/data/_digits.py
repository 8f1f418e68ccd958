"""scikit-learn's bundled 8x8 handwritten digits: 1,797 images, no download needed."""

from __future__ import annotations

import numpy as np

from jaxnets.data._splits import stratified_split

DIGITS_TEST_FRACTION = 0.2
# load_digits pixels are counts of set pixels in 4x4 blocks of a 32x32 bitmap: 0..16.
_DIGITS_MAX_PIXEL = 16.0


def load_digits_splits(*, seed: int = 0) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The digits as a stratified 80/20 ``(train, test)`` split fixed by ``seed``.

    Returns:
      Two splits ``{"image": float32 (N, 8, 8, 1) in [0, 1], "label": int32 (N,) in 0..9}``
      with N = 1,437 (train) and 360 (test).
    """
    from sklearn.datasets import load_digits  # slow import, only needed here

    digits = load_digits()
    split = {
        "image": (digits.images[..., None] / _DIGITS_MAX_PIXEL).astype(np.float32),
        "label": digits.target.astype(np.int32),
    }
    return stratified_split(split, DIGITS_TEST_FRACTION, seed=seed)
