"""How ``fit`` runs epochs: stepped or scanned, on one device or split over all, guarded.

A runner places the state on the devices once, compiles its step, and runs one epoch at a
time, returning every step's metrics on the host; :class:`_Guard` stops a run whose losses
are not finite or explode.
"""

import functools
import math
from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np

from jaxnets.data import batches, split_length
from jaxnets.errors import InvalidArgumentError, UserError
from jaxnets.train import _parallel
from jaxnets.train._scan import SCAN_MAX_BYTES, data_bytes, scan_epoch
from jaxnets.train._steps import _train_step


class NonFiniteLossError(UserError, FloatingPointError):
    """A training loss became NaN, infinite or exploded; the last good checkpoint was kept."""


@functools.cache
def jitted(fn: Callable, donate: bool):
    # One jit wrapper per step function, so repeated fits and evaluations reuse compilations.
    return jax.jit(fn, donate_argnums=0) if donate else jax.jit(fn)


def scan_pays_off(state) -> bool:
    """False for convolutional models on CPU, where the scanned epoch does not pay off.

    Inside XLA:CPU's rolled while loop, XLA's conv weight-gradient keeps a non-default layout
    and falls back to generic loop code: LeNet-5 measured 75 ms per step scanned against
    3.9 ms unrolled (benchmarks/README.md). Layers that ``Conv2D(impl="auto")`` computes as
    banded matmuls on CPU avoid it (LeNet-5's C1 and C3), but then the scanned epoch
    measured as fast as the stepped loop, not faster (benchmarks/results/
    train_throughput_cpu.json), while layers left to XLA's convolution keep the slow loop.
    Conv kernels (H, W, C_in, C_out) are jaxnets' only parameters of 4 or more dimensions
    (5 when a population stacks them).
    """
    if jax.default_backend() != "cpu":
        return True
    return not any(jnp.ndim(leaf) >= 4 for leaf in jax.tree.leaves(state))


def make_runner(state, step, train, first, batch_size: int, config):
    use_scan = config.scan is True or (
        config.scan == "auto"
        and config.parallel == "none"
        and data_bytes(train) < SCAN_MAX_BYTES
        and scan_pays_off(state)
    )
    if use_scan:
        return _ScanRunner(step, train, batch_size, config)
    return _StepRunner(step, train, first, batch_size, config)


def _same(x):
    return x


class _StepRunner:
    """Epochs of one compiled step per batch, on one device or split over all of them.

    The state is placed on the devices once (``place``) and stays there across epochs;
    ``unplace`` gives the single-device view used for evaluation and checkpoints.
    """

    def __init__(self, step, train, first, batch_size: int, config):
        self.train, self.first, self.batch_size, self.config = train, first, batch_size, config
        self.place, self.unplace, self.prepare, self.host_view = _same, _same, _same, _same
        if config.parallel == "none":
            self.name = "the train step"
            self.step = jitted(step, donate=True)
        elif config.parallel == "pmap":
            if step is not _train_step:
                raise InvalidArgumentError(
                    "parallel='pmap' runs the supervised step only; use parallel='sharded' "
                    "for a custom step (any step function shards under jit)"
                )
            devices = jax.local_device_count()
            self.name = "the pmap train step"
            self.place, self.unplace = _parallel.replicate, _parallel.unreplicate
            self.prepare = lambda b: _parallel.shard_for_pmap(b, devices)
            self.step = _parallel.pmap_train_step
            # Every device holds the same means; the first is read on the host, not sliced
            # on the device each step.
            self.host_view = lambda m: jax.tree.map(lambda v: v[0], m)
        else:
            mesh = _parallel.make_mesh()
            self.name = "the sharded train step"
            self.place = lambda s: _parallel.replicate_on_mesh(s, mesh)
            self.prepare = lambda b: _parallel.shard_batch(b, mesh)
            self.step = _parallel.sharded_train_step(mesh, step)
        self.prepare(first)  # a batch that does not split over the devices fails here

    def compile(self, placed):
        self.step_fn = self.step.lower(placed, self.prepare(self.first)).compile()

    def run_epoch(self, placed, epoch: int, progress):
        """One pass over the split: the placed state, and every step's metrics (host)."""
        config, check = self.config, self.config.check_every
        pending, done = [], []
        for batch in batches(self.train, self.batch_size, seed=config.seed, epoch=epoch):
            placed, metrics = self.step_fn(placed, self.prepare(batch))
            pending.append(metrics)
            if len(pending) == check:
                done.extend(self._flush(pending, progress, len(done), epoch))
                pending = []
        done.extend(self._flush(pending, progress, len(done), epoch))
        return placed, done

    def _flush(self, pending, progress, offset: int, epoch: int):
        host = [self.host_view(m) for m in jax.device_get(pending)]
        steps_per_epoch = split_length(self.train) // self.batch_size
        self.guard.check(host, epoch * steps_per_epoch + offset, epoch)
        progress.advance(len(host) * self.batch_size, **_loss_means(host))
        return host


class _ScanRunner:
    """Whole epochs as one compiled ``lax.scan`` over data kept on the device."""

    name = "the scanned epoch"
    place = unplace = staticmethod(_same)

    def __init__(self, step, train, batch_size: int, config):
        self.data = jax.device_put({k: np.asarray(v) for k, v in train.items()})
        self.step, self.batch_size, self.config = step, batch_size, config

    def _args(self, epoch: int):
        return {"epoch": jnp.int32(epoch), "seed": jnp.int32(self.config.seed)}

    def compile(self, placed):
        lowered = scan_epoch.lower(
            placed, self.data, batch_size=self.batch_size, step=self.step, **self._args(0)
        )
        self.epoch_fn = lowered.compile()

    def run_epoch(self, placed, epoch: int, progress):
        # The metrics reach the host once per epoch here, so the guard sees them then.
        placed, stacked = self.epoch_fn(placed, self.data, **self._args(epoch))
        stacked = jax.device_get(stacked)
        steps = len(next(iter(stacked.values())))
        metrics = [{k: v[i] for k, v in stacked.items()} for i in range(steps)]
        self.guard.check(metrics, epoch * steps, epoch)
        progress.advance(steps * self.batch_size, **_loss_means(metrics))
        return placed, metrics


def _loss_names(metrics: dict) -> list[str]:
    return [k for k in metrics if k == "loss" or k.endswith("_loss")]


def _loss_means(host_metrics: list[dict]) -> dict[str, float]:
    """Scalar losses averaged over some steps, for the progress bar."""
    if not host_metrics:
        return {}
    names = [k for k in _loss_names(host_metrics[0]) if np.ndim(host_metrics[0][k]) == 0]
    return {k: float(np.mean([m[k] for m in host_metrics])) for k in names}


class Guard:
    """Stops a run whose losses are not finite, or whose training loss explodes.

    ``best`` is the lowest epoch-mean training ``loss`` so far; a window of steps whose mean
    exceeds ``factor * best`` is a diverging run (e.g. a resume with a learning rate 1e6
    times too large), stopped before its epoch is saved over good checkpoints.
    """

    def __init__(self, factor: float | None, history: list[dict]):
        self.factor = factor
        losses = [row["train_loss"] for row in history if isinstance(row.get("train_loss"), float)]
        self.best = min(losses, default=math.inf)

    def end_epoch(self, row: dict) -> None:
        if isinstance(row.get("train_loss"), float):
            self.best = min(self.best, row["train_loss"])

    def check(self, host_metrics: list[dict], first_step: int, epoch: int) -> None:
        """Raise :class:`NonFiniteLossError` at the first bad step of ``host_metrics``."""
        for i, metrics in enumerate(host_metrics):
            for name in _loss_names(metrics):
                value = np.asarray(metrics[name])
                if not np.all(np.isfinite(value)):
                    where = ""
                    if value.ndim:  # a population: say which members
                        where = f" for member(s) {np.flatnonzero(~np.isfinite(value)).tolist()}"
                    raise NonFiniteLossError(
                        f"training {name} became {value.tolist()}{where} at step "
                        f"{first_step + i + 1} (epoch {epoch + 1}); stopped without saving "
                        "this epoch, so the last good checkpoint is kept. Lower the learning "
                        "rate, or check the inputs for NaN values and the labels' range."
                    )
        losses = [m["loss"] for m in host_metrics if "loss" in m and np.ndim(m["loss"]) == 0]
        if self.factor is None or not losses or not math.isfinite(self.best):
            return
        mean = float(np.mean(losses))
        if mean > self.factor * max(self.best, 1e-12):
            raise NonFiniteLossError(
                f"training loss exploded to {mean:.4g} by step {first_step + len(losses)} "
                f"(epoch {epoch + 1}), over {self.factor:g}x its best epoch mean "
                f"{self.best:.4g}; stopped without saving this epoch, so the last good "
                "checkpoint is kept. Lower the learning rate (or raise divergence_factor)."
            )
