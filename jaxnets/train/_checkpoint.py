"""Checkpoints with orbax: keep the last N, resume from the latest, never destroy on error.

Saves are asynchronous: ``save`` returns once the arrays are copied off the device, and
orbax writes them while the next epoch trains. Each save goes to a temporary folder renamed
when complete, so a process killed mid-save leaves the previous checkpoint as the latest.
"""

import hashlib
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

import jax
import numpy as np
import orbax.checkpoint as ocp
from flax import serialization

from jaxnets.errors import UserError
from jaxnets.train._state import is_key


class CheckpointError(UserError, RuntimeError):
    """A checkpoint directory that cannot be read or does not fit the model being trained."""


def _arrays(state) -> Any:
    """The state's arrays as nested dicts, typed keys as their raw ``key_data``.

    Only the pytree part of a state is saved (flax ``to_state_dict``); its functions and
    static fields are rebuilt from the config. Works for any flax struct state (a
    ``TrainState``, a GAN's, a population's) and for plain dicts.
    """
    tree = serialization.to_state_dict(state)
    return jax.tree.map(lambda x: jax.random.key_data(x) if is_key(x) else x, tree)


def _from_arrays(template, arrays):
    """Rebuild a state shaped like ``template`` from ``arrays``, re-wrapping typed keys."""
    like = serialization.to_state_dict(template)
    arrays = jax.tree.map(
        lambda t, a: jax.random.wrap_key_data(a, impl=jax.random.key_impl(t)) if is_key(t) else a,
        like,
        arrays,
    )
    return serialization.from_state_dict(template, arrays)


META_KEYS = ("epoch", "history", "best_loss", "best_epoch", "bad")


def has_checkpoints(directory: str | Path) -> bool:
    """Whether ``directory`` holds at least one complete (step-numbered) checkpoint."""
    directory = Path(directory)
    return directory.is_dir() and any(p.name.isdigit() for p in directory.iterdir())


def _digest(tree) -> dict[str, str]:
    """sha256 of every array (its dtype, shape and bytes), by its path in the tree.

    States are replicated or on one device, so any one addressable copy holds the value.
    """
    out = {}
    for path, x in jax.tree_util.tree_leaves_with_path(tree):
        if isinstance(x, jax.Array):
            x = x.addressable_data(0)
        value = np.ascontiguousarray(np.asarray(x))
        h = hashlib.sha256(f"{value.dtype.str}{value.shape}".encode())
        h.update(value.tobytes())
        out[jax.tree_util.keystr(path)] = h.hexdigest()
    return out


def _json_digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


class Checkpointer:
    """Saves ``(state, extra arrays, JSON metadata)`` per epoch under ``directory``.

    ``extra`` holds arrays the loop needs to resume exactly (e.g. the best state seen, for
    early stopping; ``None`` when there is none); ``meta`` holds JSON (epoch, history).
    Orbax writes each checkpoint to a temporary folder and renames it when complete, so an
    interrupted save never replaces the previous good one. Saves run in the background;
    :meth:`close` (or leaving the ``with`` block, also on an error) waits for the last one.

    Every checkpoint also stores a sha256 of each array and of the metadata ("integrity");
    :meth:`restore` recomputes them and falls back to the newest checkpoint that verifies,
    so damaged values are never loaded.
    """

    def __init__(self, directory: str | Path, *, keep: int = 3):
        if isinstance(keep, bool) or not isinstance(keep, int) or keep < 1:
            raise CheckpointError(f"keep must be an integer >= 1, got {keep!r}")
        self.directory = Path(directory).absolute()
        if self.directory.exists() and not self.directory.is_dir():
            raise CheckpointError(f"checkpoint path {self.directory} exists and is not a folder")
        try:
            self._manager = ocp.CheckpointManager(
                self.directory,
                options=ocp.CheckpointManagerOptions(
                    max_to_keep=keep, create=True, enable_async_checkpointing=True
                ),
            )
        except Exception as err:  # orbax raises many kinds of error for unreadable folders
            raise CheckpointError(
                f"cannot open checkpoint folder {self.directory}: {_first_line(err)}. Nothing "
                "was deleted; fix its permissions or pass another --workdir."
            ) from err

    def latest_epoch(self) -> int | None:
        """The epoch number of the newest complete checkpoint, or None."""
        return self._manager.latest_step()

    def save(self, epoch: int, state, extra, meta: dict) -> None:
        """Start saving after ``epoch`` (1-based count of finished epochs).

        Returns once the arrays are off the device (so the caller may donate them); the
        write to disk finishes in the background. A save orbax would skip (a checkpoint of
        this or a later epoch exists) or that fails raises :class:`CheckpointError`.
        """
        arrays = _arrays(state)
        parts = {"state": ocp.args.StandardSave(arrays), "meta": ocp.args.JsonSave(meta)}
        integrity = {"state": _digest(arrays), "meta": _json_digest(meta)}
        if extra is not None:
            extra_arrays = _arrays(extra)
            parts["extra"] = ocp.args.StandardSave(extra_arrays)
            integrity["extra"] = _digest(extra_arrays)
        parts["integrity"] = ocp.args.JsonSave(integrity)
        self._check_writable(epoch)
        latest = self.latest_epoch()
        if latest is not None and latest >= epoch:
            raise CheckpointError(
                f"cannot save epoch {epoch} in {self.directory}: it already holds epoch "
                f"{latest}; was its metadata edited, or is another run writing there?"
            )
        try:
            # Every process calls save (orbax coordinates multi-host writes itself). Errors of
            # the previous background save surface here.
            saved = self._manager.save(epoch, args=ocp.args.Composite(**parts))
        except Exception as err:
            raise CheckpointError(
                f"saving epoch {epoch} to {self.directory} failed: {_first_line(err)}"
            ) from err
        if not saved:
            raise CheckpointError(f"orbax skipped saving epoch {epoch} in {self.directory}")

    def _check_writable(self, epoch: int) -> None:
        # Orbax's background threads wait forever for a temporary folder they could not
        # create (the process then never exits): find out first, and fail with the path.
        probe = self.directory / f".write-probe-{os.getpid()}"
        try:
            probe.mkdir()
            probe.rmdir()
        except OSError as err:
            raise CheckpointError(
                f"cannot save epoch {epoch}: {self.directory} is not writable ({err.strerror}); "
                "the checkpoints already there are kept. Fix its permissions or free space."
            ) from None

    def restore(self, template, extra_template=None):
        """Restore the newest checkpoint that verifies into the structure of ``template``.

        Returns ``(state, extra, meta)``; ``extra`` is restored only when an
        ``extra_template`` is given (else None). A checkpoint whose arrays or metadata do
        not match their recorded hashes, or that cannot be read, is reported and skipped for
        the next older one; the damaged newer ones are moved to ``corrupt_checkpoints/``
        beside the folder (never deleted) so training can write those epochs again. Raises
        :class:`CheckpointError`, leaving everything as it was, when the checkpoints were
        written for a different model or optimizer, or when none verifies.
        """
        steps = sorted(self._manager.all_steps(), reverse=True)
        if not steps:
            raise CheckpointError(f"no checkpoint in {self.directory}")
        problems = []
        for step in steps:
            try:
                restored = self._restore_step(step, template, extra_template)
            except _Damaged as err:
                problems.append(f"checkpoint {self.directory / str(step)}: {err}")
                print(f"warning: {problems[-1]}; trying an older one", file=sys.stderr)
                continue
            if problems:
                self._quarantine([s for s in steps if s > step])
                print(f"resuming from the verified checkpoint of epoch {step}", file=sys.stderr)
            return restored
        raise CheckpointError(
            f"no checkpoint in {self.directory} verifies ({'; '.join(problems)[:600]}). It was "
            "left untouched. Use a new --workdir, or move the old one away to start afresh."
        )

    def _restore_step(self, step: int, template, extra_template):
        abstract = jax.tree.map(ocp.utils.to_shape_dtype_struct, _arrays(template))
        restored, integrity = self._read(step, with_extra=extra_template is not None)
        # Another model's checkpoint is refused outright (every older step would differ too).
        _check_shapes(abstract, restored["state"])
        meta = dict(restored["meta"])
        _verify(integrity, "state", restored["state"], meta)
        state = _from_arrays(template, _like(abstract, restored["state"]))
        extra = None
        if extra_template is not None:
            abstract_extra = jax.tree.map(ocp.utils.to_shape_dtype_struct, _arrays(extra_template))
            _check_shapes(abstract_extra, restored["extra"])
            _verify(integrity, "extra", restored["extra"], meta)
            extra = _from_arrays(extra_template, _like(abstract_extra, restored["extra"]))
        return state, extra, meta

    def _read(self, step: int, *, with_extra: bool):
        """The raw items of checkpoint ``step`` as saved, and its integrity record (or None)."""
        integrity = self._integrity(step)
        items = {"meta": ocp.args.JsonRestore(), "state": ocp.args.StandardRestore()}
        if with_extra:
            items["extra"] = ocp.args.StandardRestore()
        try:
            restored = self._manager.restore(step, args=ocp.args.Composite(**items))
        except Exception as err:
            raise _Damaged(f"unreadable ({_first_line(err)[:300]})") from err
        return restored, integrity

    def _integrity(self, step: int) -> dict | None:
        path = self.directory / str(step) / "integrity"
        if not path.exists():
            return None  # written before checkpoints carried hashes: metadata checks only
        try:
            return dict(
                self._manager.restore(
                    step, args=ocp.args.Composite(integrity=ocp.args.JsonRestore())
                )["integrity"]
            )
        except Exception as err:
            raise _Damaged(f"its integrity record is unreadable ({_first_line(err)})") from err

    def verify(self) -> list[tuple[int, str | None]]:
        """Check every checkpoint against its hashes: ``[(epoch, None or the problem)]``."""
        report = []
        for step in sorted(self._manager.all_steps()):
            try:
                if not (self.directory / str(step) / "integrity").exists():
                    raise _Damaged("it has no integrity record")
                has_extra = (self.directory / str(step) / "extra").exists()
                restored, integrity = self._read(step, with_extra=has_extra)
                meta = dict(restored["meta"])
                for name in ("state", "extra") if has_extra else ("state",):
                    _verify(integrity, name, restored[name], meta)
                report.append((step, None))
            except _Damaged as err:
                report.append((step, str(err)))
        return report

    def _quarantine(self, steps: list[int]) -> None:
        target = self.directory.parent / "corrupt_checkpoints"
        target.mkdir(exist_ok=True)
        for step in steps:
            name = f"{step}-{int(time.time())}"
            (self.directory / str(step)).rename(target / name)
            print(f"moved damaged checkpoint {step} to {target / name}", file=sys.stderr)
        self._manager.reload()

    def close(self) -> None:
        """Wait for the last background save and release orbax's threads."""
        try:
            self._manager.close()
        except Exception as err:
            raise CheckpointError(
                f"the last save to {self.directory} failed: {_first_line(err)}"
            ) from err

    def __enter__(self) -> "Checkpointer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Damaged(Exception):
    """A checkpoint that does not verify (restore then tries an older one)."""


def _verify(integrity: dict | None, name: str, arrays, meta: dict) -> None:
    missing = [k for k in META_KEYS if k not in meta]
    if missing:
        raise _Damaged(f"its metadata lacks {missing}")
    if integrity is None:
        return
    if integrity.get("meta") != _json_digest(meta):
        raise _Damaged("its metadata does not match the recorded hash")
    expected = integrity.get(name, {})
    for path, digest in _digest(arrays).items():
        if expected.get(path) != digest:
            raise _Damaged(f"array {name}{path} does not match its recorded hash")


def _like(abstract, restored):
    """``restored`` (arrays as saved) placed like the template's arrays (device, sharding)."""
    return jax.tree.map(
        lambda a, x: jax.device_put(np.asarray(x), a.sharding) if a.sharding else np.asarray(x),
        abstract,
        restored,
    )


def _first_line(err: Exception) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else repr(err)


def _check_shapes(expected, restored) -> None:
    exp = jax.tree_util.tree_flatten_with_path(expected)[0]
    got = jax.tree_util.tree_flatten_with_path(restored)[0]
    if len(exp) != len(got):
        raise CheckpointError(
            f"checkpoint holds {len(got)} arrays but the model needs {len(exp)}: "
            "it was written for a different model or optimizer"
        )
    for (path, e), (_, g) in zip(exp, got, strict=True):
        if tuple(e.shape) != tuple(g.shape):
            raise CheckpointError(
                f"checkpoint array {jax.tree_util.keystr(path)} has shape {tuple(g.shape)}, "
                f"the model needs {tuple(e.shape)}: it was written for a different model"
            )


logging.getLogger("absl").setLevel(logging.WARNING)
