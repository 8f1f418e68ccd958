"""``load_dataset``: every data set by name, as one in-memory representation."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable

import numpy as np

from jaxnets.data._batching import materialize
from jaxnets.data._digits import load_digits_splits
from jaxnets.data._mnist import prepare_mnist
from jaxnets.data._names import NAMES_VOCAB, load_names_splits
from jaxnets.data._spiral import load_spiral_splits
from jaxnets.errors import InvalidArgumentError

Split = dict[str, np.ndarray]


@dataclasses.dataclass(frozen=True, eq=False)  # eq=False: arrays have no single truth value
class Dataset:
    """A data set in memory: two splits and what a model needs to know about them.

    Attributes:
      name: one of :data:`DATASETS`.
      train, test: splits, dicts of numpy arrays sharing the leading dimension N:
        ``{input_key: float32 (N, *input_shape), "label": int32 (N,) in 0..num_classes-1}``.
      num_classes: number of classes.
      input_shape: shape of one input, e.g. (28, 28, 1) for MNIST, (2,) for spiral.
      input_key: ``"image"`` for image data sets (pixels in [0, 1], layout (H, W, C)) and
        ``"x"`` for point data sets (spiral); the target is always ``"label"``.
    """

    name: str
    train: Split
    test: Split
    num_classes: int
    input_shape: tuple[int, ...]
    input_key: str = "image"


def _load_mnist(data_dir, cache_dir, seed) -> Dataset:
    del seed  # MNIST's train/test split is the official one
    builder = prepare_mnist(data_dir, cache_dir=cache_dir)

    def to_split(name: str) -> Split:
        raw = materialize(builder.as_data_source(name))
        return {
            "image": raw["image"].astype(np.float32) / np.float32(255.0),
            "label": raw["label"].astype(np.int32),
        }

    return Dataset("mnist", to_split("train"), to_split("test"), 10, (28, 28, 1), "image")


def _load_digits(data_dir, cache_dir, seed) -> Dataset:
    del data_dir, cache_dir  # embedded in scikit-learn
    train, test = load_digits_splits(seed=seed)
    return Dataset("digits", train, test, 10, (8, 8, 1), "image")


def _load_spiral(data_dir, cache_dir, seed) -> Dataset:
    del data_dir, cache_dir  # generated
    train, test = load_spiral_splits(seed=seed)
    return Dataset("spiral", train, test, 3, (2,), "x")


def _load_names(data_dir, cache_dir, seed) -> Dataset:
    del cache_dir  # read straight from names.txt
    train, test = load_names_splits(data_dir, seed=seed)
    # Integer token ids (N, T); the classes are the next character, one of the vocabulary.
    return Dataset("names", train, test, len(NAMES_VOCAB), train["x"].shape[1:], "x")


_LOADERS: dict[str, Callable[..., Dataset]] = {
    "mnist": _load_mnist,
    "digits": _load_digits,
    "spiral": _load_spiral,
    "names": _load_names,
}
DATASETS: tuple[str, ...] = tuple(_LOADERS)


def load_dataset(
    name: str,
    *,
    data_dir: str | os.PathLike | None = None,
    cache_dir: str | os.PathLike | None = None,
    seed: int = 0,
) -> Dataset:
    """Load a data set by name into memory.

    Args:
      name: one of :data:`DATASETS`: ``"mnist"`` (60,000/10,000 of (28, 28, 1), needs its IDX
        files), ``"digits"`` (1,437/360 of (8, 8, 1), bundled with scikit-learn) or
        ``"spiral"`` (240/60 points (2,) in 3 classes, generated) or ``"names"`` (28,830/3,203
        int32 token sequences (16,) with next-character labels (16,) over 27 tokens, from
        names.txt, see :mod:`jaxnets.data._names`).
      data_dir: MNIST only: the directory with the IDX files or its parent containing
        ``mnist/``; default ``$JAXNETS_DATA_DIR``. Names: names.txt or a folder holding
        ``names/names.txt`` (same default).
      cache_dir: MNIST only: where the prepared array_record files go; default
        ``$JAXNETS_CACHE_DIR`` or ``~/.cache/jaxnets/tfds``.
      seed: fixes the digits train/test split and the spiral's noise and split; MNIST uses
        its official split and ignores it.

    Raises:
      ValueError: an unknown name (the message lists the known ones), or MNIST with neither
        ``data_dir`` nor ``$JAXNETS_DATA_DIR``.
    """
    if name not in _LOADERS:
        raise InvalidArgumentError(f"unknown data set {name!r}; known: {', '.join(DATASETS)}")
    return _LOADERS[name](data_dir, cache_dir, seed)
