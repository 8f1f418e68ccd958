"""Every ```python block of the autodiff tutorials runs as written and prints what the page
shows (tests/docs_runner.py).

The pages are docs/autodiff*.md (found by glob, so a new autodiff page is covered); each
runs with float64 enabled (the ``x64`` fixture), as their printed numbers are float64.
tests/test_docs.py runs every other page.
"""

from pathlib import Path

import pytest

from tests.docs_runner import python_blocks, run_page, shown_outputs

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = sorted(p.name for p in DOCS.glob("autodiff*.md"))


def test_the_tutorials_are_found():
    assert {"autodiff.md", "autodiff_layers.md", "autodiff_extending.md"} <= set(PAGES)


@pytest.mark.parametrize("page", PAGES)
def test_every_python_block_runs_in_order_and_prints_what_the_page_shows(
    page, x64, tmp_path, monkeypatch
):
    assert python_blocks(DOCS / page), f"no python blocks found in {page}"
    assert shown_outputs(DOCS / page), f"{page} shows no output to compare"
    monkeypatch.chdir(tmp_path)
    run_page(DOCS / page)
