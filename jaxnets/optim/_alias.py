"""Optimizers by name, as optax gradient transformations."""

from collections.abc import Callable
from dataclasses import dataclass, field

import optax

from jaxnets.errors import InvalidArgumentError, InvalidTypeError
from jaxnets.optim._schedules import ScheduleConfig, make_schedule
from jaxnets.optim._transforms import scale_by_adagrad


@dataclass(frozen=True)
class OptimizerConfig:
    """An optimizer by name with its hyperparameters.

    ``momentum`` is used by momentum/nesterov (and rmsprop's optional momentum),
    ``b1``/``b2``/``eps`` by adam, ``decay`` by rmsprop; ``weight_decay`` adds decoupled
    weight decay (AdamW-style) to any optimizer; ``clip_norm`` clips the global gradient norm.
    """

    name: str = "adam"
    learning_rate: float = 1e-3
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    momentum: float = 0.9
    b1: float = 0.9
    b2: float = 0.999
    eps: float = 1e-8
    decay: float = 0.9
    weight_decay: float = 0.0
    clip_norm: float | None = None


# Each builder is the optimizer's direction-finding part; the learning rate (and decoupled
# weight decay) are chained on in `from_config`, exactly as optax composes its own aliases.
_DIRECTIONS: dict[str, Callable[[OptimizerConfig], optax.GradientTransformation]] = {
    "sgd": lambda c: optax.identity(),
    "momentum": lambda c: optax.trace(decay=c.momentum),
    "nesterov": lambda c: optax.trace(decay=c.momentum, nesterov=True),
    "adagrad": lambda c: optax.scale_by_rss(initial_accumulator_value=0.1, eps=c.eps),
    # The lectures' form: accumulator from 0, eps outside the root (see scale_by_adagrad).
    "adagrad_lecture": lambda c: scale_by_adagrad(eps=c.eps),
    "rmsprop": lambda c: optax.scale_by_rms(decay=c.decay, eps=c.eps),
    # Lecture 004 (cs231n): x -= lr * dx / (sqrt(cache) + eps), eps outside the root.
    "rmsprop_lecture": lambda c: optax.scale_by_rms(decay=c.decay, eps=c.eps, eps_in_sqrt=False),
    "adam": lambda c: optax.scale_by_adam(b1=c.b1, b2=c.b2, eps=c.eps),
}

OPTIMIZERS: tuple[str, ...] = tuple(_DIRECTIONS)


def from_config(
    config: OptimizerConfig, *, total_steps: int | None = None
) -> optax.GradientTransformation:
    """The optax transformation for ``config``.

    ``total_steps`` (epochs x steps per epoch) is the run's length: a schedule that decays
    over the run (``cosine``) needs it and raises without it, rather than guessing one.
    The chain is clip (optional) -> direction (adam, momentum, ...) -> decoupled weight decay
    (optional, AdamW-style) -> ``-learning_rate(step)``.

    >>> import jax.numpy as jnp
    >>> tx = from_config(OptimizerConfig("sgd", learning_rate=0.1))
    >>> updates, _ = tx.update(jnp.ones(2), tx.init(jnp.zeros(2)))
    >>> [round(u, 6) for u in updates.tolist()]
    [-0.1, -0.1]
    """
    if not isinstance(config, OptimizerConfig):
        raise InvalidTypeError(
            f"from_config takes an OptimizerConfig, got {type(config).__name__}; "
            "e.g. optim.from_config(optim.OptimizerConfig('adam', learning_rate=1e-3))."
        )
    if config.name not in _DIRECTIONS:
        raise InvalidArgumentError(
            f"unknown optimizer {config.name!r}; choose one of: {', '.join(OPTIMIZERS)}"
        )
    if not config.learning_rate > 0:
        raise InvalidArgumentError(f"learning_rate must be positive, got {config.learning_rate}")
    if not config.weight_decay >= 0:
        raise InvalidArgumentError(f"weight_decay must be >= 0, got {config.weight_decay}")
    if config.clip_norm is not None and not config.clip_norm > 0:
        raise InvalidArgumentError(f"clip_norm must be positive or None, got {config.clip_norm}")
    schedule = make_schedule(config.schedule, config.learning_rate, total_steps)
    parts = []
    if config.clip_norm is not None:
        parts.append(optax.clip_by_global_norm(config.clip_norm))
    parts.append(_DIRECTIONS[config.name](config))
    if config.weight_decay:
        parts.append(optax.add_decayed_weights(config.weight_decay))
    parts.append(optax.scale_by_learning_rate(schedule))
    return optax.chain(*parts)
