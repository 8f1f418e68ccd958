"""Smoke test of experiments/deep_nets: a few steps on the embedded digits data."""

import json

from experiments.deep_nets.main import main


def test_quick_run_writes_curves_and_results(tmp_path):
    results = main(["--quick", "--steps", "25", "--depth", "6", "--out", str(tmp_path)])
    assert [r["kind"] for r in results] == ["plain", "residual", "highway"]
    assert all(len(r["losses"]) == 25 for r in results)
    assert (tmp_path / "loss_curves.png").stat().st_size > 0
    saved = json.loads((tmp_path / "results.json").read_text())
    assert saved["config"]["dataset"] == "digits" and saved["config"]["depth"] == 6
    assert all(0.0 <= r["test_accuracy"] <= 1.0 for r in saved["results"])
