"""The regularization experiment's claims: dropout narrows the train/test gap of an
over-parameterized MLP (lecture 002, Srivastava et al.); on the spiral more hidden units
fit the training set better and a stronger L2 penalty smooths the decision boundary
(lecture 003's 20-neuron example); early stopping keeps the best epoch (lecture 002)."""

import pytest

from experiments.regularization.main import main

pytestmark = pytest.mark.usefixtures("fast_compiles")


def test_dropout_narrows_the_gap_and_l2_smooths_the_spiral(tmp_path):
    record = main(["--quick", "--out", str(tmp_path)])
    r = record["results"]
    m = {x["label"]: x for x in r["dropout"]}

    def loss_gap(label):
        return m[label]["test_loss"] - m[label]["train_loss"]

    assert m["none"]["train_accuracy"] > m["none"]["test_accuracy"] + 0.03  # it overfits
    assert loss_gap("dropout 0.5") < 0.9 * loss_gap("none"), m
    cells = {(c["width"], c["l2"]): c for c in r["spiral"]}
    narrow, wide = min(record["config"]["widths"]), max(record["config"]["widths"])
    weak, strong = min(record["config"]["l2"]), max(record["config"]["l2"])
    assert cells[(wide, weak)]["train_accuracy"] > cells[(narrow, weak)]["train_accuracy"] + 0.1
    assert cells[(wide, strong)]["boundary"] < cells[(wide, weak)]["boundary"]
    stop = r["early_stopping"]["early stopping"]
    assert stop["best_epoch"] <= stop["epochs_run"]
    best_val = min(stop["val_curve"])
    assert stop["val_curve"][stop["best_epoch"] - 1] == best_val
