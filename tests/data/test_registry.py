"""load_dataset and the Dataset record, table-driven over the data sets that need no files."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from jaxnets.data import DATASETS, Dataset, batches, load_dataset

EXPECTED = {
    # name: (train N, test N, num_classes, input_shape, input_key)
    "digits": (1437, 360, 10, (8, 8, 1), "image"),
    "spiral": (240, 60, 3, (2,), "x"),
}


def test_registry_names():
    assert DATASETS == ("mnist", "digits", "spiral", "names")


def test_unknown_name_lists_known():
    with pytest.raises(ValueError, match="unknown data set 'cifar'") as info:
        load_dataset("cifar")
    assert all(name in str(info.value) for name in DATASETS)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_dataset_contract(name):
    n_train, n_test, num_classes, input_shape, input_key = EXPECTED[name]
    ds = load_dataset(name, seed=0)
    assert isinstance(ds, Dataset) and ds.name == name
    assert (ds.num_classes, ds.input_shape, ds.input_key) == (num_classes, input_shape, input_key)
    for split, n in ((ds.train, n_train), (ds.test, n_test)):
        assert set(split) == {input_key, "label"}
        assert split[input_key].shape == (n, *input_shape)
        assert split[input_key].dtype == np.float32 and split["label"].dtype == np.int32
        assert set(np.unique(split["label"]).tolist()) == set(range(num_classes))
    with pytest.raises(dataclasses.FrozenInstanceError):
        ds.name = "other"
    # Goes through the common batching path.
    batch = next(batches(ds.train, 32, seed=0))
    assert batch[input_key].shape == (32, *input_shape)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_changes_split(name):
    key = EXPECTED[name][-1]
    same = load_dataset(name, seed=0).test[key], load_dataset(name, seed=0).test[key]
    np.testing.assert_array_equal(*same)
    assert not np.array_equal(same[0], load_dataset(name, seed=1).test[key])
