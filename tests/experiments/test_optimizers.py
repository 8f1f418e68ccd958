"""The optimizer race's claims (lectures 000 and 004, cs231n's "race of the optimizers"):
momentum and Nesterov average gradients and run down a long valley faster than SGD;
AdaGrad, RMSprop and Adam rescale per parameter and leave a saddle faster than SGD."""

import pytest

from experiments.optimizers.main import main

pytestmark = pytest.mark.usefixtures("fast_compiles")


def test_momentum_wins_the_valley_and_adaptive_rates_escape_the_saddle(tmp_path):
    record = main(["--quick", "--out", str(tmp_path)])
    r = record["results"]
    valley = {x["name"]: x for x in r["surfaces"]["valley"]}
    saddle = {x["name"]: x for x in r["surfaces"]["saddle"]}
    for name in ("momentum", "nesterov"):
        assert valley[name]["final_loss"] < 0.2 * valley["sgd"]["final_loss"], valley
    sgd_steps = saddle["sgd"]["steps_to_min"]
    for name in ("adagrad_lecture", "rmsprop", "adam"):
        assert saddle[name]["steps_to_min"] is not None
        assert sgd_steps is None or saddle[name]["steps_to_min"] < sgd_steps, saddle
    # Every optimizer's best rate trains the MLP well past chance in one epoch.
    assert all(m["test_accuracy"] > 0.7 for m in r["mlp"]), r["mlp"]
    assert {m["schedule"] for m in r["robbins_monro"]} == {"constant", "robbins_monro"}
