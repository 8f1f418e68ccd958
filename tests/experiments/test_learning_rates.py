"""The learning-rate sketch (lecture 004 / cs231n) in its direction: the good rate ends
lowest; the low one learns slowly; the divergent one drives the loss above where it began."""

import pytest

from experiments.learning_rates.main import main

pytestmark = pytest.mark.usefixtures("fast_compiles")


def test_loss_curves_follow_the_lecture_sketch(tmp_path):
    record = main(["--quick", "--out", str(tmp_path)])
    m = {x["label"]: x for x in record["results"]["members"]}
    good = m["good"]["final_loss"]
    assert good < m["too low"]["final_loss"] - 0.3  # too low: slow progress
    assert good < m["too high"]["final_loss"]
    assert m["too low"]["final_loss"] < m["too low"]["initial_loss"]  # slow, but downhill
    divergent = m["divergent"]
    assert divergent["max_loss"] > 10 * divergent["initial_loss"]
    assert divergent["final_loss"] > divergent["initial_loss"]
    assert m["good"]["test_accuracy"] > 0.85 > m["divergent"]["test_accuracy"]
