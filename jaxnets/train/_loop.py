"""The training loop: epochs of compiled steps, evaluation, early stopping, checkpoints."""

import contextlib
import dataclasses
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

from jaxnets.data import batches, holdout_split, num_batches, split_length
from jaxnets.train import _parallel
from jaxnets.train._checkpoint import Checkpointer
from jaxnets.train._progress import Progress, Stopwatch
from jaxnets.train._scan import SCAN_MAX_BYTES, data_bytes, epoch_batches, scan_epoch
from jaxnets.train._state import TrainState
from jaxnets.train._steps import check_batch, eval_step, mean_metrics, train_step

PARALLEL = ("none", "pmap", "sharded")


class NonFiniteLossError(FloatingPointError):
    """The training loss became NaN or infinite; the last good checkpoint was kept."""


@dataclass(frozen=True)
class FitConfig:
    """How to run :func:`fit`.

    ``validation_fraction`` holds out that share of the training split (seeded) for early
    stopping: training stops after ``early_stopping_patience`` epochs without the validation
    loss improving by more than ``min_delta``, and with ``restore_best`` the returned state
    has the best epoch's parameters. ``check_every`` is how many steps pass between host
    reads of the loss (for the bar and the NaN check); a larger value dispatches more freely.

    ``parallel`` splits each batch over the devices: ``"none"`` (one device), ``"pmap"`` or
    ``"sharded"`` (sharded jit over a 1-D mesh of all devices, also across processes).
    ``scan``: ``True`` runs each epoch as one compiled ``lax.scan`` with the data resident on
    device (:func:`jaxnets.train.scan_epoch`); ``"auto"`` does so when ``parallel="none"``,
    the training arrays take less than 1 GiB, and the model is not convolutional on a CPU
    (see :func:`_scan_pays_off`); ``False`` steps batch by batch. Both visit the
    same batches in the same order, so they end with the same parameters.
    """

    epochs: int = 10
    batch_size: int = 128
    eval_batch_size: int = 1000
    seed: int = 0
    validation_fraction: float = 0.0
    early_stopping_patience: int | None = None
    min_delta: float = 0.0
    restore_best: bool = True
    keep_checkpoints: int = 3
    progress: bool = True
    check_every: int = 50
    parallel: str = "none"
    scan: bool | str = "auto"

    def __post_init__(self):
        if self.parallel not in PARALLEL:
            raise ValueError(f"parallel must be one of {PARALLEL}, got {self.parallel!r}")
        if self.scan not in ("auto", True, False):
            raise ValueError(f"scan must be 'auto', True or False, got {self.scan!r}")
        if self.scan is True and self.parallel != "none":
            raise ValueError(
                "scan=True runs whole epochs on one device; use parallel='none', or "
                "scan='auto'/False with parallel='pmap'/'sharded'"
            )
        if self.epochs < 0 or self.batch_size <= 0 or self.eval_batch_size <= 0:
            raise ValueError("epochs must be >= 0 and batch sizes > 0")
        if not 0.0 <= self.validation_fraction < 1.0:
            raise ValueError(
                f"validation_fraction must be in [0, 1), got {self.validation_fraction}"
            )
        if self.early_stopping_patience is not None and self.validation_fraction == 0.0:
            raise ValueError(
                "early stopping needs a held-out split: set validation_fraction > 0 "
                "(e.g. 0.1) together with early_stopping_patience"
            )


@dataclass(frozen=True)
class FitResult:
    """The final state, one history row per epoch, and how the run ended."""

    state: TrainState
    history: list[dict] = field(default_factory=list)
    stopped_early: bool = False
    best_epoch: int | None = None
    compile_s: float = 0.0


def evaluate(state: TrainState, split: dict, batch_size: int = 1000) -> dict[str, float]:
    """Count-weighted mean metrics of ``state`` over every example of ``split``.

    The last batch is padded and masked, so every example counts exactly once and only one
    shape is ever compiled.
    """
    batch_size = min(batch_size, split_length(split))
    metrics = [
        eval_step(state, batch)
        for batch in batches(split, batch_size, shuffle=False, remainder="pad")
    ]
    return mean_metrics(metrics)


def fit(
    state: TrainState,
    train: dict,
    test: dict | None = None,
    config: FitConfig = FitConfig(),
    *,
    workdir: str | Path | None = None,
    parallel: str | None = None,
    scan: bool | str | None = None,
) -> FitResult:
    """Train ``state`` on the ``train`` split for ``config.epochs`` epochs.

    Splits are dicts of arrays (``"image"`` (N, ...), ``"label"`` (N,)). Each epoch's order is
    :func:`jaxnets.train.epoch_permutation` of ``(config.seed, epoch)`` (the same on the
    stepped and the scanned path), so the run is deterministic and a run resumed from
    ``workdir`` (checkpoints after every epoch, metrics as JSON lines in
    ``workdir/metrics.jsonl``) ends with exactly the parameters of an uninterrupted one.

    ``parallel`` and ``scan``, when given, override the fields of ``config`` (see
    :class:`FitConfig`); the NaN check runs every ``check_every`` steps when stepping and
    once per epoch when scanning.

    Raises :class:`NonFiniteLossError` naming the step where the loss stopped being finite
    (nothing is saved for that epoch, so the last good checkpoint stays the latest).
    """
    overrides = {"parallel": parallel, "scan": scan}
    config = dataclasses.replace(config, **{k: v for k, v in overrides.items() if v is not None})
    val = None
    if config.validation_fraction:
        train, val = holdout_split(train, config.validation_fraction, seed=config.seed)
    n_train = split_length(train)
    batch_size = min(config.batch_size, n_train)
    steps_per_epoch = num_batches(n_train, batch_size, "drop")
    first = next(epoch_batches(train, batch_size, seed=config.seed, epoch=0))
    check_batch(state, first)
    runner = _make_runner(state, train, first, batch_size, config)

    # Host copies: the device buffers of `state` are donated to the first step.
    best = _host_copy({"params": state.params, "model_state": state.model_state})
    meta = {"epoch": 0, "history": [], "best_loss": math.inf, "best_epoch": None, "bad": 0}
    workdir = Path(workdir) if workdir is not None else None
    with contextlib.ExitStack() as stack:
        checkpointer = None
        if workdir is not None:
            checkpointer = stack.enter_context(
                Checkpointer(workdir / "checkpoints", keep=config.keep_checkpoints)
            )
            if checkpointer.latest_epoch() is not None:
                state, best, meta = checkpointer.restore(state, best)

        progress = Progress(config.progress)
        with Stopwatch() as sw:
            runner.compile(state)
        progress.compiled(runner.name, sw.seconds)
        compile_s = sw.seconds

        history = list(meta["history"])
        stopped_early = _should_stop(meta, config)
        for epoch in range(meta["epoch"], 0 if stopped_early else config.epochs):
            progress.start_epoch(epoch + 1, config.epochs, steps_per_epoch * batch_size)
            state, row = runner.run_epoch(state, epoch, progress)
            if val is not None:
                row.update(_prefixed("val", evaluate(state, val, config.eval_batch_size)))
            if test is not None:
                row.update(_prefixed("test", evaluate(state, test, config.eval_batch_size)))
            history.append(row)
            progress.end_epoch(_describe(row))

            if val is not None:
                if row["val_loss"] < meta["best_loss"] - config.min_delta:
                    meta.update(best_loss=row["val_loss"], best_epoch=epoch + 1, bad=0)
                    best = _host_copy({"params": state.params, "model_state": state.model_state})
                else:
                    meta["bad"] += 1
            meta.update(epoch=epoch + 1, history=history)
            if checkpointer is not None:
                checkpointer.save(epoch + 1, state, best, meta)
                _write_metrics(workdir / "metrics.jsonl", history)
            if _should_stop(meta, config):
                stopped_early = True
                break

    if val is not None and config.restore_best and meta["best_epoch"] is not None:
        state = state.replace(params=best["params"], model_state=best["model_state"])
    return FitResult(state, history, stopped_early, meta["best_epoch"], compile_s)


def _scan_pays_off(state) -> bool:
    """False for convolutional models on CPU, where the scanned epoch is the slower path.

    Inside XLA:CPU's rolled while loop the conv weight-gradient keeps a non-default layout
    and falls back to generic loop code: LeNet-5 measured 75 ms per step scanned against
    3.9 ms unrolled (benchmarks/README.md), and 43 vs 15 ms per step in a loaded re-check.
    Conv kernels are the only 4-D parameters (H, W, C_in, C_out) in jaxnets' models.
    """
    if jax.default_backend() != "cpu":
        return True
    return not any(leaf.ndim == 4 for leaf in jax.tree.leaves(state.params))


def _make_runner(state, train, first, batch_size: int, config: FitConfig):
    use_scan = config.scan is True or (
        config.scan == "auto"
        and config.parallel == "none"
        and data_bytes(train) < SCAN_MAX_BYTES
        and _scan_pays_off(state)
    )
    if use_scan:
        return _ScanRunner(train, batch_size, config)
    return _StepRunner(train, first, batch_size, config)


class _StepRunner:
    """Epochs of one compiled step per batch, on one device or split over all of them."""

    def __init__(self, train, first, batch_size: int, config: FitConfig):
        self.train, self.first, self.batch_size, self.config = train, first, batch_size, config
        parallel = config.parallel
        self.name = {"none": "train_step", "pmap": "pmap_train_step"}.get(
            parallel, "sharded_train_step"
        )
        if parallel == "none":
            self.place, self.unplace, self.prepare = _same, _same, _same
            self.step = train_step
            self.metrics = _same
        elif parallel == "pmap":
            devices = jax.local_device_count()
            self.place, self.unplace = _parallel.replicate, _parallel.unreplicate
            self.prepare = lambda b: _parallel.shard_for_pmap(b, devices)
            self.step = _parallel.pmap_train_step
            self.metrics = _parallel.unreplicate  # every device holds the same means
        else:
            mesh = _parallel.make_mesh()
            self.place = lambda s: _parallel.replicate_on_mesh(s, mesh)
            self.unplace = _same
            self.prepare = lambda b: _parallel.shard_batch(b, mesh)
            self.step = _parallel.sharded_train_step(mesh)
            self.metrics = _same
        self.prepare(first)  # a batch that does not split over the devices fails here

    def compile(self, state):
        self.step_fn = self.step.lower(self.place(state), self.prepare(self.first)).compile()

    def run_epoch(self, state, epoch: int, progress):
        """One pass over the split; returns the (unplaced) state and the epoch's row."""
        config, batch_size = self.config, self.batch_size
        first_step = int(state.step)
        step_metrics = []
        check = config.check_every
        with Stopwatch() as sw:
            placed = self.place(state)
            for batch in epoch_batches(self.train, batch_size, seed=config.seed, epoch=epoch):
                placed, metrics = self.step_fn(placed, self.prepare(batch))
                step_metrics.append(self.metrics(metrics))
                if len(step_metrics) % check == 0:
                    recent = step_metrics[-check:]
                    _check_finite(recent, first_step + len(step_metrics) - check, epoch)
                    progress.advance(check * batch_size, loss=_last_loss(recent))
            state = self.unplace(placed)
            train_metrics = mean_metrics(step_metrics)
        _check_finite(step_metrics, first_step, epoch)
        progress.advance((len(step_metrics) % check) * batch_size)
        return state, _row(state, epoch, sw.seconds, len(step_metrics) * batch_size, train_metrics)


class _ScanRunner:
    """Whole epochs as one compiled ``lax.scan`` over data kept on the device."""

    name = "scan_epoch"

    def __init__(self, train, batch_size: int, config: FitConfig):
        self.data = jax.device_put({k: np.asarray(v) for k, v in train.items()})
        self.batch_size, self.config = batch_size, config

    def _args(self, epoch: int):
        return {"epoch": jnp.int32(epoch), "seed": jnp.int32(self.config.seed)}

    def compile(self, state):
        lowered = scan_epoch.lower(state, self.data, batch_size=self.batch_size, **self._args(0))
        self.epoch_fn = lowered.compile()

    def run_epoch(self, state, epoch: int, progress):
        first_step = int(state.step)
        with Stopwatch() as sw:
            state, stacked = self.epoch_fn(state, self.data, **self._args(epoch))
            stacked = jax.device_get(stacked)
            steps = len(stacked["loss"])
            step_metrics = [{k: v[i] for k, v in stacked.items()} for i in range(steps)]
            train_metrics = mean_metrics(step_metrics)
        _check_finite(step_metrics, first_step, epoch)
        examples = steps * self.batch_size
        progress.advance(examples, loss=float(np.mean(stacked["loss"])))
        return state, _row(state, epoch, sw.seconds, examples, train_metrics)


def _same(x):
    return x


def _row(state, epoch: int, seconds: float, examples: int, train_metrics: dict) -> dict:
    row = {"epoch": epoch + 1, "step": int(state.step), "epoch_s": seconds}
    row["examples_per_s"] = examples / max(seconds, 1e-9)
    row.update({f"train_{k}": v for k, v in train_metrics.items() if k != "count"})
    return row


def _host_copy(tree):
    return jax.tree.map(np.array, tree)


def _should_stop(meta: dict, config: FitConfig) -> bool:
    patience = config.early_stopping_patience
    return patience is not None and meta["bad"] >= patience


def _check_finite(step_metrics: list[dict], first_step: int, epoch: int) -> None:
    values = np.asarray(jax.device_get([m["loss"] for m in step_metrics]))
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        step = first_step + int(bad[0]) + 1
        raise NonFiniteLossError(
            f"training loss became {values[bad[0]]} at step {step} (epoch {epoch + 1}); "
            "stopped without saving this epoch, so the last good checkpoint is kept. "
            "Lower the learning rate or add gradient clipping."
        )


def _last_loss(step_metrics: list[dict]) -> float:
    return float(np.mean(jax.device_get([m["loss"] for m in step_metrics])))


def _prefixed(prefix: str, metrics: dict) -> dict:
    return {f"{prefix}_{k}": v for k, v in metrics.items() if k != "count"}


def _describe(row: dict) -> str:
    keys = ("train_loss", "val_loss", "test_loss", "test_accuracy")
    return ", ".join(f"{k}={row[k]:.4f}" for k in keys if k in row)


def _write_metrics(path: Path, history: list[dict]) -> None:
    # Rewritten from the checkpointed history each epoch so a resumed run never duplicates
    # or loses a line; only process 0 writes in multi-host runs.
    if jax.process_index() != 0:
        return
    tmp = path.with_suffix(".jsonl.tmp")
    tmp.write_text("".join(json.dumps(row) + "\n" for row in history))
    tmp.replace(path)
