"""The lectures' worked numbers, as the library computes them (lectures 000, 001, 003)."""

import math

import pytest

from experiments.worked_examples.main import main

pytestmark = pytest.mark.usefixtures("fast_compiles")


def test_worked_examples_match_the_lectures(tmp_path):
    r = main(["--out", str(tmp_path)])["results"]
    assert r["conv_output"] == [[12, 12, 17], [10, 17, 19], [9, 6, 14]]
    assert r["max_pool_output"] == [[4, 5], [3, 4]]
    assert (r["output_size_stride1"], r["output_size_stride2"]) == (5, 3)
    assert "does not fit" in r["output_size_stride3"]
    assert r["six_5x5x3_filters_on_32x32x3"] == [28, 28, 6]
    assert r["params_per_5x5x3_filter"] == 75 + 1
    assert r["alexnet_conv1_shape"] == [55, 55, 96]
    assert r["alexnet_conv1_params_per_filter"] == 363 + 1
    assert r["edge_kernel_320x280_output_hw"] == [280, 319]
    assert (r["mlp_3_4_2_params"], r["mlp_3_4_4_1_params"]) == (26, 41)
    assert (r["autoencoder_params"], r["deep_autoencoder_params"]) == (50_992, 222_384)
    for ours, lecture in zip(r["autodiff_grad"], r["lecture_grad"], strict=True):
        assert math.isclose(ours, lecture, rel_tol=1e-5)
    assert r["softmax_vs_sigmoid_max_diff"] < 1e-6 and r["tanh_vs_scaled_sigmoid_max_diff"] < 1e-6
    assert r["hello_prediction"] == "ello"
