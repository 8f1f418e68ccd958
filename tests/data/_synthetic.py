"""Writers of synthetic MNIST-format IDX files, for fast builder tests."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

import numpy as np

STEMS = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


def idx_bytes(array: np.ndarray, magic: int) -> bytes:
    """The IDX encoding of a uint8 array: magic, big-endian int32 dims, then the data."""
    dims = np.asarray(array.shape, dtype=">u4").tobytes()
    return magic.to_bytes(4, "big") + dims + np.ascontiguousarray(array, np.uint8).tobytes()


def write_file(directory: Path, stem: str, content: bytes, gz: bool) -> Path:
    path = directory / (stem + (".gz" if gz else ""))
    path.write_bytes(gzip.compress(content) if gz else content)
    return path


@dataclass
class SyntheticMnist:
    """Where the four files are and what they hold: uint8 images (N, 28, 28), labels (N,)."""

    directory: Path
    gz: bool
    arrays: dict[str, tuple[np.ndarray, np.ndarray]]

    def path(self, stem: str) -> Path:
        return self.directory / (stem + (".gz" if self.gz else ""))


def write_synthetic_mnist(
    directory: Path, *, gz: bool, sizes=(("train", 20), ("test", 10)), seed=0
):
    """Write random images and labels (every class present) in MNIST's four-file layout."""
    directory.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    arrays = {}
    for split, n in sizes:
        images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        labels = rng.permutation(np.arange(n) % 10).astype(np.uint8)
        images_stem, labels_stem = STEMS[split]
        write_file(directory, images_stem, idx_bytes(images, 0x803), gz)
        write_file(directory, labels_stem, idx_bytes(labels, 0x801), gz)
        arrays[split] = (images, labels)
    return SyntheticMnist(directory, gz, arrays)
