import json

from experiments.char_rnn.main import main


def test_quick_run_trains_samples_and_plots(tmp_path):
    summary = main(["--quick", "--out", str(tmp_path)])
    history = summary["history"]
    assert len(history) == 15  # evaluated after each of 15 epochs
    # Training lowers the held-out nats per character (padding excluded from the loss).
    assert history[-1]["test_loss"] < history[0]["test_loss"] - 0.3
    assert 0.0 <= summary["novel_fraction"] <= 1.0 and summary["num_samples"] > 0
    assert (tmp_path / "loss_curve.png").read_bytes()[:4] == b"\x89PNG"
    samples = (tmp_path / "samples.txt").read_text().split()
    assert samples and all(name.isalpha() and name.islower() for name in samples)
    assert json.loads((tmp_path / "metrics.json").read_text())["test_names"] > 0
