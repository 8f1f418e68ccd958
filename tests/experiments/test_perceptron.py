"""The perceptron experiment's claims (lecture 000): the perceptron rule converges on
linearly separable data and cycles on XOR; XOR becomes separable under the feature map
[x1, x2, x1 x2] and is solved by one hidden layer."""

import pytest

from experiments.perceptron.main import main

pytestmark = pytest.mark.usefixtures("fast_compiles")


def test_rule_converges_on_separable_data_and_cycles_on_xor(tmp_path):
    record = main(["--quick", "--out", str(tmp_path)])
    r = record["results"]
    epochs = record["config"]["epochs"]
    assert r["separable"]["converged"] and r["separable"]["final_accuracy"] == 1.0
    # XOR: a mistake in every pass, and the weights keep revisiting a few vectors (a cycle).
    assert not r["xor"]["converged"]
    assert min(r["xor"]["mistakes"]) >= 1 and len(r["xor"]["mistakes"]) == epochs
    assert r["xor"]["distinct_weights"] < epochs // 2
    assert r["xor"]["final_accuracy"] <= 0.75
    assert r["xor_feature_map"]["converged"] and r["xor_feature_map"]["final_accuracy"] == 1.0
    assert r["xor_hidden_layer"]["predictions"] == [0, 1, 1, 0]
    assert (tmp_path / "perceptron.png").read_bytes()[:4] == b"\x89PNG"
