"""Every ```python block of the autodiff tutorials runs as written.

Each page's blocks run in order in one namespace (as a reader pasting them into one
session would), with float64 enabled for the page and the previous setting restored.
"""

import contextlib
import io
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = ["autodiff.md", "autodiff_layers.md"]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def python_blocks(page: str) -> list[str]:
    return BLOCK.findall((DOCS / page).read_text())


@pytest.mark.parametrize("page", PAGES)
def test_every_python_block_runs_in_order(page, x64):
    blocks = python_blocks(page)
    assert blocks, f"no python blocks found in {page}"
    namespace: dict = {"__name__": f"docs_{page}"}
    for k, block in enumerate(blocks):
        with contextlib.redirect_stdout(io.StringIO()):
            try:
                exec(compile(block, f"{page} block {k + 1}", "exec"), namespace)
            except Exception as error:
                raise AssertionError(f"{page}, python block {k + 1} failed:\n{block}") from error


def shown_outputs(page: str) -> list[tuple[int, str]]:
    """``(block index, text)`` for each python block directly followed by a plain output block."""
    text = (DOCS / page).read_text()
    shown = []
    for k, match in enumerate(BLOCK.finditer(text)):
        after = re.match(r"\n*```\n(.*?)^```", text[match.end() + 1 :], re.DOTALL | re.MULTILINE)
        if after:
            shown.append((k, after.group(1)))
    return shown


@pytest.mark.parametrize("page", PAGES)
def test_printed_output_is_what_the_page_shows(page, x64):
    """The numbers on the page are real: every block's output, where the page shows it."""
    blocks = python_blocks(page)
    expected = dict(shown_outputs(page))
    namespace: dict = {"__name__": f"docs_{page}"}
    for k, block in enumerate(blocks):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, f"{page} block {k + 1}", "exec"), namespace)
        if k in expected:
            assert out.getvalue().rstrip() == expected[k].rstrip(), f"{page}, block {k + 1}"
