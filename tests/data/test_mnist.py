"""The jaxnets_mnist TFDS builder end to end: IDX -> array_record -> data source -> batches."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
import tensorflow_datasets as tfds

import jaxnets.data._mnist as mnist_module
from jaxnets.data import (
    IdxFormatError,
    batches,
    load_dataset,
    materialize,
    mnist_source,
    prepare_mnist,
)
from jaxnets.data._idx import MNIST_FILES
from tests.data._synthetic import STEMS, idx_bytes, write_file


def test_prepare_and_read_without_tensorflow(synthetic_mnist, tmp_path):
    builder = prepare_mnist(synthetic_mnist.directory, cache_dir=tmp_path / "cache")
    assert builder.name == "jaxnets_mnist"
    assert sorted(Path(builder.data_dir).glob("*.array_record*")), "expected array_record files"
    for split, (images, labels) in synthetic_mnist.arrays.items():
        source = builder.as_data_source(split)
        assert len(source) == len(labels)
        example = source[3]
        assert example["image"].dtype == np.uint8 and example["image"].shape == (28, 28, 1)
        # Shuffling is disabled: examples keep the IDX files' order.
        np.testing.assert_array_equal(example["image"][..., 0], images[3])
        assert example["label"] == labels[3]
        whole = materialize(source, chunk_size=7)  # several chunks, the last one partial
        np.testing.assert_array_equal(whole["image"][..., 0], images)
        np.testing.assert_array_equal(whole["label"], labels)
    # Reading went through numpy only: TensorFlow is neither installed nor needed.
    assert importlib.util.find_spec("tensorflow") is None
    assert "tensorflow" not in sys.modules


def test_batches_over_data_source(synthetic_mnist, tmp_path):
    source = mnist_source("train", data_dir=synthetic_mnist.directory, cache_dir=tmp_path / "c")
    images, labels = synthetic_mnist.arrays["train"]
    out = list(batches(source, 8, seed=3, remainder="pad"))
    assert [b["image"].shape for b in out] == [(8, 28, 28, 1)] * 3
    assert all(isinstance(v, np.ndarray) for b in out for v in b.values())
    real = np.concatenate([b["image"][b["mask"]] for b in out])[..., 0]  # (20, 28, 28)
    # Each of the 20 examples exactly once among the real rows, whatever the order.
    order = [int(np.flatnonzero((images == img).all(axis=(1, 2)))[0]) for img in real]
    assert sorted(order) == list(range(20))
    np.testing.assert_array_equal(
        np.concatenate([b["label"][b["mask"]] for b in out]), labels[order]
    )


def test_tfds_data_source_by_name(synthetic_mnist, tmp_path):
    """The prepared data are an ordinary TFDS data set: tfds.data_source finds them by name."""
    builder = prepare_mnist(synthetic_mnist.directory, cache_dir=tmp_path / "cache")
    root = Path(builder.data_dir).parents[1]  # <cache>/<fingerprint>
    source = tfds.data_source("jaxnets_mnist", split="test", data_dir=root, download=False)
    np.testing.assert_array_equal(source[9]["image"][..., 0], synthetic_mnist.arrays["test"][0][9])


def test_load_dataset_mnist_from_parent_dir(synthetic_mnist, tmp_path):
    ds = load_dataset("mnist", data_dir=synthetic_mnist.directory.parent, cache_dir=tmp_path / "c")
    assert (ds.name, ds.num_classes, ds.input_shape, ds.input_key) == (
        "mnist",
        10,
        (28, 28, 1),
        "image",
    )
    for split, (images, labels) in zip(
        (ds.train, ds.test), (synthetic_mnist.arrays[s] for s in MNIST_FILES), strict=True
    ):
        assert set(split) == {"image", "label"}
        assert split["image"].dtype == np.float32 and split["label"].dtype == np.int32
        np.testing.assert_array_equal(split["image"][..., 0] * 255, images.astype(np.float32))
        np.testing.assert_array_equal(split["label"], labels)


def test_second_prepare_reuses_cache(synthetic_mnist, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first = prepare_mnist(synthetic_mnist.directory, cache_dir=cache)
    written = {p: p.stat().st_mtime_ns for p in Path(first.data_dir).iterdir()}

    def must_not_read(*args, **kwargs):
        raise AssertionError("the IDX files were read again instead of reusing the cache")

    monkeypatch.setattr(mnist_module, "read_mnist_split", must_not_read)
    second = prepare_mnist(synthetic_mnist.directory, cache_dir=cache)
    assert second.data_dir == first.data_dir
    assert {p: p.stat().st_mtime_ns for p in Path(second.data_dir).iterdir()} == written


def test_changed_files_get_a_fresh_cache(synthetic_mnist, tmp_path):
    cache = tmp_path / "cache"
    first = prepare_mnist(synthetic_mnist.directory, cache_dir=cache)
    images, _ = synthetic_mnist.arrays["test"]
    changed = images.copy()
    changed[0] = 255 - changed[0]
    write_file(
        synthetic_mnist.directory, STEMS["test"][0], idx_bytes(changed, 0x803), synthetic_mnist.gz
    )
    second = prepare_mnist(synthetic_mnist.directory, cache_dir=cache)
    assert second.data_dir != first.data_dir
    np.testing.assert_array_equal(second.as_data_source("test")[0]["image"][..., 0], changed[0])


def test_cache_dir_from_environment(synthetic_mnist, tmp_path, monkeypatch):
    monkeypatch.setenv("JAXNETS_CACHE_DIR", str(tmp_path / "env_cache"))
    monkeypatch.setenv("JAXNETS_DATA_DIR", str(synthetic_mnist.directory))
    builder = prepare_mnist()
    assert Path(builder.data_dir).is_relative_to(tmp_path / "env_cache")


def test_prepare_makes_no_network_calls(synthetic_mnist, tmp_path, monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    builder = prepare_mnist(synthetic_mnist.directory, cache_dir=tmp_path / "cache")
    assert len(builder.as_data_source("train")) == 20


def test_mnist_without_data_dir_says_how_to_give_one(monkeypatch):
    monkeypatch.delenv("JAXNETS_DATA_DIR", raising=False)
    with pytest.raises(ValueError, match="--data-dir") as info:
        load_dataset("mnist")
    assert "JAXNETS_DATA_DIR" in str(info.value)


# Content facts from /work/shared/data/README.md (md5 of each uncompressed IDX file) and the
# MNIST class frequencies.
REAL_MD5 = {
    "train": ("6bbc9ace898e44ae57da46a324031adb", "a25bea736e30d166cdddb491f175f624"),
    "test": ("2646ac647ad5339dbf082846283269ea", "27ae3e4e09519cfbb04c329615203637"),
}
REAL_LABEL_COUNTS = {
    "train": [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949],
    "test": [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009],
}


@pytest.mark.slow
def test_real_mnist(mnist_dir, tmp_path):
    cache = tmp_path / "cache"
    builder = prepare_mnist(mnist_dir, cache_dir=cache)
    for split, (images_md5, labels_md5) in REAL_MD5.items():
        raw = materialize(builder.as_data_source(split))
        images, labels = raw["image"][..., 0], raw["label"].astype(np.uint8)  # (N, 28, 28), (N,)
        # Re-encoding what came out of array_record reproduces the original files bit for bit:
        # every pixel and label survived, in the original order.
        assert hashlib.md5(idx_bytes(images, 0x803)).hexdigest() == images_md5
        assert hashlib.md5(idx_bytes(labels, 0x801)).hexdigest() == labels_md5
    ds = load_dataset("mnist", data_dir=mnist_dir.parent, cache_dir=cache)  # reuses the cache
    assert ds.train["image"].shape == (60_000, 28, 28, 1)
    assert ds.test["image"].shape == (10_000, 28, 28, 1)
    assert int(ds.train["label"][0]) == 5 and int(ds.test["label"][0]) == 7
    for split, counts in zip((ds.train, ds.test), REAL_LABEL_COUNTS.values(), strict=True):
        assert np.bincount(split["label"], minlength=10).tolist() == counts
        assert split["image"].min() == 0.0 and split["image"].max() == 1.0


def test_a_damaged_cache_is_prepared_again(synthetic_mnist, tmp_path, capsys):
    # Before: a byte flip in the array_record cache gave a raw RuntimeError, and every rerun
    # reused the damaged cache (its key hashes only the IDX files).
    cache = tmp_path / "cache"
    builder = prepare_mnist(synthetic_mnist.directory, cache_dir=cache)
    shard = next(Path(builder.data_dir).glob("*train.array_record*"))
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 0xFF
    shard.write_bytes(bytes(data))
    ds = load_dataset("mnist", data_dir=synthetic_mnist.directory, cache_dir=cache)
    assert "does not match its recorded hashes; preparing it again" in capsys.readouterr().err
    images, labels = synthetic_mnist.arrays["train"]
    np.testing.assert_array_equal(ds.train["image"][..., 0] * 255, images.astype(np.float32))
    np.testing.assert_array_equal(ds.train["label"], labels)


def test_an_interrupted_prepare_is_cleaned_up(synthetic_mnist, tmp_path, capsys):
    cache = tmp_path / "cache"
    builder = prepare_mnist(synthetic_mnist.directory, cache_dir=cache)
    leftover = Path(builder.data_dir).parent / "incomplete.abc123" / "1.0.0"
    leftover.mkdir(parents=True)
    (leftover / "shard").write_bytes(b"\0" * 1000)
    prepare_mnist(synthetic_mnist.directory, cache_dir=cache)
    assert not leftover.parent.exists()
    assert "removing an interrupted MNIST preparation" in capsys.readouterr().err


def test_files_declaring_zero_examples_are_one_clear_error(synthetic_mnist, tmp_path):
    for stem, magic, shape in zip(STEMS["test"], (0x803, 0x801), ((0, 28, 28), (0,)), strict=True):
        write_file(
            synthetic_mnist.directory,
            stem,
            idx_bytes(np.zeros(shape, np.uint8), magic),
            synthetic_mnist.gz,
        )
    with pytest.raises(IdxFormatError, match="declare zero examples"):
        prepare_mnist(synthetic_mnist.directory, cache_dir=tmp_path / "cache")
