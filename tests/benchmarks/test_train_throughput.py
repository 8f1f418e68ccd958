"""Smoke test of benchmarks/train_throughput.py: a --quick run and its JSON schema."""

import importlib.util
import json

import pytest

from benchmarks._cases import QUICK, dense_params, train_flops_per_sample
from benchmarks.train_throughput import (
    ALL_PATHS,
    BEGIN,
    END,
    check_targets,
    finalize,
    main,
    render,
)

HAS_TORCH = importlib.util.find_spec("torch") is not None
NO_TORCH = "torch is a benchmark-only extra (pip install -e .[bench]), not installed here"
ROW_KEYS = {
    "model",
    "batch",
    "path",
    "samples_per_s",
    "torch_samples_per_s",
    "ratio",
    "compile_ratio",
    "mfu",
    "compile_s",
}


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """One quick run of the MLP through every path (the pmap/sharded ones in a subprocess)."""
    out = tmp_path_factory.mktemp("bench") / "throughput.json"
    returned = main(["--quick", "--models", "mlp", "--json", str(out)])
    return returned, json.loads(out.read_text())


@pytest.mark.slow
def test_quick_run_writes_the_json_schema(quick_run):
    returned, written = quick_run
    assert written["rows"] == returned["rows"]
    machine = written["machine"]
    assert machine["cpu_count"] >= 1 and machine["quick"] is True
    assert machine["matmul_peak_gflops"] > 0
    assert len(machine["load_avg_start"]) == 3 and len(machine["load_avg_end"]) == 3
    assert machine["jax_device_count_pmap_sharded"] == 2  # the subprocess's fake devices
    jax_paths = {r["path"] for r in written["rows"] if not r["path"].startswith("torch")}
    assert jax_paths == {"jit", "scan", "pmap", "sharded"}
    for row in written["rows"]:
        assert set(row) == ROW_KEYS
        assert (row["model"], row["batch"]) == ("mlp", 16)
        assert row["path"] in ALL_PATHS
        assert row["samples_per_s"] > 0 and row["compile_s"] >= 0
        assert 0 < row["mfu"] < 1
    assert written["diagnostics"]["jax_noop_dispatch_us"] > 0


@pytest.mark.slow
def test_quick_run_compares_with_torch_eager(quick_run):
    if not HAS_TORCH:
        pytest.skip(NO_TORCH)
    _, written = quick_run
    rows = {r["path"]: r for r in written["rows"]}
    assert "torch_compile" not in rows  # compiling costs ~10 s a model: off in --quick
    eager = rows["torch"]["samples_per_s"]
    assert rows["torch"]["ratio"] == pytest.approx(1.0)
    for path in ("jit", "scan", "pmap", "sharded"):
        assert rows[path]["torch_samples_per_s"] == eager
        assert rows[path]["ratio"] == pytest.approx(rows[path]["samples_per_s"] / eager)
    assert written["machine"]["torch_threads"] == written["machine"]["cpu_count"]


def test_flops_per_sample_follow_the_issue_convention():
    # MLP 784-512-512-10: 784*512 + 512 + 512*512 + 512 + 512*10 + 10 = 669,706 parameters.
    assert dense_params((512, 512, 10), 784) == 669_706
    # Quick MLP 784-32-32-10: 784*32 + 32 + 32*32 + 32 + 32*10 + 10 = 26,506; 6 FLOPs each.
    assert train_flops_per_sample("mlp", QUICK) == 6 * 26_506
    # LeNet-5: 6 x (117,600 + 240,000 + 58,920) multiply-adds (see _cases.lenet_macs).
    assert train_flops_per_sample("lenet5", QUICK) == 6 * 416_520


@pytest.mark.parametrize("torch_rate", [2000.0, None])
def test_finalize_fills_ratio_and_mfu(torch_rate):
    rows = [{"model": "mlp", "batch": 16, "path": "jit", "samples_per_s": 5000.0, "compile_s": 1}]
    if torch_rate is not None:
        rows.append({**rows[0], "path": "torch", "samples_per_s": torch_rate})
    peak = 100.0  # GFLOP/s
    done = {r["path"]: r for r in finalize(rows, QUICK, peak)}
    jit = done["jit"]
    assert jit["mfu"] == pytest.approx(6 * 26_506 * 5000.0 / (peak * 1e9))
    if torch_rate is None:  # no torch: no baseline, no ratio, no ratio target
        assert jit["torch_samples_per_s"] is None and jit["ratio"] is None
        assert check_targets([{**jit, "batch": 32}]) == []
    else:
        assert jit["ratio"] == pytest.approx(2.5)
        target = check_targets([{**jit, "batch": 32}])[0]  # the MLP batch-32 target: 2.0x
        assert target["met"] and target["path"] == "jit"
        assert check_targets([{**jit, "batch": 32, "ratio": 1.9}])[0]["met"] is False


def test_render_writes_rows_and_verdicts_from_the_json(tmp_path):
    rows = [
        {"model": "mlp", "batch": 32, "path": p, "samples_per_s": v, "compile_s": 0.5}
        for p, v in (("jit", 30_000.0), ("torch", 15_000.0), ("torch_compile", 20_000.0))
    ]
    rows = finalize(rows, QUICK, 100.0)
    machine = {
        "date_utc": "2026-12-01T00:00:00+00:00",
        "cpu": "test cpu",
        "cpu_count": 2,
        "jax": "x",
        "torch": "y",
        "torch_threads": 2,
        "load_avg_start": [0.5, 0, 0],
        "load_avg_end": [1.5, 0, 0],
        "matmul_peak_gflops": 100.0,
    }
    result = {"machine": machine, "rows": rows, "targets": check_targets(rows)}
    readme = tmp_path / "README.md"
    readme.write_text(f"# b\n\n{BEGIN}\nold\n{END}\n\nafter\n")
    render(result, readme)
    render(result, readme)  # idempotent
    text = readme.read_text()
    assert text.count(BEGIN) == 1 and text.endswith("after\n") and "old" not in text
    assert "| mlp | 32 | jit | 30,000 | 15,000 | 2.00x | 1.50x |" in text
    # 2.00x over eager meets the 2.0x target; 1.50x over torch.compile meets >= 1.0x.
    assert (
        "| mlp | 32 | >= 2.0x over PyTorch eager | 2.00x over PyTorch eager | jit | met |" in text
    )
    assert (
        "| mlp | 32 | >= 1.0x over torch.compile | 1.50x over torch.compile | jit | met |" in text
    )
