"""K trials trained as one vmapped population, grouped by what cannot be vmapped.

Trials whose configurations differ only in the learning rate, the weight decay and model
options that keep the parameter shapes (a dropout rate, an activation) train together in one
compiled program (:func:`jaxnets.train.init_population`); anything else (widths, depth,
batch size, optimizer name, epochs, l1/l2) splits them into groups, one population each.
Every member starts from the same ``jax.random.key(fit.seed)`` and sees the same batches,
so member k is exactly the run ``jaxnets train --config`` gives its configuration alone.
"""

import dataclasses
import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from jaxnets import models, train
from jaxnets.data import holdout_split, load_dataset
from jaxnets.errors import InvalidArgumentError
from jaxnets.optim import OptimizerConfig, ScheduleConfig

METRICS = ("error", "loss")


@dataclass(frozen=True)
class Data:
    """A data set split for tuning: train and validation (held out of train), never test."""

    train: dict
    val: dict
    input_shape: tuple[int, ...]
    input_key: str
    num_classes: int
    dtype: object


def prepare_data(config: train.RunConfig, validation_fraction: float) -> Data:
    """Load ``config.dataset`` and hold out ``validation_fraction`` of its training split,
    exactly as ``fit`` does for ``config.fit`` with that fraction (same seed)."""
    dataset = load_dataset(config.dataset, data_dir=config.data_dir, seed=config.fit.seed)
    tr, val = holdout_split(dataset.train, validation_fraction, seed=config.fit.seed)
    dtype = dataset.train[dataset.input_key].dtype
    return Data(tr, val, dataset.input_shape, dataset.input_key, dataset.num_classes, dtype)


def check_population_optimizer(optimizer: OptimizerConfig) -> None:
    """Populations train ``-lr * (direction + weight_decay * params)`` with the optimizer's
    default momentum/betas and a constant rate; refuse anything else rather than ignore it."""
    expected = OptimizerConfig(
        optimizer.name,
        optimizer.learning_rate,
        ScheduleConfig("constant"),
        weight_decay=optimizer.weight_decay,
    )
    if optimizer != expected:
        raise InvalidArgumentError(
            "tuning trains populations with a constant learning rate and the optimizer's "
            f"default settings; got {optimizer} (set schedule constant and leave momentum, "
            "betas, eps, decay and clip_norm at their defaults)"
        )


@partial(jax.jit, donate_argnums=0)
def guarded_population_step(pop: train.PopulationState, batch):
    """``population_train_step`` that lets a member diverge without stopping the others.

    ``fit`` stops on a non-finite loss; one diverged learning rate must not end the other
    K - 1 trials, so non-finite losses are reported as 0 and flagged in ``diverged`` (K,).
    """
    pop, metrics = train.population_train_step(pop, batch)
    losses = [k for k in metrics if k == "loss" or k.endswith("_loss")]
    bad = jnp.zeros(pop.size, bool)
    for k in losses:
        bad = bad | ~jnp.isfinite(metrics[k])
    metrics = {
        k: jnp.where(jnp.isfinite(v), v, 0.0) if k in losses else v for k, v in metrics.items()
    }
    return pop, {**metrics, "diverged": bad.astype(jnp.float32)}


def _model(config: train.RunConfig, num_classes: int):
    return models.create(config.model, num_classes=num_classes, **config.model_options)


def _shapes(model, data: Data) -> str:
    x = jnp.zeros((1, *data.input_shape), data.dtype)
    shapes = jax.eval_shape(lambda: model.init(jax.random.key(0), x))
    return str(jax.tree.map(lambda s: (s.shape, str(s.dtype)), shapes))


def group_key(config: train.RunConfig, data: Data) -> str:
    """Configs with equal keys train in one population."""
    values = config.to_dict()
    for name in ("learning_rate", "weight_decay"):
        values["optimizer"].pop(name)
    values.pop("model_options")
    return json.dumps(values, sort_keys=True) + _shapes(_model(config, data.num_classes), data)


def group(configs: Sequence[train.RunConfig], data: Data) -> list[list[int]]:
    """Indices of ``configs`` grouped by :func:`group_key`, in first-seen order."""
    groups: dict[str, list[int]] = {}
    for i, config in enumerate(configs):
        groups.setdefault(group_key(config, data), []).append(i)
    return list(groups.values())


# One optimizer transformation per name, shared by every population of this process: states
# with equal static fields (model, tx, objective) reuse the compiled steps.
_TX: dict[str, object] = {}


def init_population(
    members: Sequence, objective, data: Data, *, key, optimizer: str, learning_rate, weight_decay
) -> train.PopulationState:
    """What ``train.init_population(members[0], ..., keys=[key] * K, model_options=...)``
    gives, built from one initialisation per distinct model instead of one per member.

    Every member starts from the same key, so members with equal models have equal
    parameters; ``init_population`` initialises (and compiles) once per member, K times
    slower on a CPU than the training of a small population itself.
    """
    distinct = tuple(dict.fromkeys(members))
    singles = []
    for model in distinct:
        one = train.init_population(
            model, objective, data.input_shape, keys=[key], optimizer=optimizer, dtype=data.dtype
        )
        tx = _TX.setdefault(optimizer, one.state.tx)
        singles.append(one.state.replace(apply_fn=distinct[0].apply, tx=tx))
    index = np.array([distinct.index(m) for m in members], np.int32)
    state = jax.tree.map(lambda *xs: jnp.concatenate(xs)[index], *singles)  # (K, ...)
    hyper = dict(state.opt_state.hyperparams)
    hyper["learning_rate"] = jnp.asarray(learning_rate, hyper["learning_rate"].dtype)
    hyper["weight_decay"] = jnp.asarray(weight_decay, hyper["weight_decay"].dtype)
    opt_state = state.opt_state._replace(hyperparams=hyper)
    return train.PopulationState(state.replace(opt_state=opt_state), jnp.asarray(index), distinct)


@dataclass
class Outcome:
    """One member's result: objective ``value``, per-epoch validation rows, and cost."""

    value: float
    history: list[dict]
    diverged: bool
    seconds: float
    pruned_at: int | None = None


def value_of(row: dict, metric: str, diverged: bool) -> float:
    """The objective of one member's validation row (minimised)."""
    if diverged:
        return 1.0 if metric == "error" else math.inf
    return 1.0 - row["val_accuracy"] if metric == "error" else row["val_loss"]


def train_group(
    configs: Sequence[train.RunConfig],
    data: Data,
    metric: str = "error",
    on_epoch: Callable[[int, list[float]], list[bool]] | None = None,
) -> list[Outcome]:
    """Train ``configs`` (one group) as one population; one :class:`Outcome` each.

    Without ``on_epoch`` the whole run is one ``fit``. With it, ``fit`` runs one epoch at a
    time (epoch e shuffles with seed ``fit.seed + e``) and ``on_epoch(epoch, values)``
    returns which members are still wanted; the population stops when none is.
    """
    c0, size = configs[0], len(configs)
    members = [_model(c, data.num_classes) for c in configs]
    spec = models.get_spec(c0.model)
    objective = train.Objective(
        loss=spec.loss, target=spec.target, input_key=data.input_key, l1=c0.l1, l2=c0.l2
    )
    start = time.perf_counter()
    pop = init_population(
        members,
        objective,
        data,
        key=jax.random.key(c0.fit.seed),
        optimizer=c0.optimizer.name,
        learning_rate=[c.optimizer.learning_rate for c in configs],
        weight_decay=[c.optimizer.weight_decay for c in configs],
    )
    fit_config = dataclasses.replace(
        c0.fit, validation_fraction=0.0, early_stopping_patience=None, progress=False
    )
    step = guarded_population_step
    eval_fn = train.population_eval_step
    rows: list[dict] = []
    pruned_at: list[int | None] = [None] * size

    def prune(row: dict) -> bool:
        # fit's per-epoch hook: the pruner sees each epoch's values; all pruned stops the run.
        rows.append(row)
        wanted = on_epoch(row["epoch"] - 1, _values(rows, metric, size))
        for k in range(size):
            if not wanted[k] and pruned_at[k] is None:
                pruned_at[k] = row["epoch"]
        return all(p is not None for p in pruned_at)

    result = train.fit(
        pop,
        data.train,
        data.val,
        fit_config,
        step=step,
        eval_fn=eval_fn,
        on_epoch=prune if on_epoch is not None else None,
    )
    rows = result.history
    seconds = (time.perf_counter() - start) / size
    return [_outcome(rows, k, metric, seconds, pruned_at[k]) for k in range(size)]


def _member_rows(rows: list[dict], k: int) -> list[dict]:
    out = []
    for row in rows:
        out.append(
            {
                "epoch": row["epoch"],
                "val_loss": float(row["test_loss"][k]),
                "val_accuracy": float(row["test_accuracy"][k]) if "test_accuracy" in row else None,
                "diverged": bool(row["train_diverged"][k] > 0),
            }
        )
    return out


def _values(rows: list[dict], metric: str, size: int) -> list[float]:
    values = []
    for k in range(size):
        member = _member_rows(rows, k)
        values.append(value_of(member[-1], metric, any(r["diverged"] for r in member)))
    return values


def _outcome(rows, k, metric, seconds, pruned_at) -> Outcome:
    member = _member_rows(rows, k)
    diverged = any(r["diverged"] for r in member) or not np.isfinite(member[-1]["val_loss"])
    return Outcome(value_of(member[-1], metric, diverged), member, diverged, seconds, pruned_at)
