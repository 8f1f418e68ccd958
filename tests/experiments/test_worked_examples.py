"""The lectures' worked numbers, as the library computes them (lectures 000, 001, 003)."""

import math

import pytest

from experiments.worked_examples.main import main

pytestmark = pytest.mark.usefixtures("fast_compiles")


def test_worked_examples_match_the_lectures(tmp_path):
    r = main(["--out", str(tmp_path)])["results"]
    assert (r["mlp_3_4_2_params"], r["mlp_3_4_4_1_params"]) == (26, 41)
    assert (r["autoencoder_params"], r["deep_autoencoder_params"]) == (50_992, 222_384)
    for ours, lecture in zip(r["autodiff_grad"], r["lecture_grad"], strict=True):
        assert math.isclose(ours, lecture, rel_tol=1e-5)
    assert r["softmax_vs_sigmoid_max_diff"] < 1e-6 and r["tanh_vs_scaled_sigmoid_max_diff"] < 1e-6
