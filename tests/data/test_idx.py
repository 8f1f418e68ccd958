"""IDX validation: every malformed file gives an error naming that file and the problem."""

from __future__ import annotations

import time

import numpy as np
import pytest

from jaxnets.data import IdxFormatError, MnistFilesMissingError, prepare_mnist, read_idx
from jaxnets.data._idx import IMAGES_MAGIC, LABELS_MAGIC, read_mnist_split, resolve_mnist_dir
from tests.data._synthetic import STEMS, idx_bytes, write_file, write_synthetic_mnist

TRAIN_IMAGES, TRAIN_LABELS = STEMS["train"]
TEST_IMAGES, TEST_LABELS = STEMS["test"]


def _bad_magic(sm):
    images, _ = sm.arrays["train"]
    write_file(sm.directory, TRAIN_IMAGES, idx_bytes(images, LABELS_MAGIC)[:8], sm.gz)
    return TRAIN_IMAGES, "bad magic number 0x00000801"


def _labels_magic(sm):
    _, labels = sm.arrays["test"]
    write_file(sm.directory, TEST_LABELS, idx_bytes(labels, IMAGES_MAGIC), sm.gz)
    return TEST_LABELS, "bad magic number 0x00000803 (that is an IDX image file)"


def _wrong_dims(sm):
    write_file(sm.directory, TEST_IMAGES, idx_bytes(np.zeros((10, 28, 27), np.uint8), 0x803), sm.gz)
    return TEST_IMAGES, "images are 28x27, expected 28x28"


def _count_mismatch(sm):
    _, labels = sm.arrays["train"]
    write_file(sm.directory, TRAIN_LABELS, idx_bytes(labels[:19], 0x801), sm.gz)
    return TRAIN_LABELS, "20 images but"


def _truncated_data(sm):
    images, _ = sm.arrays["train"]
    write_file(sm.directory, TRAIN_IMAGES, idx_bytes(images, 0x803)[:-100], sm.gz)
    return TRAIN_IMAGES, "truncated"


def _truncated_header(sm):
    write_file(sm.directory, TEST_IMAGES, IMAGES_MAGIC.to_bytes(4, "big") + b"\0\0", sm.gz)
    return TEST_IMAGES, "truncated header"


def _trailing_bytes(sm):
    _, labels = sm.arrays["test"]
    write_file(sm.directory, TEST_LABELS, idx_bytes(labels, 0x801) + b"\0\0\0", sm.gz)
    return TEST_LABELS, "3 unexpected trailing bytes"


def _label_out_of_range(sm):
    _, labels = sm.arrays["train"]
    labels = labels.copy()
    labels[7] = 10
    write_file(sm.directory, TRAIN_LABELS, idx_bytes(labels, 0x801), sm.gz)
    return TRAIN_LABELS, "label 10 at index 7"


CORRUPTIONS = [
    _bad_magic,
    _labels_magic,
    _wrong_dims,
    _count_mismatch,
    _truncated_data,
    _truncated_header,
    _trailing_bytes,
    _label_out_of_range,
]


@pytest.mark.parametrize("corrupt", CORRUPTIONS, ids=lambda f: f.__name__.strip("_"))
def test_builder_reports_bad_file(synthetic_mnist, tmp_path, corrupt):
    stem, problem = corrupt(synthetic_mnist)
    cache = tmp_path / "cache"
    with pytest.raises(IdxFormatError) as info:
        prepare_mnist(synthetic_mnist.directory, cache_dir=cache)
    message = str(info.value)
    assert str(synthetic_mnist.path(stem)) in message
    assert problem in message
    # Validation runs before writing: nothing prepared, no half-written split left behind.
    assert not list(cache.rglob("*.array_record*"))


def test_count_mismatch_names_both_files(synthetic_mnist):
    _count_mismatch(synthetic_mnist)
    with pytest.raises(IdxFormatError, match="count mismatch") as info:
        read_mnist_split(synthetic_mnist.directory, "train")
    assert str(synthetic_mnist.path(TRAIN_IMAGES)) in str(info.value)
    assert str(synthetic_mnist.path(TRAIN_LABELS)) in str(info.value)


def test_truncated_gzip_stream(tmp_path):
    sm = write_synthetic_mnist(tmp_path, gz=True)
    path = sm.path(TRAIN_IMAGES)
    path.write_bytes(path.read_bytes()[:-50])
    with pytest.raises(IdxFormatError, match="truncated gzip stream") as info:
        read_idx(path, IMAGES_MAGIC)
    assert str(path) in str(info.value)


def test_not_gzip(tmp_path):
    path = tmp_path / (TRAIN_LABELS + ".gz")
    path.write_bytes(idx_bytes(np.zeros(3, np.uint8), LABELS_MAGIC))  # raw bytes behind .gz
    with pytest.raises(IdxFormatError, match="not a valid gzip file"):
        read_idx(path, LABELS_MAGIC)


@pytest.mark.parametrize("gz", [True, False], ids=["gz", "raw"])
def test_read_idx_round_trip(tmp_path, gz):
    images = np.random.default_rng(1).integers(0, 256, size=(3, 28, 28), dtype=np.uint8)
    path = write_file(tmp_path, TRAIN_IMAGES, idx_bytes(images, IMAGES_MAGIC), gz)
    np.testing.assert_array_equal(read_idx(path, IMAGES_MAGIC), images)
    # The file on disk really is in the format under test (gzip's magic is 1f 8b).
    assert path.read_bytes()[:2] == (b"\x1f\x8b" if gz else b"\0\0")


def test_missing_one_file_is_named(synthetic_mnist, tmp_path):
    synthetic_mnist.path(TEST_LABELS).unlink()
    with pytest.raises(MnistFilesMissingError) as info:
        prepare_mnist(synthetic_mnist.directory, cache_dir=tmp_path / "cache")
    message = str(info.value)
    assert "1 of the 4 IDX files missing" in message
    assert TEST_LABELS in message and TRAIN_LABELS not in message
    assert str(synthetic_mnist.directory) in message


def test_no_files_fails_fast_without_network(tmp_path, monkeypatch):
    """An offline machine with no files gets the fix at once, not DNS retries."""
    import socket

    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network disabled by the test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    empty = tmp_path / "data"
    empty.mkdir()
    start = time.perf_counter()
    with pytest.raises(MnistFilesMissingError) as info:
        prepare_mnist(empty, cache_dir=tmp_path / "cache")
    assert time.perf_counter() - start < 5.0
    assert attempts == []
    message = str(info.value)
    for stems in STEMS.values():
        for stem in stems:
            assert stem in message
    assert str(empty) in message
    assert "JAXNETS_DATA_DIR" in message and "--data-dir" in message


def test_resolve_accepts_parent_with_mnist_subdir(synthetic_mnist):
    parent = synthetic_mnist.directory.parent
    assert resolve_mnist_dir(parent) == synthetic_mnist.directory
    assert resolve_mnist_dir(synthetic_mnist.directory) == synthetic_mnist.directory


def test_partial_files_in_parent_are_reported_there(tmp_path):
    """Files next to an unrelated mnist/ folder: the report points at where the files are."""
    sm = write_synthetic_mnist(tmp_path, gz=False)
    sm.path(TRAIN_IMAGES).unlink()
    (tmp_path / "mnist").mkdir()
    with pytest.raises(MnistFilesMissingError, match=TRAIN_IMAGES) as info:
        resolve_mnist_dir(tmp_path)
    assert f"missing in {tmp_path}:" in str(info.value)
