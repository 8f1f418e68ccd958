"""Reading and validating MNIST's IDX files (LeCun, Cortes, Burges), gzip-compressed or raw.

IDX layout: a big-endian int32 magic number ``0x0000TTNN`` (``TT`` the element type, 0x08 for
uint8; ``NN`` the number of dimensions), one big-endian int32 per dimension, then the raw
elements in C order. MNIST images are ``0x00000803`` with dimensions (N, 28, 28); labels are
``0x00000801`` with dimension (N,).

Every problem is reported as an :class:`IdxFormatError` that names the offending file and what
was wrong, because "cannot reshape array of size 47039984" says neither.
"""

from __future__ import annotations

import gzip
import os
import zlib
from pathlib import Path

import numpy as np

from jaxnets.errors import DataFileError, InvalidArgumentError

IMAGES_MAGIC = 0x00000803
LABELS_MAGIC = 0x00000801
IMAGE_SIZE = 28
NUM_CLASSES = 10

# split -> (images stem, labels stem); each file may also carry a ".gz" suffix.
MNIST_FILES: dict[str, tuple[str, str]] = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
ALL_STEMS: tuple[str, ...] = tuple(stem for pair in MNIST_FILES.values() for stem in pair)


class IdxFormatError(DataFileError, ValueError):
    """An IDX file is malformed; the message names the file and the problem."""


class MnistFilesMissingError(DataFileError, FileNotFoundError):
    """Some of the four MNIST IDX files are not in the directory that was searched."""


def find_idx_file(directory: Path, stem: str) -> Path | None:
    """The file ``stem`` or ``stem.gz`` in ``directory`` (raw first: no decompression), or None."""
    for name in (stem, stem + ".gz"):
        path = directory / name
        if path.is_file():
            return path
    return None


def resolve_mnist_dir(data_dir: str | os.PathLike) -> Path:
    """The directory holding the IDX files: ``data_dir`` itself, or ``data_dir/mnist``.

    Accepting the parent lets one data root (such as ``../shared/data``) serve every data set.
    Raises :class:`MnistFilesMissingError` listing each missing file when neither directory
    holds all four.
    """
    root = Path(data_dir).expanduser()
    candidates = [root, root / "mnist"]
    for directory in candidates:
        if all(find_idx_file(directory, stem) for stem in ALL_STEMS):
            return directory
    # Report against the candidate that holds some of the files (the user's likely intent),
    # else against mnist/ if it exists, else the directory given.
    partial = [d for d in candidates if any(find_idx_file(d, s) for s in ALL_STEMS)]
    directory = partial[0] if partial else (candidates[1] if candidates[1].is_dir() else root)
    missing = [stem for stem in ALL_STEMS if find_idx_file(directory, stem) is None]
    listed = "\n".join(f"  {stem}[.gz]" for stem in missing)
    raise MnistFilesMissingError(
        f"MNIST: {len(missing)} of the 4 IDX files missing in {directory}:\n{listed}\n"
        f"Put the IDX files (gzip-compressed or raw) in {directory}, or point --data-dir / "
        "the JAXNETS_DATA_DIR environment variable at the directory that holds them "
        "(or at its parent containing mnist/). Nothing is downloaded."
    )


def _read_bytes(path: Path) -> bytes:
    """The decompressed content of ``path`` (gzip when it ends in .gz)."""
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as f:
                return f.read()
        return path.read_bytes()
    except EOFError as e:  # gzip stream cut short
        raise IdxFormatError(f"{path}: truncated gzip stream ({e})") from e
    except (gzip.BadGzipFile, zlib.error) as e:
        raise IdxFormatError(f"{path}: not a valid gzip file ({e})") from e


def read_idx(path: str | os.PathLike, expected_magic: int) -> np.ndarray:
    """Read one uint8 IDX file into an array of the dimensions its header declares.

    Args:
      path: the file, gzip-compressed when its name ends in ``.gz``.
      expected_magic: ``IMAGES_MAGIC`` or ``LABELS_MAGIC`` (any uint8 ``0x000008NN``).

    Returns:
      uint8 array of shape ``dims`` from the header, e.g. (N, 28, 28) or (N,). It is a
      read-only view of the file's bytes.

    Raises:
      IdxFormatError: bad magic number, truncated header or data, or trailing bytes.
    """
    path = Path(path)
    raw = _read_bytes(path)
    if len(raw) < 4:
        raise IdxFormatError(f"{path}: truncated: {len(raw)} bytes, too short for the header")
    magic = int.from_bytes(raw[:4], "big")
    if magic != expected_magic:
        hint = {
            IMAGES_MAGIC: " (that is an IDX image file)",
            LABELS_MAGIC: " (that is an IDX label file)",
        }.get(magic, "")
        raise IdxFormatError(
            f"{path}: bad magic number 0x{magic:08x}{hint}, expected 0x{expected_magic:08x}"
        )
    ndim = expected_magic & 0xFF
    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise IdxFormatError(
            f"{path}: truncated header: {len(raw)} bytes, need {header_size} for {ndim} dims"
        )
    dims = tuple(int(d) for d in np.frombuffer(raw, ">u4", count=ndim, offset=4))
    expected = header_size + int(np.prod(dims, dtype=np.int64))
    if len(raw) < expected:
        raise IdxFormatError(
            f"{path}: truncated: header declares dims {dims} ({expected} bytes in all), "
            f"but the content has only {len(raw)} bytes"
        )
    if len(raw) > expected:
        raise IdxFormatError(
            f"{path}: {len(raw) - expected} unexpected trailing bytes after the data "
            f"declared by dims {dims}"
        )
    return np.frombuffer(raw, np.uint8, offset=header_size).reshape(dims)


def read_mnist_split(directory: str | os.PathLike, split: str) -> tuple[np.ndarray, np.ndarray]:
    """Read and validate one MNIST split from the IDX files in ``directory``.

    Args:
      directory: holds ``{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]``.
      split: ``"train"`` or ``"test"``.

    Returns:
      ``(images, labels)``: uint8 (N, 28, 28) pixels in 0..255 and uint8 (N,) labels in 0..9,
      in file order.

    Raises:
      MnistFilesMissingError: a file of the split is absent.
      IdxFormatError: a file is malformed, images are not 28x28, labels are out of range, or
        the image and label counts disagree (the message names both files).
    """
    if split not in MNIST_FILES:
        raise InvalidArgumentError(
            f"unknown MNIST split {split!r}; expected one of {sorted(MNIST_FILES)}"
        )
    directory = Path(directory)
    paths = []
    for stem in MNIST_FILES[split]:
        path = find_idx_file(directory, stem)
        if path is None:
            raise MnistFilesMissingError(
                f"MNIST: {stem}[.gz] missing in {directory}; put the IDX files there or point "
                "--data-dir / JAXNETS_DATA_DIR at the directory that holds them"
            )
        paths.append(path)
    images_path, labels_path = paths
    images = read_idx(images_path, IMAGES_MAGIC)
    if images.shape[1:] != (IMAGE_SIZE, IMAGE_SIZE):
        raise IdxFormatError(
            f"{images_path}: images are {images.shape[1]}x{images.shape[2]}, "
            f"expected {IMAGE_SIZE}x{IMAGE_SIZE}"
        )
    labels = read_idx(labels_path, LABELS_MAGIC)
    if labels.shape[0] != images.shape[0]:
        raise IdxFormatError(
            f"MNIST {split}: count mismatch: {images_path} has {images.shape[0]} images but "
            f"{labels_path} has {labels.shape[0]} labels"
        )
    if labels.shape[0] == 0:
        raise IdxFormatError(
            f"MNIST {split}: {images_path} and {labels_path} declare zero examples; "
            "the files are empty or truncated at the source"
        )
    if labels.max() >= NUM_CLASSES:
        bad = int(np.argmax(labels >= NUM_CLASSES))
        raise IdxFormatError(
            f"{labels_path}: label {int(labels[bad])} at index {bad} "
            f"is outside 0..{NUM_CLASSES - 1}"
        )
    return images, labels
