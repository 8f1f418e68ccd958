"""batches / num_batches: coverage, determinism, remainders and masks, errors."""

from __future__ import annotations

import numpy as np
import pytest

from jaxnets.data import batches, gather, materialize, num_batches
from jaxnets.data._batching import REMAINDERS


def make_split(n: int) -> dict[str, np.ndarray]:
    """Row i holds i everywhere, so a batch says which examples it carries."""
    return {
        "image": np.broadcast_to(np.arange(n, dtype=np.float32)[:, None, None, None], (n, 2, 2, 1)),
        "label": np.arange(n, dtype=np.int32),
    }


class ListSource:
    """A random-access source without __getitems__: only len and per-example getitem."""

    def __init__(self, split):
        self.split = split

    def __len__(self):
        return len(self.split["label"])

    def __getitem__(self, i):
        return {key: value[i] for key, value in self.split.items()}


def ids(batch_list):
    """Labels (= example ids) of the real rows of the batches, in order."""
    chunks = [b["label"][b["mask"]] if "mask" in b else b["label"] for b in batch_list]
    return np.concatenate([np.zeros(0, np.int32), *chunks])


@pytest.mark.parametrize("remainder", ["keep", "pad"])
@pytest.mark.parametrize("n, batch_size", [(10, 3), (12, 4), (5, 8), (1, 1)])
def test_every_example_once_per_epoch(n, batch_size, remainder):
    out = list(batches(make_split(n), batch_size, seed=1, epoch=2, remainder=remainder))
    assert sorted(ids(out).tolist()) == list(range(n))
    assert len(out) == num_batches(n, batch_size, remainder)


@pytest.mark.parametrize("n, batch_size", [(10, 3), (12, 4), (5, 8)])
def test_drop_keeps_full_batches_only(n, batch_size):
    out = list(batches(make_split(n), batch_size, seed=0, remainder="drop"))
    assert len(out) == n // batch_size == num_batches(n, batch_size, "drop")
    assert all(b["label"].shape == (batch_size,) for b in out)
    seen = ids(out)
    assert len(set(seen.tolist())) == len(seen) == (n // batch_size) * batch_size
    assert all("mask" not in b for b in out)


def test_keep_has_short_last_batch():
    sizes = [b["label"].shape[0] for b in batches(make_split(10), 4, remainder="keep")]
    assert sizes == [4, 4, 2]


def test_pad_fills_last_batch_and_masks_it():
    out = list(batches(make_split(10), 4, seed=5, remainder="pad"))
    assert [b["image"].shape for b in out] == [(4, 2, 2, 1)] * 3
    assert [b["mask"].tolist() for b in out] == [[True] * 4, [True] * 4, [True, True, False, False]]
    assert all(b["mask"].dtype == np.bool_ for b in out)
    # Padding repeats real examples (here the epoch's first two), so padded rows are valid input.
    np.testing.assert_array_equal(out[2]["label"][2:], out[0]["label"][:2])
    np.testing.assert_array_equal(out[2]["image"][:, 0, 0, 0], out[2]["label"])


def test_pad_smaller_than_one_batch():
    (batch,) = batches(make_split(3), 8, shuffle=False, remainder="pad")
    assert batch["label"].tolist() == [0, 1, 2, 0, 1, 2, 0, 1]
    assert batch["mask"].tolist() == [True] * 3 + [False] * 5


def test_shuffle_is_deterministic_in_seed_and_epoch():
    split = make_split(50)

    def order(**kwargs):
        return ids(batches(split, 10, **kwargs)).tolist()

    assert order(seed=0, epoch=0) == order(seed=0, epoch=0)
    assert order(seed=0, epoch=0) != order(seed=0, epoch=1)
    assert order(seed=0, epoch=0) != order(seed=1, epoch=0)
    # seed and epoch are not merely added together.
    assert order(seed=1, epoch=0) != order(seed=0, epoch=1)
    assert order(seed=None, epoch=3) == order(seed=0, epoch=3)
    assert order(seed=0, epoch=0) != list(range(50))
    assert order(seed=7, shuffle=False) == list(range(50))


def test_source_and_dict_give_the_same_batches():
    split = make_split(11)
    from_dict = list(batches(split, 4, seed=2, epoch=1, remainder="pad"))
    from_source = list(batches(ListSource(split), 4, seed=2, epoch=1, remainder="pad"))
    assert len(from_dict) == len(from_source) == 3
    for a, b in zip(from_dict, from_source, strict=True):
        assert a.keys() == b.keys()
        for key in a:
            np.testing.assert_array_equal(a[key], b[key])
            assert a[key].dtype == b[key].dtype


def test_gather_and_materialize_on_source():
    split = make_split(7)
    batch = gather(ListSource(split), np.array([6, 0, 3]))
    assert batch["label"].tolist() == [6, 0, 3] and batch["image"].shape == (3, 2, 2, 1)
    whole = materialize(ListSource(split), chunk_size=3)
    np.testing.assert_array_equal(whole["image"], split["image"])


@pytest.mark.parametrize(
    "n, batch_size, expected", [(10, 3, (3, 4, 4)), (12, 4, (3, 3, 3)), (0, 5, (0, 0, 0))]
)
def test_num_batches(n, batch_size, expected):
    assert tuple(num_batches(n, batch_size, r) for r in ("drop", "pad", "keep")) == expected


def test_empty_split_yields_nothing():
    assert list(batches({"label": np.zeros(0, np.int32)}, 4, remainder="pad")) == []


@pytest.mark.parametrize("batch_size", [0, -2, 2.5])
def test_bad_batch_size(batch_size):
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        next(batches(make_split(4), batch_size))
    with pytest.raises(ValueError, match="batch_size"):
        num_batches(4, batch_size)


def test_bad_remainder():
    with pytest.raises(ValueError, match="remainder must be one of") as info:
        next(batches(make_split(4), 2, remainder="truncate"))
    assert all(r in str(info.value) for r in REMAINDERS)


def test_inconsistent_lengths():
    split = {"image": np.zeros((5, 2)), "label": np.zeros(4, np.int32)}
    with pytest.raises(ValueError, match="inconsistent array lengths"):
        next(batches(split, 2))


def test_not_a_source():
    with pytest.raises(TypeError, match="random-access source"):
        next(batches(42, 2))
