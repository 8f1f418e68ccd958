"""Documented code runs: every ```python block of these pages, in order, in one namespace.

(The autodiff tutorials are run by tests/autodiff/test_docs.py.)
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["README.md", "docs/training.md"]


def python_blocks(path: Path) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", path.read_text(), flags=re.S | re.M)


@pytest.mark.parametrize("page", PAGES)
def test_every_python_block_runs(page, tmp_path, monkeypatch):
    blocks = python_blocks(ROOT / page)
    assert blocks, f"{page} has no python blocks"
    monkeypatch.chdir(tmp_path)  # pages may write runs/ or demo_out/
    namespace: dict = {}
    for i, block in enumerate(blocks):
        code = compile(block, f"{page} block {i + 1}", "exec")
        exec(code, namespace)
