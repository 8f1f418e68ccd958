"""Checkpoints with orbax: keep the last N, resume from the latest, never destroy on error.

Saves are asynchronous: ``save`` returns once the arrays are copied off the device, and
orbax writes them while the next epoch trains. Each save goes to a temporary folder renamed
when complete, so a process killed mid-save leaves the previous checkpoint as the latest.
"""

import logging
from pathlib import Path
from typing import Any

import jax
import orbax.checkpoint as ocp
from flax import serialization

from jaxnets.errors import UserError


class CheckpointError(UserError, RuntimeError):
    """A checkpoint directory that cannot be read or does not fit the model being trained."""


def _is_key(x) -> bool:
    return isinstance(x, jax.Array) and jax.dtypes.issubdtype(x.dtype, jax.dtypes.prng_key)


def _arrays(state) -> Any:
    """The state's arrays as nested dicts, typed keys as their raw ``key_data``.

    Only the pytree part of a state is saved (flax ``to_state_dict``); its functions and
    static fields are rebuilt from the config. Works for any flax struct state (a
    ``TrainState``, a GAN's, a population's) and for plain dicts.
    """
    tree = serialization.to_state_dict(state)
    return jax.tree.map(lambda x: jax.random.key_data(x) if _is_key(x) else x, tree)


def _from_arrays(template, arrays):
    """Rebuild a state shaped like ``template`` from ``arrays``, re-wrapping typed keys."""
    like = serialization.to_state_dict(template)
    arrays = jax.tree.map(
        lambda t, a: jax.random.wrap_key_data(a, impl=jax.random.key_impl(t)) if _is_key(t) else a,
        like,
        arrays,
    )
    return serialization.from_state_dict(template, arrays)


class Checkpointer:
    """Saves ``(state, extra arrays, JSON metadata)`` per epoch under ``directory``.

    ``extra`` holds arrays the loop needs to resume exactly (e.g. the best state seen, for
    early stopping; ``None`` when there is none); ``meta`` holds JSON (epoch, history).
    Orbax writes each checkpoint to a temporary folder and renames it when complete, so an
    interrupted save never replaces the previous good one. Saves run in the background;
    :meth:`close` (or leaving the ``with`` block, also on an error) waits for the last one.
    """

    def __init__(self, directory: str | Path, *, keep: int = 3):
        if not isinstance(keep, int) or keep < 1:
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
                f"cannot open checkpoint folder {self.directory}: {err}. Nothing was deleted; "
                "fix its permissions or pass another --workdir."
            ) from err

    def latest_epoch(self) -> int | None:
        """The epoch number of the newest complete checkpoint, or None."""
        return self._manager.latest_step()

    def save(self, epoch: int, state, extra, meta: dict) -> None:
        """Start saving after ``epoch`` (1-based count of finished epochs).

        Returns once the arrays are off the device (so the caller may donate them); the
        write to disk finishes in the background.
        """
        parts = {"state": ocp.args.StandardSave(_arrays(state)), "meta": ocp.args.JsonSave(meta)}
        if extra is not None:
            parts["extra"] = ocp.args.StandardSave(_arrays(extra))
        # Every process calls save (orbax coordinates multi-host writes itself).
        self._manager.save(epoch, args=ocp.args.Composite(**parts))

    def restore(self, template, extra_template=None):
        """Restore the latest checkpoint into the structure of ``template``.

        Returns ``(state, extra, meta)``; ``extra`` is restored only when an
        ``extra_template`` is given (else None). Raises :class:`CheckpointError` (leaving the
        folder as it is) when the checkpoint is unreadable or was written for a different
        model or optimizer.
        """
        epoch = self.latest_epoch()
        if epoch is None:
            raise CheckpointError(f"no checkpoint in {self.directory}")
        abstract = jax.tree.map(ocp.utils.to_shape_dtype_struct, _arrays(template))
        parts = {"state": ocp.args.StandardRestore(abstract), "meta": ocp.args.JsonRestore()}
        if extra_template is not None:
            abstract_extra = jax.tree.map(ocp.utils.to_shape_dtype_struct, _arrays(extra_template))
            parts["extra"] = ocp.args.StandardRestore(abstract_extra)
        try:
            restored = self._manager.restore(epoch, args=ocp.args.Composite(**parts))
            _check_shapes(abstract, restored["state"])
            state = _from_arrays(template, restored["state"])
            extra = None
            if extra_template is not None:
                _check_shapes(abstract_extra, restored["extra"])
                extra = _from_arrays(extra_template, restored["extra"])
        except CheckpointError:
            raise
        except Exception as err:
            first_line = str(err).strip().splitlines()[0] if str(err).strip() else repr(err)
            raise CheckpointError(
                f"cannot restore checkpoint {self.directory / str(epoch)}: {first_line[:300]}. "
                "It may be corrupt or written for another model/optimizer; it was left "
                "untouched. Use a new --workdir, or move the old one away to start afresh."
            ) from err
        return state, extra, dict(restored["meta"])

    def close(self) -> None:
        self._manager.close()

    def __enter__(self) -> "Checkpointer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


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
