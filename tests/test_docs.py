"""Documented code runs: every ```python block of README.md and of every docs/*.md page, in
order, in one namespace, in a temporary working directory, with each block's output
compared where the page shows it (tests/docs_runner.py).

Pages are found by glob, so a new page is covered. The autodiff tutorials (docs/autodiff*.md)
run in float64 in tests/autodiff/test_docs.py. Also here: the generated CLI reference
(docs/cli.md) is what the parser prints now.
"""

import importlib.util
from pathlib import Path

import pytest

from tests.docs_runner import python_blocks, run_page, shown_outputs

ROOT = Path(__file__).resolve().parents[1]
DOCS = sorted(p.name for p in (ROOT / "docs").glob("*.md") if not p.name.startswith("autodiff"))
PAGES = ["README.md", *(f"docs/{name}" for name in DOCS)]


def test_the_pages_are_found():
    assert {"README.md", "docs/getting_started.md", "docs/training.md", "docs/models.md"} <= set(
        PAGES
    )
    for page in ("README.md", "docs/getting_started.md", "docs/models.md", "docs/data.md"):
        assert python_blocks(ROOT / page), f"{page} has no python blocks"
    assert shown_outputs(ROOT / "docs/models.md"), "models.md shows outputs to compare"


@pytest.mark.parametrize("page", PAGES)
def test_every_python_block_runs_and_prints_what_the_page_shows(page, tmp_path, monkeypatch):
    if not python_blocks(ROOT / page):
        pytest.skip(f"{page} has no python blocks")
    monkeypatch.chdir(tmp_path)  # pages may write runs/ or demo_out/
    run_page(ROOT / page, name=page)


def _gen_cli():
    spec = importlib.util.spec_from_file_location("gen_cli", ROOT / "docs" / "gen_cli.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_reference_is_generated_from_the_current_parser():
    """docs/cli.md holds every subcommand's --help as the parser prints it: `make docs`."""
    gen_cli = _gen_cli()
    current = gen_cli.PAGE.read_text()
    assert current == gen_cli.page(current), "docs/cli.md is out of date: run `make docs`"
    from jaxnets.cli import build_parser

    for action in build_parser()._actions:
        for name in getattr(action, "choices", None) or {}:
            if action.__class__.__name__ == "_SubParsersAction":
                assert f"## `jaxnets {name}`" in current


def test_the_cli_reference_check_fails_on_a_stale_page(tmp_path, monkeypatch):
    gen_cli = _gen_cli()
    stale = tmp_path / "cli.md"
    stale.write_text(gen_cli.PAGE.read_text().replace("--version", "--versio", 1))
    monkeypatch.setattr(gen_cli, "PAGE", stale)
    assert gen_cli.main(["--check"]) == 1
    assert gen_cli.main([]) == 0  # regenerates
    assert gen_cli.main(["--check"]) == 0
    assert stale.read_text() == gen_cli.PAGE.read_text()


def test_docstrings_are_rewritten_for_the_site():
    """docs/griffe_markup.py: doctests fenced, reST roles to code, one Args item per name."""
    spec = importlib.util.spec_from_file_location("markup", ROOT / "docs" / "griffe_markup.py")
    markup = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(markup)
    doc = (
        "Sum :func:`dense_backward`'s rows.\n\n"
        "Args:\n"
        "  seed, epoch: the shuffle's\n"
        "    seed and epoch.\n"
        "  shuffle: False keeps the order.\n\n"
        ">>> f([1.0])\n"
        "[1.0, 2.0]\n\n"
        "Done."
    )
    assert markup.markdown_docstring(doc).splitlines() == [
        "Sum `dense_backward`'s rows.",
        "",
        "Args:",
        "  seed: the shuffle's",
        "    seed and epoch.",
        "  epoch: the shuffle's",
        "    seed and epoch.",
        "  shuffle: False keeps the order.",
        "",
        "```pycon",
        ">>> f([1.0])",
        "[1.0, 2.0]",
        "```",
        "",
        "Done.",
    ]


def test_a_page_leaves_jax_settings_as_it_found_them():
    # docs/autodiff_layers.md switches float64 on; later tests used to train in float64
    # (the activations experiment's leaky ReLU then stalled at chance).
    import jax

    before = jax.config.jax_enable_x64
    run_page(ROOT / "docs" / "autodiff_layers.md")
    assert jax.config.jax_enable_x64 == before
