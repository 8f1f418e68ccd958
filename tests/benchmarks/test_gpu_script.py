"""benchmarks/gpu.sh on its CPU code path (``--platform cpu --quick``), and its README block."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.gpu_report import BEGIN, END, replace_block

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_cpu_quick_run_writes_both_results_and_the_section(tmp_path, mnist_dir):
    env = {**os.environ, "PYTHON": sys.executable, "JAXNETS_DATA_DIR": str(mnist_dir)}
    args = ["--platform", "cpu", "--quick", "--models", "mlp", "--out", str(tmp_path)]
    done = subprocess.run(
        ["bash", str(ROOT / "benchmarks/gpu.sh"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    throughput = json.loads((tmp_path / "gpu_throughput_cpu_quick.json").read_text())
    speedrun = json.loads((tmp_path / "gpu_speedrun_cpu_quick.json").read_text())
    assert {r["path"] for r in throughput["rows"]} >= {"jit", "scan"}
    assert {r["model"] for r in throughput["rows"]} == {"mlp"}
    assert speedrun["machine"]["backend"] == "cpu"
    # The quick target is 50%: one epoch on 4,096 digits reaches it (measured 82.5%), and the
    # clock stops at the first epoch that does.
    assert speedrun["epochs_to_target"] == len(speedrun["epochs"])
    reached = speedrun["epochs"][-1]
    assert reached["test_accuracy"] >= speedrun["target"]
    assert speedrun["seconds_to_target"] == reached["train_s"] > 0
    assert "MNIST speed run (LeNet-5, 61,706 params" in done.stdout


def test_bad_platform_is_refused_before_any_work(tmp_path):
    done = subprocess.run(
        ["bash", str(ROOT / "benchmarks/gpu.sh"), "--platform", "tpu", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "--platform must be gpu or cpu, got 'tpu'" in done.stderr
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize(
    "text, ok",
    [
        (f"a\n{BEGIN}\nold\n{END}\nb\n", True),
        ("no markers\n", False),
        (f"{END}\n{BEGIN}\n", False),
        (f"{BEGIN}\n{END}\n{BEGIN}\n{END}\n", False),
    ],
)
def test_readme_block_is_replaced_only_between_one_pair_of_markers(text, ok):
    if ok:
        assert replace_block(text, "new") == f"a\n{BEGIN}\nnew\n{END}\nb\n"
    else:
        with pytest.raises(ValueError, match="needs one"):
            replace_block(text, "new")


def test_the_committed_readme_has_the_gpu_block():
    text = (ROOT / "benchmarks/README.md").read_text()
    assert replace_block(text, "x").count(BEGIN) == 1
