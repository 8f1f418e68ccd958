"""The initialization experiment's claims (lecture 000, after cs231n), on a (200, 100) input:
W ~ N(0, 1) saturates tanh layers (std near 1 at layer 10, most units at +-1); 0.01 N(0, 1)
collapses the activations toward 0 and the gradients with them; randn / sqrt(fan_in)
shrinks layer by layer as the lecture printed; He with ReLU holds the scale; W = 0 leaves
every hidden unit identical after training."""

import itertools

import pytest

from experiments.init_statistics.main import main

pytestmark = pytest.mark.usefixtures("fast_compiles")


def test_init_statistics_follow_the_lecture(tmp_path):
    record = main(["--quick", "--out", str(tmp_path)])
    schemes = {s["initializer"]: s["layers"] for s in record["results"]["schemes"]}
    normal, small = schemes["normal"], schemes["small_random"]
    fan_in, he = schemes["fan_in_normal"], schemes["he"]
    assert normal[-1]["std"] > 0.9 and normal[-1]["saturated"] > 0.5
    assert small[-1]["std"] < 1e-3 < small[0]["std"]
    assert small[-1]["grad_norm"] < 1e-4 * fan_in[-1]["grad_norm"]
    # Lecture: 0.628, 0.486, 0.408 for the first three layers.
    for layer, lecture in enumerate((0.628, 0.486, 0.408)):
        assert fan_in[layer]["std"] == pytest.approx(lecture, abs=0.03)
    stds = [r["std"] for r in fan_in]
    assert all(b < a for a, b in itertools.pairwise(stds))
    assert 0.5 < he[-1]["std"] / he[0]["std"] < 2.0
    zeros, small_random = record["results"]["symmetry"]
    assert zeros["distinct_units"] == [1, 1] and max(zeros["max_spread"]) == 0.0
    assert small_random["distinct_units"] == small_random["units_per_layer"]
    assert small_random["test_accuracy"] > zeros["test_accuracy"] + 0.3
