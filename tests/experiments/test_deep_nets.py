"""The deep-nets experiment's claim on a small budget: the 30-layer plain net trails the
residual and highway nets (lecture: plain deep nets fail to train at a step size the
shortcut nets take)."""

import json

import pytest

from experiments.deep_nets.main import main

pytestmark = pytest.mark.usefixtures("fast_compiles")


def test_quick_run_plain_trails_residual_and_highway(tmp_path):
    record = main(["--quick", "--out", str(tmp_path)])
    by_kind = {r["kind"]: r for r in record["results"]["kinds"]}
    assert list(by_kind) == ["plain", "residual", "highway"]
    steps = 3 * (1437 // 64)
    assert all(len(r["losses"]) == steps for r in by_kind.values())
    plain = by_kind["plain"]["test_accuracy"]
    assert by_kind["residual"]["test_accuracy"] > plain + 0.2, by_kind
    assert by_kind["highway"]["test_accuracy"] > plain + 0.2, by_kind
    assert (tmp_path / "loss_curves.png").stat().st_size > 0
    saved = json.loads((tmp_path / "results.json").read_text())
    assert saved["quick"] and saved["config"]["dataset"] == "digits"
