"""The experiment system: one command line, one results file, one README renderer.

Every folder ``experiments/NAME`` has the same files:

- ``config.py`` with ``get_config(quick: bool)`` returning a frozen dataclass;
- ``main.py`` with ``run(config, data_dir, out) -> dict`` (JSON-able measurements; it may
  write image grids into ``out``), ``plot(record, out) -> list[str]`` (the PNG file names;
  curves are drawn from the record alone) and
  ``main(argv)`` which calls :func:`main` here;
- ``report.py`` with ``report(record) -> str``: the README's measured section (markdown)
  from the record alone; it imports no jax, so rendering and checking are quick;
- ``__main__.py`` so that ``python -m experiments.NAME [--quick] [--out DIR]`` runs it;
- ``README.md``: hand-written prose (what, why, the command; no measured numbers) and one
  block between :data:`BEGIN` and :data:`END` that :func:`render` writes from
  ``results.json``;
- the committed artifacts ``results.json`` and the PNGs, and ``tests/experiments/test_NAME.py``.

``python -m experiments render [--check] [NAME ...]`` rewrites (or, with ``--check``,
verifies) every README's block from its ``results.json``, and ``docs/lectures.md`` (the
lectures' claims, :mod:`experiments._claims`) from all of them.
"""

import argparse
import dataclasses
import datetime
import importlib
import json
import os
import platform
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent
BEGIN = "<!-- BEGIN results: generated from results.json by `python -m experiments render` -->"
END = "<!-- END results -->"
RESULTS = "results.json"


def names(root: Path = ROOT) -> list[str]:
    """Every experiment folder (one with a ``main.py``), sorted."""
    return sorted(p.parent.name for p in root.glob("*/main.py"))


def _jsonable(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _jsonable(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


def machine() -> str:
    """One line naming where a run happened (CPU count, backend, load at the start)."""
    import jax  # here, not at the top: rendering and checking never import jax

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{platform.machine()} {jax.default_backend()}, {os.cpu_count()} cores, "
        f"load average {load:.1f} at start, jax {jax.__version__}"
    )


def parse_args(name: str, argv: Sequence[str] | None, description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=f"python -m experiments.{name}", description=description)
    parser.add_argument("--quick", action="store_true", help="the small run of the quick test")
    parser.add_argument(
        "--out",
        type=Path,
        help=f"output folder (default: experiments/{name} for a full run, "
        f"runs/{name}_quick for --quick)",
    )
    parser.add_argument(
        "--data-dir",
        default=os.environ.get("JAXNETS_DATA_DIR"),
        help="folder with the real data files (default: $JAXNETS_DATA_DIR)",
    )
    return parser.parse_args(argv)


def main(
    name: str,
    argv: Sequence[str] | None,
    *,
    get_config: Callable,
    run: Callable,
    plot: Callable,
    report: Callable,
    description: str = "",
) -> dict:
    """Run one experiment: config -> ``run`` -> ``results.json`` -> PNGs (-> README).

    The record written to ``results.json`` is ``{"experiment", "quick", "config",
    "seconds", "machine", "date", "results", "figures"}``; ``seconds`` is the wall clock of
    ``run`` (data loading, compiling, training, evaluation). A full run into the
    experiment's own folder also re-renders its README.
    """
    args = parse_args(name, argv, description)
    config = get_config(quick=args.quick)
    out = args.out or (ROOT / name if not args.quick else Path("runs") / f"{name}_quick")
    out.mkdir(parents=True, exist_ok=True)
    host = machine()
    start = time.perf_counter()
    results = run(config, args.data_dir, out)
    seconds = time.perf_counter() - start
    record = {
        "experiment": name,
        "quick": bool(args.quick),
        "config": _jsonable(config),
        "seconds": round(seconds, 1),
        "machine": host,
        "date": datetime.date.today().isoformat(),
        "results": _jsonable(results),
    }
    record["figures"] = list(plot(record, out))
    (out / RESULTS).write_text(json.dumps(record, indent=1) + "\n")
    if out.resolve() == (ROOT / name).resolve():
        render(name)
    print(report(record))
    return record


# --- rendering ------------------------------------------------------------------------------


def block(name: str, record: dict) -> str:
    """The README block for ``record``: the run line, then the experiment's ``report``."""
    module = importlib.import_module(f"experiments.{name}.report")
    head = (
        f"Measured here: one run of `python -m experiments.{name}` took "
        f"**{record['seconds']:.0f} s** wall clock ({record['machine']}; {record['date']})."
    )
    return f"{BEGIN}\n{head}\n\n{module.report(record).strip()}\n{END}"


def _split(text: str, readme: Path) -> tuple[str, str, str]:
    if text.count(BEGIN) != 1 or text.count(END) != 1 or text.index(BEGIN) > text.index(END):
        raise ValueError(f"{readme}: needs exactly one {BEGIN!r} ... {END!r} block")
    before, rest = text.split(BEGIN)
    inside, after = rest.split(END)
    return before, inside, after


# Measured-looking numbers must live in the generated block, never in the prose around it:
# percentages, seconds and numbers with three or more decimals.
_MEASURED = re.compile(r"\d+(?:\.\d+)?\s?%|\b\d+(?:\.\d+)? ?s\b(?! ?=)|\b\d+\.\d{3,}\b")
_FIGURE = re.compile(r"!\[[^\]]*\]\(([^)]+)\)")


def _prose(text: str) -> str:
    return re.sub(r"```.*?```|`[^`]*`", "", text, flags=re.S)


def problems(name: str, root: Path = ROOT) -> list[str]:
    """What is wrong with ``root/name``'s README against its ``results.json`` (empty: ok)."""
    folder = root / name
    readme, results = folder / "README.md", folder / RESULTS
    if not results.exists():
        return [f"{name}: no {RESULTS} committed"]
    record = json.loads(results.read_text())
    found = []
    if record.get("quick"):
        found.append(f"{name}: {RESULTS} is from a --quick run")
    text = readme.read_text()
    try:
        before, _, after = _split(text, readme)
    except ValueError as error:
        return [*found, str(error)]
    try:
        expected = before + block(name, record) + after
    except Exception as error:  # a results.json the report cannot read (an older format)
        return [*found, f"{name}: report() fails on {RESULTS}: {type(error).__name__}: {error}"]
    if text != expected:
        found.append(
            f"{name}: README.md differs from its {RESULTS} "
            f"(run: python -m experiments render {name})"
        )
    for part in (before, after):
        for match in _MEASURED.finditer(_prose(part)):
            found.append(
                f"{name}: README prose has a measured-looking number {match.group(0)!r} "
                "outside the generated block"
            )
    for figure in [*_FIGURE.findall(text), *record.get("figures", [])]:
        if not (folder / figure).exists():
            found.append(f"{name}: figure {figure} is missing")
    return found


def render(name: str, root: Path = ROOT) -> bool:
    """Rewrite ``root/name/README.md``'s block from ``results.json``; True if it changed."""
    readme = root / name / "README.md"
    record = json.loads((root / name / RESULTS).read_text())
    text = readme.read_text()
    before, _, after = _split(text, readme)
    new = before + block(name, record) + after
    if new != text:
        readme.write_text(new)
    return new != text


def cli(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m experiments", description="Render or check the experiments' READMEs."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    cmd = sub.add_parser("render", help="write each README's results block from results.json")
    cmd.add_argument("names", nargs="*", help="experiments (default: all)")
    cmd.add_argument("--check", action="store_true", help="only verify; exit 1 on a mismatch")
    args = parser.parse_args(argv)
    chosen = args.names or names()
    unknown = sorted(set(chosen) - set(names()))
    if unknown:
        parser.error(f"unknown experiment(s) {unknown}; known: {names()}")
    from experiments import _claims

    lectures = _claims.page()
    if args.check:
        found = [p for n in chosen for p in problems(n)]
        if not _claims.PAGE.exists() or _claims.PAGE.read_text() != lectures:
            found.append(
                f"{_claims.PAGE.name} differs from the results (run: python -m experiments render)"
            )
        for p in found:
            print(p)
        print(f"{len(chosen)} experiments checked, {len(found)} problems")
        return 1 if found else 0
    for n in chosen:
        if not (ROOT / n / RESULTS).exists():
            print(f"{n}: no {RESULTS} yet (run python -m experiments.{n})")
            continue
        print(f"{n}: {'rewritten' if render(n) else 'unchanged'}")
    _claims.PAGE.write_text(lectures)
    print(f"{_claims.PAGE}: written")
    return 0


# --- markdown helpers for the reports -------------------------------------------------------


def table(headers: Sequence[str], rows: Sequence[Sequence], align: str | None = None) -> str:
    """A markdown table; ``align`` is one letter per column, ``l`` or ``r`` (default: l, r...)."""
    align = align or "l" + "r" * (len(headers) - 1)
    rule = ["---:" if a == "r" else "---" for a in align]
    lines = [headers, rule, *[[str(c) for c in row] for row in rows]]
    return "\n".join("| " + " | ".join(line) + " |" for line in lines)


def pct(x: float, digits: int = 1) -> str:
    return f"{100 * x:.{digits}f}%"


def num(x: float, digits: int = 3) -> str:
    return f"{x:.{digits}f}"


def figures(record: dict) -> str:
    return "\n".join(f"![{Path(f).stem}]({f})" for f in record.get("figures", []))
