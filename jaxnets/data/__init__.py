"""Data sets as numpy splits, and deterministic batching over them.

A *split* is a dict of numpy arrays sharing the leading dimension N. Image data sets
(``mnist``, ``digits``) use ``{"image": float32 (N, H, W, C) in [0, 1], "label": int32 (N,)}``;
the point data set ``spiral`` uses ``{"x": float32 (N, 2), "label": int32 (N,)}``.
:class:`Dataset` records which (``input_key``), so generic code reads
``batch[dataset.input_key]`` and ``batch["label"]``.

>>> from jaxnets.data import batches, load_dataset
>>> ds = load_dataset("spiral", seed=0)
>>> ds.train["x"].shape, ds.train["label"].dtype.name, ds.input_key
((240, 2), 'int32', 'x')
>>> [b["x"].shape for b in batches(ds.train, 100, seed=0, remainder="keep")]
[(100, 2), (100, 2), (40, 2)]

MNIST is a TFDS builder (``jaxnets_mnist``) over local IDX files, written to array_record and
read through a TFDS data source, all without TensorFlow; it never downloads.
"""

from jaxnets.data._augment import elastic_distortion, random_affine
from jaxnets.data._batching import (
    MASK_KEY,
    batches,
    epoch_permutation,
    gather,
    materialize,
    num_batches,
    split_length,
)
from jaxnets.data._idx import IdxFormatError, MnistFilesMissingError, read_idx
from jaxnets.data._mnist import CACHE_DIR_ENV, DATA_DIR_ENV, mnist_source, prepare_mnist
from jaxnets.data._names import (
    END_TOKEN,
    NAMES_VOCAB,
    NamesFileMissingError,
    decode_name,
    encode_names,
)
from jaxnets.data._registry import DATASETS, Dataset, load_dataset
from jaxnets.data._spiral import make_spiral
from jaxnets.data._splits import holdout_size, holdout_split, stratified_split

__all__ = [
    "CACHE_DIR_ENV",
    "DATASETS",
    "DATA_DIR_ENV",
    "END_TOKEN",
    "MASK_KEY",
    "NAMES_VOCAB",
    "Dataset",
    "IdxFormatError",
    "MnistFilesMissingError",
    "NamesFileMissingError",
    "batches",
    "decode_name",
    "elastic_distortion",
    "encode_names",
    "epoch_permutation",
    "gather",
    "holdout_size",
    "holdout_split",
    "load_dataset",
    "make_spiral",
    "materialize",
    "mnist_source",
    "num_batches",
    "prepare_mnist",
    "random_affine",
    "read_idx",
    "split_length",
    "stratified_split",
]
