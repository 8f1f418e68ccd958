"""A run's working directory: one run at a time (a lock), and the record of its settings.

The lock is an exclusive ``fcntl.flock`` on ``WORKDIR/.lock``, taken before anything in the
folder is read or written. The kernel releases it when its process dies, so a lock file
left by a killed run is stale: the next run takes it over and says so. The file holds the
owner's pid and host, which the refusal names.

``config.json`` describes the checkpoints beside it: it is written only by a run that starts
from scratch, and never rewritten. A resume with other settings is refused with the
differing fields listed, unless the caller overrides, which appends the change (and the new
settings) to ``config_history.jsonl``; later resumes compare against the newest settings.
"""

import contextlib
import fcntl
import json
import os
import socket
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

from jaxnets.errors import UserError

LOCK_NAME = ".lock"
CONFIG_NAME = "config.json"
HISTORY_NAME = "config_history.jsonl"

# Workdirs this process holds, so that nested users (train_and_evaluate, then fit) share
# one lock instead of refusing themselves.
_HELD: dict[Path, int] = {}


class WorkdirBusyError(UserError, RuntimeError):
    """Another live process holds the workdir's lock."""


@contextlib.contextmanager
def workdir_lock(workdir: str | os.PathLike, *, quiet: bool = False) -> Iterator[Path]:
    """Hold ``workdir``'s exclusive lock for the ``with`` block (re-entrant in one process).

    Raises :class:`WorkdirBusyError` at once, naming the owner, when another live process
    holds it.
    """
    path = Path(workdir).absolute()
    if path in _HELD:
        _HELD[path] += 1
        try:
            yield path
        finally:
            _HELD[path] -= 1
        return
    path.mkdir(parents=True, exist_ok=True)
    lock_file = path / LOCK_NAME
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = _read_owner(fd)
            raise WorkdirBusyError(
                f"workdir {path} is in use by another run ({owner}); wait for it to finish "
                "or use another --workdir"
            ) from None
        previous = _read_owner(fd)
        if previous and not quiet:
            print(f"taking over the stale lock of {previous} on {path}", file=sys.stderr)
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(_me()).encode(), 0)
        _HELD[path] = 1
        try:
            yield path
        finally:
            del _HELD[path]
            os.ftruncate(fd, 0)  # an empty lock file is not stale
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _me() -> dict:
    return {"pid": os.getpid(), "host": socket.gethostname(), "since": time.time()}


def _read_owner(fd: int) -> str:
    raw = os.pread(fd, 4096, 0)
    if not raw:
        return ""
    try:
        owner = json.loads(raw)
        return f"pid {owner['pid']} on {owner['host']}"
    except (ValueError, KeyError, TypeError):
        return "an unknown process"


def record_config(
    workdir: Path, config: Mapping, *, resuming: bool, override: bool = False
) -> None:
    """Write or check ``workdir/config.json`` for a run with settings ``config`` (JSON dict).

    A fresh run (``resuming`` False) writes it. A resume compares with the newest recorded
    settings: equal settings pass; different ones raise :class:`InvalidArgumentError`
    listing each field, unless ``override``, which appends ``{"time", "changed": {field:
    [old, new]}, "config": new}`` to ``config_history.jsonl``.
    """
    from jaxnets.errors import InvalidArgumentError

    path = workdir / CONFIG_NAME
    if not resuming or not path.exists():
        _write_json(path, config)
        return
    recorded = newest_settings(workdir)
    changed = _differences(recorded, dict(config))
    if not changed:
        return
    if not override:
        listing = "; ".join(f"{k}: {old!r} -> {new!r}" for k, (old, new) in changed.items())
        raise InvalidArgumentError(
            f"resuming {workdir} with settings that differ from its config.json ({listing}); "
            "rerun with the recorded settings, use another --workdir, or pass --override to "
            "continue with the new ones (recorded in config_history.jsonl)"
        )
    record = {"time": time.time(), "changed": changed, "config": dict(config)}
    with (workdir / HISTORY_NAME).open("a") as f:
        f.write(json.dumps(record) + "\n")


def newest_settings(workdir: Path) -> dict:
    """The settings of the newest override in the history, else those of config.json."""
    from jaxnets.errors import InvalidArgumentError

    history = workdir / HISTORY_NAME
    path = history if history.exists() else workdir / CONFIG_NAME
    try:
        lines = path.read_text().splitlines()
        if path == history:
            return json.loads(lines[-1])["config"]
        return json.loads("\n".join(lines))
    except (ValueError, KeyError, IndexError) as err:
        raise InvalidArgumentError(
            f"{path} is damaged ({err!r}); restore it from a backup or remove it"
        ) from None


def _write_json(path: Path, value: Mapping) -> None:
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(value, indent=2))
    tmp.replace(path)  # atomic: never a half-written record


# Settings a resume may change without changing what the checkpoints mean.
RESUMABLE_CHANGES = ("fit.epochs", "fit.progress", "fit.keep_checkpoints", "data_dir")


def _differences(old: Mapping, new: Mapping, prefix: str = "") -> dict[str, list]:
    out = {}
    for key in sorted(set(old) | set(new)):
        name = f"{prefix}{key}"
        a, b = old.get(key), new.get(key)
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            out.update(_differences(a, b, f"{name}."))
        elif a != b and name not in RESUMABLE_CHANGES:
            out[name] = [a, b]
    return out
