"""The names data set: one lower-case name per line, as next-character sequences.

The vocabulary is the end token ``.`` (id 0, which also starts every name) followed by the 26
letters (ids 1..26). The name "emma" becomes, with T = 8::

    x     = . e m m a . . .      (start token, the letters, padding with the end token)
    label = e m m a . . . .      (x shifted left: the next character at every step)

so a model trained on (x, label) predicts each next character, and ``length`` (= 5 here:
the letters plus the end token) says how many label positions are real.

>>> split = encode_names(["emma", "bo"], length=6)
>>> split["x"][0].tolist(), split["label"][0].tolist(), split["length"].tolist()
([0, 5, 13, 13, 1, 0], [5, 13, 13, 1, 0, 0], [5, 3])
>>> decode_name(split["label"][1])
'bo'
"""

from __future__ import annotations

import os
import string
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from jaxnets.data._mnist import DATA_DIR_ENV
from jaxnets.data._splits import holdout_split
from jaxnets.errors import DataFileError, InvalidArgumentError

NAMES_VOCAB = "." + string.ascii_lowercase
END_TOKEN = 0
NAMES_TEST_FRACTION = 0.1


class NamesFileMissingError(DataFileError, FileNotFoundError):
    """No names.txt where the names data set was asked to look."""


def resolve_names_file(data_dir: str | os.PathLike | None = None) -> Path:
    """The names file: ``data_dir`` itself if it is a file, else ``data_dir/names.txt`` or
    ``data_dir/names/names.txt``; ``data_dir`` defaults to ``$JAXNETS_DATA_DIR``."""
    if data_dir is None:
        data_dir = os.environ.get(DATA_DIR_ENV)
        if not data_dir:
            raise NamesFileMissingError(
                "the names data set needs names.txt: pass data_dir=... (the file or a folder "
                f"holding names/names.txt) or set ${DATA_DIR_ENV}"
            )
    path = Path(data_dir)
    candidates = [path] if path.is_file() else [path / "names.txt", path / "names" / "names.txt"]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise NamesFileMissingError(
        f"no names file at {' or '.join(str(c) for c in candidates)}; expected one lower-case "
        "name per line (e.g. /work/shared/data/names/names.txt)"
    )


def read_names(path: str | os.PathLike) -> list[str]:
    """The names in ``path``, one per non-empty line, lower-cased; letters a-z only."""
    names = []
    for number, line in enumerate(Path(path).read_text().splitlines(), start=1):
        name = line.strip().lower()
        if not name:
            continue
        bad = sorted(set(name) - set(string.ascii_lowercase))
        if bad:
            raise InvalidArgumentError(
                f"{path}:{number}: name {name!r} has characters {bad} outside a-z"
            )
        names.append(name)
    if not names:
        raise InvalidArgumentError(f"{path} holds no names")
    return names


def encode_names(names: Sequence[str], length: int | None = None) -> dict[str, np.ndarray]:
    """Names -> ``{"x": int32 (N, T), "label": int32 (N, T), "length": int32 (N,)}``.

    T = ``length``, by default the longest name plus one (room for the start token in x and
    the end token in label); a name longer than T - 1 is an error rather than cut short.
    """
    longest = max(len(n) for n in names)
    if length is None:
        length = longest + 1
    if longest > length - 1:
        raise InvalidArgumentError(
            f"length={length} cannot hold a name of {longest} letters (need T-1)"
        )
    index = {c: i for i, c in enumerate(NAMES_VOCAB)}
    label = np.full((len(names), length), END_TOKEN, np.int32)
    for row, name in enumerate(names):
        label[row, : len(name)] = [index[c] for c in name]
    x = np.full_like(label, END_TOKEN)
    x[:, 1:] = label[:, :-1]  # the start token, then the label shifted right by one
    lengths = np.array([len(n) + 1 for n in names], np.int32)
    return {"x": x, "label": label, "length": lengths}


def decode_name(tokens) -> str:
    """Token ids (T,) -> the name they spell, up to the first end token."""
    out = []
    for token in np.asarray(tokens).tolist():
        if token == END_TOKEN:
            break
        out.append(NAMES_VOCAB[token])
    return "".join(out)


def load_names_splits(
    data_dir: str | os.PathLike | None = None,
    *,
    seed: int = 0,
    length: int | None = None,
    test_fraction: float = NAMES_TEST_FRACTION,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Read names.txt (see :func:`resolve_names_file`), encode it and split it, seeded, 90/10.

    With /work/shared/data/names/names.txt (32,033 names of 2..15 letters): train and test
    splits of 28,830 and 3,203 sequences of T = 16.
    """
    split = encode_names(read_names(resolve_names_file(data_dir)), length)
    return holdout_split(split, test_fraction, seed=seed)
