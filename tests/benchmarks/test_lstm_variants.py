"""Smoke test of benchmarks/lstm_variants.py: a --quick run, equal logits, its README block."""

import json

import pytest

from benchmarks.lstm_variants import BEGIN, END, VARIANTS, main, markdown, render
from tests.tolerances import tol


@pytest.mark.slow
def test_quick_run_times_every_variant_with_equal_logits(tmp_path):
    out = tmp_path / "lstm.json"
    record = main(["--quick", "--json", str(out)])
    assert json.loads(out.read_text()) == record
    assert set(VARIANTS) <= set(record["ms_per_step"])
    assert all(v > 0 for v in record["ms_per_step"].values())
    # hoisting and unrolling change the loop, not the function
    assert max(record["max_rel_logit_diff"].values()) < tol("float32", "exact")
    readme = tmp_path / "README.md"
    readme.write_text(f"# b\n\n{BEGIN}\nold\n{END}\n")
    render(record, readme)
    render(record, readme)
    text = readme.read_text()
    assert text.count(BEGIN) == 1 and markdown(record) in text and "old" not in text
    assert "| default |" in text and "| 1.00x |" in text
