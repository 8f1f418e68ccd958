"""Smoke test of benchmarks/conv.py: a --quick run (batch 4), its JSON, its README section."""

import importlib.util
import json

import pytest

from benchmarks.conv import BEGIN, END, IMPLS, LAYERS, main, markdown, render
from tests.tolerances import tol

HAS_TORCH = importlib.util.find_spec("torch") is not None
KINDS = {"fwd", "fwd+wgrad", "fwd+wgrad+xgrad"}


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "conv.json"
    returned = main(["--quick", "--json", str(out)])
    return returned, json.loads(out.read_text())


@pytest.mark.slow
def test_quick_run_times_every_impl_and_agrees_with_xla(quick_run):
    returned, written = quick_run
    assert written["ops"] == returned["ops"]
    impls = set(IMPLS) | ({"torch"} if HAS_TORCH else set())
    timed = {(r["layer"], r["impl"], r["kind"]) for r in written["ops"]}
    assert timed == {(layer, i, k) for layer in LAYERS for i in impls for k in KINDS}
    assert all(r["ms"] > 0 for r in written["ops"])
    steps = {r["impl"] for r in written["train_step"]}
    assert {"xla/xla", "toeplitz/toeplitz"} <= steps and ("torch" in steps) == HAS_TORCH
    assert {r["impl"] for r in written["scan_epoch"]} == {"xla/xla", "toeplitz/toeplitz"}
    # The rule table: both impls timed per shape, and what "auto" picks there on CPU.
    assert [r["shape"] for r in written["rule"]] == ["LeNet-5 C1", "LeNet-5 C3"]
    assert all(r["xla_ms"] > 0 and r["toeplitz_ms"] > 0 for r in written["rule"])
    assert {r["auto_on_cpu"] for r in written["rule"]} == {"toeplitz"}
    # Every impl computes what lax.conv_general_dilated does (float32, relative to the scale).
    diffs = written["max_rel_diff_from_xla"]
    assert set(diffs["ops"]) == {f"{layer}/{i}" for layer in LAYERS for i in IMPLS[1:]}
    for value in [*diffs["ops"].values(), *diffs["lenet_logits"].values()]:
        assert value < tol("float32", "exact")
    load = written["load_1min_during"]
    assert 0 <= load["min"] <= load["median"] <= load["max"]
    assert len(written["machine"]["load_avg_start"]) == 3


@pytest.mark.slow
def test_render_replaces_only_its_section(quick_run, tmp_path):
    _, written = quick_run
    readme = tmp_path / "README.md"
    readme.write_text("# benchmarks\n\nothers' table\n")
    render(written, readme)
    render(written, readme)  # idempotent: one section, replaced in place
    text = readme.read_text()
    assert text.startswith("# benchmarks\n\nothers' table\n")
    assert text.count(BEGIN) == 1 and text.count(END) == 1
    assert markdown(written) in text
    assert "| conv1 | im2col |" in text and "load average" in text
    assert "| LeNet-5 C1 | (4, 28, 28, 1) | (5, 5, 1, 6) | 1 |" in text
