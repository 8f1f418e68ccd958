"""Plain tables that render as text, Markdown or LaTeX, keeping their numbers in ``rows``."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import numpy as np


def format_value(value: Any) -> str:
    """A cell: numbers with 6 significant digits, arrays on one line, strings as they are."""
    if isinstance(value, str):
        return value
    array = np.asarray(value)
    if array.ndim == 0:
        return f"{array.item() + 0.0:.6g}"  # + 0.0 turns -0 (from 0 · negative) into 0
    return np.array2string(array, precision=4, separator=", ").replace("\n", "")


def _width(text: str) -> int:
    # x̄ is "x" plus a combining macron: one column on screen, two characters.
    return sum(not unicodedata.combining(c) for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


_LATEX_SUBS = [
    (re.compile(r"x̄(\d+)"), r"\\bar{x}_{\1}"),
    (re.compile(r"(?<![\\a-z])x(\d+)"), r"x_{\1}"),
    (re.compile(r"\b(exp|log|sin|cos|tanh|max)\("), r"\\\1("),
    (re.compile("·"), r"\\cdot "),
    (re.compile("∂"), r"\\partial "),
    (re.compile(r"\+="), r"\\mathrel{+}="),
    (re.compile(r"\*\*"), "^"),
    (re.compile("_i"), "_{i}"),
]


def latex_math(text: str) -> str:
    """``x̄4 += x̄7 · ∂x7/∂x4`` -> ``$\\bar{x}_{4} \\mathrel{+}= ...$``; words stay text."""
    if re.fullmatch(r"[A-Za-z ()]+", text):
        return text
    for pattern, replacement in _LATEX_SUBS:
        text = pattern.sub(replacement, text)
    return f"${text}$"


@dataclass(frozen=True)
class Table:
    """A titled table. ``rows`` hold the raw values (numbers/arrays) for tests; the
    ``to_*`` methods format them. ``notes`` are lines printed under the table."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]
    notes: tuple[str, ...] = ()

    def _cells(self) -> list[list[str]]:
        return [[format_value(v) for v in row] for row in self.rows]

    def to_text(self) -> str:
        cells = self._cells()
        widths = [
            max([_width(c)] + [_width(r[k]) for r in cells]) for k, c in enumerate(self.columns)
        ]
        line = lambda row: "  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip()
        out = [self.title, line(self.columns), "  ".join("-" * w for w in widths)]
        out += [line(row) for row in cells]
        return "\n".join(out + list(self.notes))

    def to_markdown(self) -> str:
        out = [f"**{self.title}**", "", "| " + " | ".join(self.columns) + " |"]
        out.append("|" + "|".join("---" for _ in self.columns) + "|")
        out += [
            "| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in self._cells()
        ]
        if self.notes:
            out += [""] + [f"{note}  " for note in self.notes]
        return "\n".join(out)

    def to_latex(self) -> str:
        out = [f"% {self.title}", r"\begin{tabular}{" + "l" * len(self.columns) + "}"]
        out.append(" & ".join(latex_math(c) for c in self.columns) + r" \\ \hline")
        for raw, row in zip(self.rows, self._cells(), strict=True):
            out.append(
                " & ".join(
                    latex_math(c) if isinstance(v, str) else c
                    for v, c in zip(raw, row, strict=True)
                )
                + r" \\"
            )
        out.append(r"\end{tabular}")
        return "\n".join(out + [f"% {note}" for note in self.notes])

    def render(self, fmt: str = "text") -> str:
        """``fmt`` is ``"text"``, ``"markdown"`` or ``"latex"``."""
        renderers = {"text": self.to_text, "markdown": self.to_markdown, "latex": self.to_latex}
        if fmt not in renderers:
            raise ValueError(f"unknown format {fmt!r}; choose from {sorted(renderers)}")
        return renderers[fmt]()

    def __str__(self) -> str:
        return self.to_text()
