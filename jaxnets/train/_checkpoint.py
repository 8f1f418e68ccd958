"""Checkpoints with orbax: keep the last N, resume from the latest, never destroy on error."""

import logging
from pathlib import Path
from typing import Any

import jax
import orbax.checkpoint as ocp
from flax import serialization

from jaxnets.train._state import TrainState


class CheckpointError(RuntimeError):
    """A checkpoint directory that cannot be read or does not fit the model being trained."""


def _arrays(state: TrainState) -> dict[str, Any]:
    # Only the pytree part is saved; functions and specs are rebuilt from the config.
    return {
        "step": state.step,
        "params": state.params,
        "opt_state": serialization.to_state_dict(state.opt_state),
        "model_state": state.model_state,
        "key": state.key,
    }


class Checkpointer:
    """Saves ``(state, extra arrays, JSON metadata)`` per epoch under ``directory``.

    ``extra`` holds arrays the loop needs to resume exactly (e.g. the best parameters seen
    for early stopping); ``meta`` holds JSON (epoch, history). Orbax writes each checkpoint
    to a temporary folder and renames it when complete, so an interrupted save never
    replaces the previous good one.
    """

    def __init__(self, directory: str | Path, *, keep: int = 3):
        self.directory = Path(directory).absolute()
        if self.directory.exists() and not self.directory.is_dir():
            raise CheckpointError(f"checkpoint path {self.directory} exists and is not a folder")
        try:
            self._manager = ocp.CheckpointManager(
                self.directory,
                options=ocp.CheckpointManagerOptions(max_to_keep=keep, create=True),
            )
        except Exception as err:  # orbax raises many kinds of error for unreadable folders
            raise CheckpointError(
                f"cannot open checkpoint folder {self.directory}: {err}. Nothing was deleted; "
                "fix its permissions or pass another --workdir."
            ) from err

    def latest_epoch(self) -> int | None:
        """The epoch number of the newest complete checkpoint, or None."""
        return self._manager.latest_step()

    def save(self, epoch: int, state: TrainState, extra: dict, meta: dict) -> None:
        """Save after ``epoch`` (1-based count of finished epochs); blocks until written."""
        args = ocp.args.Composite(
            state=ocp.args.StandardSave(_arrays(state)),
            extra=ocp.args.StandardSave(extra),
            meta=ocp.args.JsonSave(meta),
        )
        # Every process calls save (orbax coordinates multi-host writes itself).
        self._manager.save(epoch, args=args)
        self._manager.wait_until_finished()

    def restore(self, template: TrainState, extra_template: dict) -> tuple[TrainState, dict, dict]:
        """Restore the latest checkpoint into the structure of ``template``.

        Raises :class:`CheckpointError` (leaving the folder as it is) when the checkpoint
        is unreadable or was written for a different model or optimizer.
        """
        epoch = self.latest_epoch()
        if epoch is None:
            raise CheckpointError(f"no checkpoint in {self.directory}")
        abstract = jax.tree.map(ocp.utils.to_shape_dtype_struct, _arrays(template))
        abstract_extra = jax.tree.map(ocp.utils.to_shape_dtype_struct, extra_template)
        try:
            restored = self._manager.restore(
                epoch,
                args=ocp.args.Composite(
                    state=ocp.args.StandardRestore(abstract),
                    extra=ocp.args.StandardRestore(abstract_extra),
                    meta=ocp.args.JsonRestore(),
                ),
            )
            arrays = restored["state"]
            _check_shapes(abstract, arrays)
            opt_state = serialization.from_state_dict(template.opt_state, arrays["opt_state"])
        except CheckpointError:
            raise
        except Exception as err:
            first_line = str(err).strip().splitlines()[0] if str(err).strip() else repr(err)
            raise CheckpointError(
                f"cannot restore checkpoint {self.directory / str(epoch)}: {first_line[:300]}. "
                "It may be corrupt or written for another model/optimizer; it was left "
                "untouched. Use a new --workdir, or move the old one away to start afresh."
            ) from err
        state = template.replace(
            step=arrays["step"],
            params=arrays["params"],
            opt_state=opt_state,
            model_state=arrays["model_state"],
            key=arrays["key"],
        )
        return state, restored["extra"], dict(restored["meta"])

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
