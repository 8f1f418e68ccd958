"""benchmarks/profile_bounds.py's README table, from a JSON record (no timing here)."""

import pytest

pytest.importorskip("torch", reason="torch is a benchmark-only extra (pip install -e .[bench])")

from benchmarks.profile_bounds import markdown


def test_markdown_lists_every_case_and_matmul():
    parts = {"grad": 1.234, "adam": 0.5, "step": 1.5}
    out = {
        "torch_threads": 2,
        "date_utc": "2026-12-01T00:00:00+00:00",
        "load_avg_start": [0.5, 0, 0],
        "load_avg_end": [1.25, 0, 0],
        "cases": [{"model": "mlp", "batch": 32, "jax_ms": parts, "torch_ms": {**parts, "step": 3}}],
        "matmul": {"64x288x1024": {"xla": 133.4, "torch": 151.0}},
    }
    text = markdown(out)
    assert "| mlp | 32 | 1.23 | 1.23 | 0.50 | 0.50 | 1.50 | 3.00 |" in text
    assert "| (64, 288) @ (288, 1024) | 133 | 151 |" in text
    assert "0.50 at the start and 1.25 at the end" in text
