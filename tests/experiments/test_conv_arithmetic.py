"""The lectures' convolution arithmetic, as jaxnets' layers compute it (lectures 000, 001, 003).

The quick run applies the kernels to an 8x8 digit (no data needed); every number below is
the lecture's, so a change in Conv2D, max_pool, conv_output_size or AlexNet fails here.
"""

import pytest

from experiments.conv_arithmetic.claims import ALEXNET_TOLERANCE, CLAIMS
from experiments.conv_arithmetic.main import main

pytestmark = pytest.mark.usefixtures("fast_compiles")


@pytest.fixture(scope="module")
def record(tmp_path_factory):
    return main(["--quick", "--out", str(tmp_path_factory.mktemp("conv_arithmetic"))])


def test_worked_examples_match_the_lectures(record):
    r = record["results"]
    assert r["conv_example"]["output"] == [[12, 12, 17], [10, 17, 19], [9, 6, 14]]
    assert r["max_pool_example"]["output"] == [[4, 5], [3, 4]]
    for how in ("formula", "conv2d_layer"):  # conv_output_size and the layer agree
        sizes = r["output_sizes"][how]
        assert (sizes["1"], sizes["2"]) == (5, 3)
        assert "does not fit" in sizes["3"]
    assert r["six_filters"]["output"] == [28, 28, 6]
    assert (r["six_filters"]["weights_per_filter"], r["six_filters"]["params_per_filter"]) == (
        75,
        76,
    )
    assert r["alexnet_conv1"]["output"] == [55, 55, 96]
    assert r["alexnet_conv1"]["weights_per_filter"] == 363
    assert r["alexnet_conv1"]["params_per_filter"] == 364


def test_edge_detector_cost_against_a_dense_layer(record):
    e = record["results"]["edge_detector"]
    assert e["output_wh"] == [319, 280]
    assert e["conv_ops"] == 319 * 280 * 3
    assert e["dense_weights"] == 320 * 280 * 319 * 280
    # XLA counts a multiply-add as 2 flops: 319*280*2*2 = 357,280 for the convolution and
    # 2 * 320*280*319*280 = 16,006,144,000 for the dense layer (measured, equal).
    assert e["xla_conv_flops"] == 2 * 2 * 319 * 280
    assert e["xla_dense_flops"] == 2 * 320 * 280 * 319 * 280
    d = record["results"]["dense_equivalent"]
    h, w = d["image_hw"]
    assert d["matrix_shape"] == [h * (w - 1), h * w]
    assert d["nonzeros"] == 2 * h * (w - 1)  # two taps an output: the rest of the matrix is 0
    assert d["max_abs_diff"] < 1e-6


def test_alexnet_has_60_million_parameters(record):
    a = record["results"]["alexnet"]
    assert a["groups2_params"] == 60_965_224  # hand count in tests/models/test_alexnet.py
    assert abs(a["groups2_params"] / 60e6 - 1) < ALEXNET_TOLERANCE  # 1.016 measured
    rows = {row["layer"]: row for row in a["layers"]}
    assert rows["conv1"]["output"] == [55, 55, 96]
    assert rows["pool5"]["output"] == [6, 6, 256]
    assert sum(row["params"] for row in a["layers"]) == a["groups2_params"]


def test_kernels_do_what_their_names_say(record):
    k = {row["name"]: row for row in record["results"]["kernels"]}
    assert k["identity"]["max_abs_change"] == 0
    # Total variation of the output over the input's on the 8x8 digit (measured: box 0.69,
    # Gaussian 0.76, sharpen 3.77; on the 28x28 MNIST digit 0.71, 0.77, 3.83).
    assert k["box blur"]["tv_ratio"] < 0.9
    assert k["Gaussian blur"]["tv_ratio"] < 0.9
    assert k["sharpen"]["tv_ratio"] > 1.5
    for name, row in k.items():
        expected = 0.0 if name.startswith("edge") else 1.0  # the kernel's sum
        assert row["flat_response"] == pytest.approx(expected, abs=1e-6), name
    assert (record["results"]["edge_on_digit_hw"][1] + 1) == 8  # {-1, 1}: W - 1 columns


def test_every_claim_holds_on_the_quick_record(record):
    records = {"conv_arithmetic": record}
    for claim in CLAIMS:
        assert claim.holds(records), (claim.id, claim.measure(records))
