"""The activations experiment's claims (lectures 001, 002, 004): deep sigmoid nets barely
learn because their gradients vanish toward the input (a chain of factors sigma' <= 1/4);
ReLU-family nets keep the gradient's scale through the layers and train; a residual ReLU
net keeps it too; some ReLU units die."""

import pytest

from experiments.activations.main import main

pytestmark = pytest.mark.usefixtures("fast_compiles")


def test_sigmoid_gradients_vanish_while_relu_trains(tmp_path):
    record = main(["--quick", "--out", str(tmp_path)])
    v = {x["label"]: x for x in record["results"]["variants"]}

    def ratio(name):  # first layer's gradient norm over the output layer's, at step 0
        g = v[name]["grad_norms_before"]
        return g[0] / g[-1]

    assert ratio("sigmoid") < 1e-3 * ratio("relu")
    assert ratio("residual relu") > 0.1 and ratio("relu") > 0.1
    assert v["sigmoid"]["final_loss"] > 2.0  # ln 10 = 2.30: it has barely moved
    for name in ("relu", "leaky_relu", "prelu", "tanh", "residual relu"):
        assert v[name]["final_loss"] < v["sigmoid"]["final_loss"] - 1.0, (name, v[name])
        assert v[name]["test_accuracy"] > v["sigmoid"]["test_accuracy"] + 0.4
    assert v["relu"]["units_after"]["dead"] > 0.0
