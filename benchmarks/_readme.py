"""README sections that the benchmark scripts write from their JSON results: one block
between a BEGIN and an END marker line, replaced in place (every script's the same way)."""


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
