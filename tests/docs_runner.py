"""Run a Markdown page's code as a reader would: every ```python block, in order, in one
namespace, comparing what each block prints with the output block the page shows after it.

Used by tests/test_docs.py (README.md and docs/*.md) and tests/autodiff/test_docs.py (the
autodiff tutorials, in float64), so that every page is checked the same way.

An output block is a plain fence (```` ``` ```` with no language) that directly follows a
python block, blank lines apart; its text must equal the block's stdout, trailing
whitespace aside.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
OUTPUT = re.compile(r"\n*```\n(.*?)^```", re.DOTALL | re.MULTILINE)


def python_blocks(page: Path) -> list[str]:
    """The source of every ```python block of ``page``, in order."""
    return BLOCK.findall(page.read_text())


def shown_outputs(page: Path) -> dict[int, str]:
    """``{block index: text}`` for each python block directly followed by an output block."""
    text = page.read_text()
    shown = {}
    for k, match in enumerate(BLOCK.finditer(text)):
        after = OUTPUT.match(text, match.end() + 1)
        if after:
            shown[k] = after.group(1)
    return shown


def run_page(page: Path, name: str | None = None) -> int:
    """Run ``page``'s python blocks in order in one namespace; return how many ran.

    Raises ``AssertionError`` naming the page and block when a block raises (the block's
    exception chained) or prints something other than the output the page shows.
    """
    import jax

    # Pages may switch jax settings (float64 in the autodiff tutorials): restore them, so
    # that a page never changes the numerics of the tests that run after it.
    saved = {key: getattr(jax.config, key) for key in JAX_SETTINGS}
    try:
        return _run_blocks(page, name or page.name)
    finally:
        for key, value in saved.items():
            jax.config.update(key, value)


JAX_SETTINGS = ("jax_enable_x64", "jax_default_matmul_precision", "jax_disable_jit")


def _run_blocks(page: Path, name: str) -> int:
    blocks = python_blocks(page)
    expected = shown_outputs(page)
    namespace: dict = {"__name__": f"docs_{Path(name).stem}"}
    for k, block in enumerate(blocks):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            try:
                # dont_inherit: the blocks run without this module's __future__ imports.
                code = compile(block, f"{name} block {k + 1}", "exec", dont_inherit=True)
                exec(code, namespace)
            except Exception as error:
                raise AssertionError(f"{name}, python block {k + 1} failed:\n{block}") from error
        if k in expected:
            printed, shown = out.getvalue().rstrip(), expected[k].rstrip()
            assert printed == shown, (
                f"{name}, python block {k + 1} printed\n{printed}\nbut the page shows\n{shown}"
            )
    return len(blocks)
