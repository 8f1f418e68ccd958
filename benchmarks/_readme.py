"""README sections that the benchmark scripts write from their JSON results: one block
between a BEGIN and an END marker line, replaced in place (every script's the same way), and
the scripts' shared ``--json`` / ``--render`` plumbing."""

import argparse
import json
from pathlib import Path


def write_section(text: str, begin: str, end: str, block: str, *, append: str | None = None) -> str:
    """``text`` with the part between ``begin`` and ``end`` replaced by ``block``.

    Without the markers, ``append`` (a heading or intro, may be ``""``) and the new section
    go at the end; with ``append=None`` that is refused. Markers that are not exactly one
    ``begin`` followed by one ``end`` are refused (``ValueError``), leaving nothing written.
    """
    section = f"{begin}\n{block}\n{end}"
    if begin not in text and end not in text and append is not None:
        return text.rstrip("\n") + "\n\n" + append + section + "\n"
    if text.count(begin) != 1 or text.count(end) != 1 or text.index(begin) > text.index(end):
        raise ValueError(f"the README needs one {begin!r} line followed by one {end!r} line")
    head, rest = text.split(begin)
    _, tail = rest.split(end)
    return f"{head}{section}{tail}"


def write_readme(
    readme: Path, begin: str, end: str, block: str, *, append: str | None = ""
) -> None:
    """Replace (or append, see :func:`write_section`) the section of the file ``readme``."""
    readme.write_text(write_section(readme.read_text(), begin, end, block, append=append))


def add_result_arguments(parser: argparse.ArgumentParser) -> None:
    """The scripts' shared ``--json PATH`` (write the results) and ``--render PATH`` flags."""
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--render", type=Path, help="write README's section from this JSON")


def read_result(path: Path) -> dict:
    return json.loads(path.read_text())


def save_result(record: dict, path: Path | None) -> None:
    """Write ``record`` as indented JSON to ``path`` (its folder made), or nothing if None."""
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(record, indent=1) + "\n")
