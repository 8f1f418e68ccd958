"""Fixtures for the data tests: synthetic MNIST-format IDX files in tmp_path."""

import pytest

from tests.data._synthetic import SyntheticMnist, write_synthetic_mnist


@pytest.fixture(params=[True, False], ids=["gz", "raw"])
def synthetic_mnist(request, tmp_path) -> SyntheticMnist:
    """20 train and 10 test random images in IDX files, gzip-compressed or raw."""
    return write_synthetic_mnist(tmp_path / "mnist", gz=request.param)
