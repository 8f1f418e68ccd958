"""MNIST as a TFDS builder over local IDX files, written to array_record, read without TensorFlow.

The builder never downloads: the four IDX files must already be on disk (TFDS' ``manual_dir``).
An offline machine therefore fails at once with a message naming the missing files, instead of
waiting on DNS retries. The image feature is an un-encoded uint8 ``Tensor`` so that reading back
needs neither TensorFlow nor PNG decoding; the data source hands out numpy arrays.

Prepared data live under ``<cache_dir>/<fingerprint>/jaxnets_mnist/<version>/``. The fingerprint
is a hash of the IDX files' bytes, so different source files never share (or silently reuse) a
cache, while preparing the same files twice reuses the first result.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import tensorflow_datasets as tfds

from jaxnets.data._idx import (
    ALL_STEMS,
    IMAGE_SIZE,
    MNIST_FILES,
    NUM_CLASSES,
    find_idx_file,
    read_mnist_split,
    resolve_mnist_dir,
)
from jaxnets.errors import InvalidArgumentError

DATA_DIR_ENV = "JAXNETS_DATA_DIR"
CACHE_DIR_ENV = "JAXNETS_CACHE_DIR"
DEFAULT_CACHE_DIR = Path("~/.cache/jaxnets/tfds")


class JaxnetsMnist(tfds.core.GeneratorBasedBuilder):
    """MNIST from the four IDX files in ``manual_dir``; 60,000 train and 10,000 test examples.

    Features: ``image`` uint8 (28, 28, 1) in 0..255, ``label`` int64 class in 0..9. Examples
    keep the IDX files' order (shuffling is disabled), so index 0 of ``train`` is the first
    image of ``train-images-idx3-ubyte``. Named ``jaxnets_mnist`` so as not to clash with
    TFDS' own ``mnist``, which downloads.
    """

    VERSION = tfds.core.Version("1.0.0")
    RELEASE_NOTES: ClassVar[dict[str, str]] = {
        "1.0.0": "IDX files from a local directory, array_record, no TensorFlow."
    }
    MANUAL_DOWNLOAD_INSTRUCTIONS = (
        "Put train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and "
        "t10k-labels-idx1-ubyte (each gzip-compressed with .gz or raw) in the manual_dir, "
        f"or pass --data-dir / set {DATA_DIR_ENV} to it (or to its parent containing mnist/)."
    )

    def _info(self) -> tfds.core.DatasetInfo:
        # DatasetInfo directly rather than dataset_info_from_configs: the latter reads metadata
        # files from a TFDS-style package folder that this module does not have.
        return tfds.core.DatasetInfo(
            builder=self,
            description="MNIST handwritten digits (LeCun, Cortes, Burges) from local IDX files.",
            features=tfds.features.FeaturesDict(
                {
                    "image": tfds.features.Tensor(
                        shape=(IMAGE_SIZE, IMAGE_SIZE, 1), dtype=np.uint8
                    ),
                    "label": tfds.features.ClassLabel(num_classes=NUM_CLASSES),
                }
            ),
            supervised_keys=("image", "label"),
            homepage="http://yann.lecun.com/exdb/mnist/",
            disable_shuffling=True,
        )

    def _split_generators(self, dl_manager: tfds.download.DownloadManager) -> dict[str, Any]:
        directory = resolve_mnist_dir(dl_manager.manual_dir)
        # Read and validate both splits before anything is written, so a bad file fails fast
        # and leaves no half-written split behind.
        splits = {split: read_mnist_split(directory, split) for split in MNIST_FILES}
        return {
            split: self._generate_examples(images, labels)
            for split, (images, labels) in splits.items()
        }

    def _generate_examples(
        self, images: np.ndarray, labels: np.ndarray
    ) -> Iterator[tuple[int, dict[str, Any]]]:
        for i in range(labels.shape[0]):
            yield i, {"image": images[i, :, :, None], "label": int(labels[i])}


def resolve_data_dir(data_dir: str | os.PathLike | None) -> Path:
    """``data_dir``, else ``$JAXNETS_DATA_DIR``; a ValueError saying how to give one if neither."""
    value = data_dir if data_dir is not None else os.environ.get(DATA_DIR_ENV)
    if not value:
        raise InvalidArgumentError(
            "MNIST needs a directory with its four IDX files: pass --data-dir (data_dir=...) "
            f"or set the {DATA_DIR_ENV} environment variable to the directory that holds them "
            "(or to its parent containing mnist/)."
        )
    return Path(value).expanduser()


def resolve_cache_dir(cache_dir: str | os.PathLike | None) -> Path:
    """``cache_dir``, else ``$JAXNETS_CACHE_DIR``, else ``~/.cache/jaxnets/tfds``."""
    value = cache_dir if cache_dir is not None else os.environ.get(CACHE_DIR_ENV)
    return Path(value or DEFAULT_CACHE_DIR).expanduser()


def _fingerprint(directory: Path) -> str:
    """A short hash of the four IDX files' bytes (about 0.1 s for MNIST's 11 MB of gzip)."""
    digest = hashlib.blake2b(digest_size=8)
    for stem in ALL_STEMS:
        path = find_idx_file(directory, stem)
        assert path is not None  # resolve_mnist_dir checked all four exist
        digest.update(path.name.encode())
        with path.open("rb") as f:
            for block in iter(lambda f=f: f.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def prepare_mnist(
    data_dir: str | os.PathLike | None = None, *, cache_dir: str | os.PathLike | None = None
) -> JaxnetsMnist:
    """Validate the IDX files and write them as array_record, or reuse an earlier preparation.

    Args:
      data_dir: the directory with the IDX files, or its parent containing ``mnist/``;
        default ``$JAXNETS_DATA_DIR``.
      cache_dir: where prepared data go; default ``$JAXNETS_CACHE_DIR`` or
        ``~/.cache/jaxnets/tfds``.

    Returns:
      The prepared builder; ``builder.as_data_source("train")`` gives random access to
      examples ``{"image": uint8 (28, 28, 1), "label": int}``.

    Raises:
      ValueError: no data directory given and ``$JAXNETS_DATA_DIR`` unset.
      MnistFilesMissingError: some IDX files are missing (raised before TFDS is involved).
      IdxFormatError: an IDX file is malformed (the message names it).
    """
    source_dir = resolve_mnist_dir(resolve_data_dir(data_dir))
    tfds_dir = resolve_cache_dir(cache_dir) / _fingerprint(source_dir)
    _remove_incomplete(tfds_dir)
    builder = JaxnetsMnist(data_dir=os.fspath(tfds_dir), file_format="array_record")
    prepared = Path(builder.data_dir)  # <tfds_dir>/jaxnets_mnist/<version>
    if (prepared / CACHE_HASHES).exists() and not _cache_verifies(prepared):
        print(
            f"the prepared MNIST cache {prepared} does not match its recorded hashes; "
            "preparing it again from the IDX files",
            file=sys.stderr,
        )
        shutil.rmtree(prepared)
        builder = JaxnetsMnist(data_dir=os.fspath(tfds_dir), file_format="array_record")
    if not builder.is_prepared():
        print(f"preparing MNIST once from {source_dir} into {prepared}", file=sys.stderr)
    # A no-op when this version was prepared before from the same files (same fingerprint).
    builder.download_and_prepare(
        download_config=tfds.download.DownloadConfig(manual_dir=os.fspath(source_dir))
    )
    if not (prepared / CACHE_HASHES).exists():
        _write_json_atomic(prepared / CACHE_HASHES, _cache_digests(prepared))
    return builder


CACHE_HASHES = "jaxnets_hashes.json"


def _cache_digests(prepared: Path) -> dict[str, str]:
    """blake2b of every prepared file (array_record shards and TFDS metadata), by name."""
    out = {}
    for path in sorted(prepared.iterdir()):
        if path.is_file() and path.name != CACHE_HASHES:
            digest = hashlib.blake2b(digest_size=16)
            with path.open("rb") as f:
                for block in iter(lambda f=f: f.read(1 << 20), b""):
                    digest.update(block)
            out[path.name] = digest.hexdigest()
    return out


def _cache_verifies(prepared: Path) -> bool:
    try:
        recorded = json.loads((prepared / CACHE_HASHES).read_text())
    except ValueError:
        return False
    return recorded == _cache_digests(prepared)


def _write_json_atomic(path: Path, value) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(value, indent=1))
    tmp.replace(path)


def _remove_incomplete(tfds_dir: Path) -> None:
    """Delete what an interrupted prepare left (TFDS writes to ``incomplete.*`` first)."""
    if not tfds_dir.is_dir():
        return
    for path in tfds_dir.rglob("*incomplete.*"):
        if path.is_dir():
            print(f"removing an interrupted MNIST preparation: {path}", file=sys.stderr)
            shutil.rmtree(path, ignore_errors=True)


def mnist_source(
    split: str,
    *,
    data_dir: str | os.PathLike | None = None,
    cache_dir: str | os.PathLike | None = None,
) -> Sequence[dict[str, Any]]:
    """Random-access TFDS data source for one MNIST split (preparing it first if needed).

    ``len(source)`` is the number of examples; ``source[i]`` is
    ``{"image": uint8 (28, 28, 1), "label": int}``. Pass it to :func:`batches` directly, or to
    :func:`materialize` for whole arrays.
    """
    return prepare_mnist(data_dir, cache_dir=cache_dir).as_data_source(split)
