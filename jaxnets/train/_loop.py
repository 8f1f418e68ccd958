"""The training loop: ``fit`` runs every kind of training through a step function.

Supervised training is the default step; a GAN, a vmapped population of K models, or any
custom objective passes its own ``step(state, batch) -> (state, metrics)``. Epochs, the
iteration order, the NaN/Inf check, checkpoints, early stopping, the progress display,
``metrics.jsonl`` and evaluation are written once, here.
"""

import contextlib
import dataclasses
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import jax
import jax.numpy as jnp

from jaxnets.data import batches, holdout_split, split_length
from jaxnets.errors import InvalidArgumentError, InvalidTypeError
from jaxnets.train._checkpoint import Checkpointer
from jaxnets.train._checks import check_split
from jaxnets.train._progress import MODES, Progress, Stopwatch
from jaxnets.train._runners import Guard, jitted, make_runner
from jaxnets.train._state import TrainState
from jaxnets.train._steps import _eval_step, _train_step, mean_metrics
from jaxnets.train._workdir import workdir_lock

PARALLEL = ("none", "pmap", "sharded")


def _positive_int(name: str, value, minimum: int = 1) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidArgumentError(f"{name} must be an integer >= {minimum}, got {value!r}")


@dataclass(frozen=True)
class FitConfig:
    """How to run :func:`fit`.

    ``validation_fraction`` holds out that share of the training split (seeded) for early
    stopping: training stops after ``early_stopping_patience`` epochs without the validation
    loss improving by more than ``min_delta``, and with ``restore_best`` the returned state
    has the best epoch's parameters. ``check_every`` is how many steps pass between host
    reads of the loss (for the bar and the NaN check); a larger value dispatches more freely.
    ``keep_checkpoints`` (>= 1) is how many epoch checkpoints a ``workdir`` keeps.

    ``parallel`` splits each batch over the devices: ``"none"`` (one device), ``"pmap"`` or
    ``"sharded"`` (sharded jit over a 1-D mesh of all devices, also across processes).
    ``scan``: ``True`` runs each epoch as one compiled ``lax.scan`` with the data resident on
    device (:func:`jaxnets.train.scan_epoch`); ``"auto"`` does so when ``parallel="none"``,
    the training arrays take less than 1 GiB, and the model is not convolutional on a CPU
    (see ``jaxnets.train._runners.scan_pays_off``); ``False`` steps batch by batch. Both
    visit the same batches in the same order, so they end with the same parameters.
    ``progress``: ``True`` shows a bar per epoch in a terminal and one line per epoch
    otherwise; ``"bar"`` or ``"lines"`` force one; ``False`` is silent.
    ``record_steps`` keeps every step's metrics in :attr:`FitResult.steps` (loss curves).
    ``divergence_factor``: a run whose training ``loss`` (mean over ``check_every`` steps)
    exceeds this multiple of its best epoch mean so far stops like a NaN run, before a
    diverging epoch can be saved over good checkpoints (``None`` turns the check off).
    """

    epochs: int = 10
    batch_size: int = 64
    eval_batch_size: int = 1000
    seed: int = 0
    validation_fraction: float = 0.0
    early_stopping_patience: int | None = None
    min_delta: float = 0.0
    restore_best: bool = True
    keep_checkpoints: int = 3
    progress: bool | str = True
    check_every: int = 50
    parallel: str = "none"
    scan: bool | str = "auto"
    record_steps: bool = False
    divergence_factor: float | None = 100.0

    def __post_init__(self):
        if self.progress not in MODES or (
            isinstance(self.progress, int) and not isinstance(self.progress, bool)
        ):
            raise InvalidArgumentError(
                f"progress must be True (bar in a terminal, else one line per epoch), 'bar', "
                f"'lines' or False, got {self.progress!r}"
            )
        if self.parallel not in PARALLEL:
            raise InvalidArgumentError(f"parallel must be one of {PARALLEL}, got {self.parallel!r}")
        if self.scan not in ("auto", True, False):
            raise InvalidArgumentError(f"scan must be 'auto', True or False, got {self.scan!r}")
        if self.scan is True and self.parallel != "none":
            raise InvalidArgumentError(
                "scan=True runs whole epochs on one device; use parallel='none', or "
                "scan='auto'/False with parallel='pmap'/'sharded'"
            )
        _positive_int("epochs", self.epochs, minimum=0)
        _positive_int("batch_size", self.batch_size)
        _positive_int("eval_batch_size", self.eval_batch_size)
        _positive_int("check_every", self.check_every)
        _positive_int("keep_checkpoints", self.keep_checkpoints)
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise InvalidTypeError(f"seed must be an integer, got {self.seed!r}")
        if not 0.0 <= self.validation_fraction < 1.0:
            raise InvalidArgumentError(
                f"validation_fraction must be in [0, 1), got {self.validation_fraction}"
            )
        if self.divergence_factor is not None and not self.divergence_factor > 1:
            raise InvalidArgumentError(
                f"divergence_factor must be > 1 or None, got {self.divergence_factor!r}"
            )
        if self.early_stopping_patience is not None:
            _positive_int("early_stopping_patience", self.early_stopping_patience)
            if self.validation_fraction == 0.0:
                raise InvalidArgumentError(
                    "early stopping needs a held-out split: set validation_fraction > 0 "
                    "(e.g. 0.1) together with early_stopping_patience"
                )


@dataclass(frozen=True)
class FitResult:
    """The final state, one history row per epoch, and how the run ended.

    ``steps`` holds every step's metrics when ``FitConfig.record_steps`` is set.
    """

    state: object
    history: list[dict] = field(default_factory=list)
    stopped_early: bool = False
    best_epoch: int | None = None
    compile_s: float = 0.0
    steps: list[dict] = field(default_factory=list)


def evaluate(state, split: dict, batch_size: int = 1000, *, eval_fn: Callable = _eval_step):
    """Count-weighted mean metrics of ``state`` over every example of ``split``.

    ``eval_fn(state, batch) -> metrics`` (with ``"count"``) defaults to the supervised eval
    step; a population passes :func:`jaxnets.train.population_eval_step` and gets lists of K
    values. The last batch is padded and masked, so every example counts exactly once and
    only one shape is ever compiled. For a :class:`TrainState` the split is checked first
    (dict of arrays, shapes and dtypes, finite inputs, labels within the model's classes).
    """
    _positive_int("batch_size", batch_size)
    _check_splits(state, split=split)
    return _evaluate(state, split, batch_size, eval_fn)


def _evaluate(state, split: dict, batch_size: int, eval_fn: Callable) -> dict:
    batch_size = min(batch_size, split_length(split))
    step = jitted(eval_fn, donate=False)
    metrics = [step(state, b) for b in batches(split, batch_size, shuffle=False, remainder="pad")]
    return mean_metrics(metrics)


def fit(
    state,
    train: dict,
    test: dict | None = None,
    config: FitConfig = FitConfig(),
    *,
    workdir: str | Path | None = None,
    step: Callable | None = None,
    eval_fn: Callable | None = None,
    on_epoch: Callable[[dict], bool | None] | None = None,
    parallel: str | None = None,
    scan: bool | str | None = None,
) -> FitResult:
    """Train ``state`` on the ``train`` split for ``config.epochs`` epochs.

    Args:
      state: a :class:`TrainState` for supervised training, or any state pytree that
        ``step`` takes (a GAN's, a population's).
      train, test: splits, dicts of arrays with a common leading N (``"image"`` (N, ...),
        ``"label"`` (N,), ...). Each epoch's order is :func:`jaxnets.data.epoch_permutation`
        of ``(config.seed, epoch)``, the same on the stepped and the scanned path.
      step: ``(state, batch) -> (state, metrics)``, a pure function that ``fit`` compiles
        with the state donated. Default: the supervised train step. Metrics named ``loss``
        or ``*_loss`` are checked to be finite; ``count`` weighs epoch means.
      eval_fn: ``(state, batch) -> metrics`` for the validation and test splits. Default:
        the supervised eval step when ``step`` is not given, else none (then no ``test``
        or validation split may be given).
      workdir: checkpoints after every epoch (saved in the background while the next epoch
        trains) and ``metrics.jsonl``; a rerun resumes from the latest checkpoint and ends
        with exactly the parameters of an uninterrupted run.
      on_epoch: called with each epoch's history row (after evaluation and the checkpoint);
        returning True stops training there (a pruner, a custom stopping rule).
      parallel, scan: override the fields of ``config`` (see :class:`FitConfig`).

    Raises :class:`NonFiniteLossError` naming the step where a loss stopped being finite
    (nothing is saved for that epoch, so the last good checkpoint stays the latest).
    """
    overrides = {"parallel": parallel, "scan": scan}
    config = dataclasses.replace(config, **{k: v for k, v in overrides.items() if v is not None})
    if step is None:
        if not isinstance(state, TrainState):
            raise InvalidTypeError(
                f"fit got a {type(state).__name__} and no step: pass step= (e.g. "
                "train.gan_train_step for a GANState, train.population_train_step for a "
                "PopulationState), or a TrainState for supervised training"
            )
        step, eval_fn = _train_step, eval_fn or _eval_step
        # The supervised objective's splits are checked against the model (a custom step
        # may read its labels otherwise, e.g. the perceptron's -1/+1).
        _check_splits(state, train=train, test=test)
    else:
        _check_splits(None, train=train, test=test)
    val = None
    if config.validation_fraction:
        train, val = holdout_split(train, config.validation_fraction, seed=config.seed)
    if eval_fn is None and (test is not None or val is not None):
        raise InvalidArgumentError(
            "a test or validation split needs eval_fn=(state, batch) -> metrics to score it"
        )
    n_train = split_length(train)
    batch_size = min(config.batch_size, n_train)
    steps_per_epoch = n_train // batch_size
    first = next(batches(train, batch_size, seed=config.seed, epoch=0))
    runner = make_runner(state, step, train, first, batch_size, config)

    best = None  # a device copy of the best state, kept only when there is validation data
    meta = {"epoch": 0, "history": [], "best_loss": math.inf, "best_epoch": None, "bad": 0}
    workdir = Path(workdir) if workdir is not None else None
    progress = Progress(config.progress)
    step_rows: list[dict] = []
    with contextlib.ExitStack() as stack:
        checkpointer = None
        if workdir is not None:
            if jax.process_index() == 0:  # one run per workdir (re-entrant in this process)
                stack.enter_context(workdir_lock(workdir))
            checkpointer = stack.enter_context(
                Checkpointer(workdir / "checkpoints", keep=config.keep_checkpoints)
            )
            board = None
            if jax.process_index() == 0:  # TensorBoard event files, as metrics.jsonl
                board = stack.enter_context(_tensorboard(workdir))
            if checkpointer.latest_epoch() is not None:
                template = _snapshot(state) if val is not None else None
                state, best, meta = checkpointer.restore(state, template)
                progress.note(f"resuming from epoch {meta['epoch']} ({workdir})")

        placed = runner.place(state)
        progress.compiling(runner.name)
        with Stopwatch() as sw:
            runner.compile(placed)
        progress.compiled(sw.seconds)
        compile_s = sw.seconds

        history = list(meta["history"])
        guard = runner.guard = Guard(config.divergence_factor, history)
        stopped_early = _should_stop(meta, config)
        for epoch in range(meta["epoch"], 0 if stopped_early else config.epochs):
            progress.start_epoch(epoch + 1, config.epochs, steps_per_epoch * batch_size)
            with Stopwatch() as sw:
                placed, metrics = runner.run_epoch(placed, epoch, progress)
            if config.record_steps:
                step_rows.extend(metrics)
            state = runner.unplace(placed)
            row = {"epoch": epoch + 1, "step": (epoch + 1) * steps_per_epoch}
            row.update(epoch_s=sw.seconds, examples_per_s=len(metrics) * batch_size / sw.seconds)
            row.update(_prefixed("train", mean_metrics(metrics)))
            for name, split in (("val", val), ("test", test)):
                if split is not None:
                    scores = _evaluate(state, split, config.eval_batch_size, eval_fn)
                    row.update(_prefixed(name, scores))
            history.append(row)
            guard.end_epoch(row)
            progress.end_epoch(_describe(row), sw.seconds, len(metrics) * batch_size)

            if val is not None:
                if not isinstance(row["val_loss"], float):
                    raise InvalidArgumentError(
                        "validation and early stopping need one validation loss; this step "
                        "reports one per population member: evaluate members apart instead"
                    )
                if row["val_loss"] < meta["best_loss"] - config.min_delta:
                    meta.update(best_loss=row["val_loss"], best_epoch=epoch + 1, bad=0)
                    best = _snapshot(state)
                else:
                    meta["bad"] += 1
            meta.update(epoch=epoch + 1, history=history)
            if checkpointer is not None:
                checkpointer.save(epoch + 1, state, best, meta)
                _write_metrics(workdir / "metrics.jsonl", history)
                if board is not None:
                    _log_scalars(board, row)
            if on_epoch is not None and on_epoch(row):
                stopped_early = True
                progress.note(f"stopped at epoch {epoch + 1} by on_epoch")
                break
            if _should_stop(meta, config):
                stopped_early = True
                restored = "; restored its parameters" if config.restore_best else ""
                progress.note(
                    f"stopped early at epoch {epoch + 1} (best epoch {meta['best_epoch']}, "
                    f"val_loss {meta['best_loss']:.4f}){restored}"
                )
                break
        state = runner.unplace(placed)

    if best is not None and config.restore_best:
        state = _restore_best(state, best)
    return FitResult(state, history, stopped_early, meta["best_epoch"], compile_s, step_rows)


def _check_splits(state, **splits) -> None:
    """Each given split is a dict of arrays; for a TrainState, its values are checked too."""
    if isinstance(state, TrainState) and jnp.ndim(state.step) != 0:
        raise InvalidArgumentError(
            f"the state is replicated over {jnp.shape(state.step)[0]} devices (pmap's leading "
            "axis); pass train.unreplicate(state) to evaluate or fit it"
        )
    for name, split in splits.items():
        if split is None:
            continue
        if not isinstance(split, Mapping):
            raise InvalidTypeError(
                f"{name} must be a dict of arrays sharing their first axis (e.g. "
                f"{{'image': (N, 28, 28, 1), 'label': (N,)}}), got {type(split).__name__}"
            )
        if isinstance(state, TrainState):
            check_split(state, split, name)


def _snapshot(state):
    """A device copy of ``state`` that outlives the donation of ``state``'s buffers."""
    return jax.tree.map(lambda x: x.copy() if isinstance(x, jax.Array) else jnp.array(x), state)


def _restore_best(state, best):
    # Like Keras' restore_best_weights: the weights (and batch statistics) of the best epoch,
    # the step count and optimizer state of the last.
    if isinstance(state, TrainState):
        return state.replace(params=best.params, model_state=best.model_state)
    return best


def _should_stop(meta: dict, config: FitConfig) -> bool:
    patience = config.early_stopping_patience
    return patience is not None and meta["bad"] >= patience


def _prefixed(prefix: str, metrics: dict) -> dict:
    return {f"{prefix}_{k}": v for k, v in metrics.items() if k != "count"}


def _describe(row: dict) -> str:
    keys = [k for k in row if k.endswith(("loss", "accuracy")) and isinstance(row[k], float)]
    return ", ".join(f"{k}={row[k]:.4f}" for k in keys)


@contextlib.contextmanager
def _tensorboard(workdir: Path):
    """A tensorboardX writer on ``workdir/tensorboard`` (``tensorboard --logdir runs/``)."""
    from tensorboardX import SummaryWriter

    writer = SummaryWriter(logdir=str(workdir / TENSORBOARD_DIR))
    try:
        yield writer
    finally:
        writer.close()


TENSORBOARD_DIR = "tensorboard"


def _log_scalars(writer, row: dict) -> None:
    for name, value in row.items():
        if isinstance(value, float) and name not in ("epoch_s", "examples_per_s"):
            writer.add_scalar(name, value, global_step=row["epoch"])
    writer.add_scalar("time/epoch_s", row["epoch_s"], global_step=row["epoch"])
    writer.flush()


def _write_metrics(path: Path, history: list[dict]) -> None:
    # Rewritten from the checkpointed history each epoch so a resumed run never duplicates
    # or loses a line; only process 0 writes in multi-host runs.
    if jax.process_index() != 0:
        return
    tmp = path.with_suffix(".jsonl.tmp")
    tmp.write_text("".join(json.dumps(row) + "\n" for row in history))
    tmp.replace(path)
