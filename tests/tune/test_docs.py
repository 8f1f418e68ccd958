"""docs/tune.md's python blocks run, in order, in one namespace."""

import re
from pathlib import Path

import pytest

PAGE = Path(__file__).resolve().parents[2] / "docs" / "tune.md"
pytestmark = pytest.mark.usefixtures("fast_compiles")


def test_every_python_block_runs(tmp_path, monkeypatch):
    blocks = re.findall(r"^```python\n(.*?)^```", PAGE.read_text(), flags=re.S | re.M)
    assert blocks
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for i, block in enumerate(blocks):
        exec(compile(block, f"docs/tune.md block {i + 1}", "exec"), namespace)
    result = namespace["result"]
    assert 0.0 <= result.best_value <= 1.0 and 0.0 <= result.test["accuracy"] <= 1.0
    assert (tmp_path / "runs" / "tune_doc" / "best.json").exists()
