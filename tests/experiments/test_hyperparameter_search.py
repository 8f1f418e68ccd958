"""Bergstra and Bengio (2012) on the digits: when only the learning rate matters, 9 random
trials try 9 learning rates where a 3 x 3 grid tries 3, and find a lower validation error."""

import pytest

from experiments.hyperparameter_search.main import main

pytestmark = pytest.mark.usefixtures("fast_compiles")


def test_random_beats_grid_when_one_hyperparameter_matters(tmp_path):
    record = main(["--quick", "--out", str(tmp_path)])
    summary = record["results"]["summary"]
    grid, rnd = summary["grid"], summary["random"]
    assert grid["distinct_lr"] == 3 and rnd["distinct_lr"] == 9
    assert rnd["median_best"] < grid["median_best"] - 0.02
    runs = record["results"]["runs"]
    grid_run = next(r for r in runs if r["strategy"] == "grid")
    assert len(grid_run["values"]) == 9 and len(set(grid_run["wd"])) == 3
    for name in record["figures"]:
        assert (tmp_path / name).stat().st_size > 0
