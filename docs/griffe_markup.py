"""Griffe extension for the API pages: render this codebase's docstring conventions.

The docstrings are written for ``help()`` and doctests (reST-flavoured, Google ``Args:``);
three conventions would otherwise render wrongly in Markdown, so they are rewritten for
the site only (the source and the doctests are untouched):

- bare ``>>>`` examples become fenced ``pycon`` blocks (Markdown would read ``>`` as a
  quote and ``[1.0, 2.0]`` in an output line as a reference link);
- reST roles such as ``:func:`dense_backward``` become code spans;
- an ``Args:`` item naming several parameters (``seed, epoch: ...``, as numpydoc allows)
  becomes one item per parameter with the shared description.
"""

from __future__ import annotations

import re

import griffe

_ROLE = re.compile(r":(?:func|class|meth|mod|attr|data|obj|exc|py:\w+):`~?([^`]+)`")
_SECTION = re.compile(r"^(\s*)(Args|Arguments|Parameters|Params):\s*$")
_MULTI = re.compile(r"^(\s+)(\w+(?:\s*,\s*\w+)+)(\s*(?:\([^)]*\))?:\s.*)$")


def _fence_doctests(lines: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    fenced = False
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if not fenced and line.lstrip().startswith(">>>"):
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}```pycon")
            while i < len(lines) and lines[i].strip():
                out.append(lines[i])
                i += 1
            out.append(f"{indent}```")
            continue
        out.append(line)
        i += 1
    return out


def _split_multi_params(lines: list[str]) -> list[str]:
    out: list[str] = []
    section_indent: int | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        header = _SECTION.match(line)
        if header:
            section_indent = len(header.group(1))
            out.append(line)
            i += 1
            continue
        indent = len(line) - len(line.lstrip())
        if section_indent is not None and line.strip() and indent <= section_indent:
            section_indent = None
        match = _MULTI.match(line) if section_indent is not None else None
        if match:
            item_indent = len(match.group(1))
            body = [match.group(3)]
            i += 1
            while i < len(lines) and (
                not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > item_indent
            ):
                body.append(lines[i])
                i += 1
            while body and not body[-1].strip():
                body.pop()
            for name in re.split(r"\s*,\s*", match.group(2)):
                out.append(f"{match.group(1)}{name}{body[0]}")
                out.extend(body[1:])
            continue
        out.append(line)
        i += 1
    return out


def markdown_docstring(text: str) -> str:
    """``text`` with the three conventions above rewritten for Markdown."""
    lines = _fence_doctests(text.splitlines())
    lines = _split_multi_params(lines)
    return _ROLE.sub(r"`\1`", "\n".join(lines))


class DocstringMarkup(griffe.Extension):
    """Rewrites every loaded object's docstring with :func:`markdown_docstring`."""

    def on_object(self, *, obj: griffe.Object, **kwargs) -> None:
        if obj.docstring is not None:
            obj.docstring.value = markdown_docstring(obj.docstring.value)
