"""The char-RNN's quick run: training lowers the held-out nats per character (lecture 003:
an RNN on names learns to predict the next character and samples new names)."""

import json

import pytest

from experiments.char_rnn.main import main

pytestmark = pytest.mark.usefixtures("fast_compiles")


def test_quick_run_lowers_heldout_loss_and_samples_names(tmp_path):
    record = main(["--quick", "--out", str(tmp_path)])
    results = record["results"]
    history = results["history"]
    assert len(history) == 15  # evaluated after each of 15 epochs
    # Training lowers the held-out nats per character (padding excluded from the loss).
    assert history[-1]["test_loss"] < history[0]["test_loss"] - 0.3
    assert 0.0 <= results["novel_fraction"] <= 1.0 and results["num_samples"] > 0
    assert (tmp_path / "loss_curve.png").read_bytes()[:4] == b"\x89PNG"
    samples = (tmp_path / "samples.txt").read_text().split()
    assert samples and all(name.isalpha() and name.islower() for name in samples)
    assert json.loads((tmp_path / "results.json").read_text())["results"]["test_names"] > 0
