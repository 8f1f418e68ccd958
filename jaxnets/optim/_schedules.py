"""Learning-rate schedules as plain ``step -> value`` functions (optax convention).

>>> schedule = robbins_monro(0.1, tau=1.0, kappa=0.75)
>>> round(float(schedule(0)), 6), round(float(schedule(15)), 6)
(0.1, 0.0125)
"""

from collections.abc import Callable
from dataclasses import dataclass

import jax.numpy as jnp
import optax

Schedule = Callable[[int], float]


def robbins_monro(alpha0: float, *, tau: float = 1.0, kappa: float = 0.75) -> Schedule:
    """alpha_t = alpha0 / (tau + t)^kappa, normalised so alpha_0 = alpha0 when tau = 1.

    The Robbins-Monro conditions (sum alpha_t = inf, sum alpha_t^2 < inf) hold for
    kappa in (0.5, 1]; tau > 0 delays the decay (slows early forgetting).
    """
    if not 0.5 < kappa <= 1.0:
        raise ValueError(f"kappa must be in (0.5, 1] for Robbins-Monro convergence, got {kappa}")
    if tau <= 0:
        raise ValueError(f"tau must be positive, got {tau}")

    def schedule(step):
        return alpha0 * tau**kappa / (tau + jnp.asarray(step, jnp.float32)) ** kappa

    return schedule


def constant(value: float) -> Schedule:
    """alpha_t = value."""
    return optax.constant_schedule(value)


def cosine(alpha0: float, *, total_steps: int, warmup_steps: int = 0) -> Schedule:
    """Linear warm-up to alpha0, then cosine decay to 0 at ``total_steps``."""
    if warmup_steps:
        return optax.warmup_cosine_decay_schedule(0.0, alpha0, warmup_steps, total_steps)
    return optax.cosine_decay_schedule(alpha0, total_steps)


def step_decay(alpha0: float, *, every: int, factor: float = 0.1) -> Schedule:
    """alpha_t = alpha0 * factor^floor(t / every) (the "divide by 10 on plateau" recipe)."""
    return optax.exponential_decay(alpha0, every, factor, staircase=True)


SCHEDULES: tuple[str, ...] = ("constant", "robbins_monro", "cosine", "step")


@dataclass(frozen=True)
class ScheduleConfig:
    """A schedule by name; ``total_steps`` is filled in by the trainer for ``cosine``."""

    name: str = "constant"
    tau: float = 1.0
    kappa: float = 0.75
    warmup_steps: int = 0
    decay_every: int = 1000
    decay_factor: float = 0.1


def make_schedule(config: ScheduleConfig, learning_rate: float, total_steps: int) -> Schedule:
    """Build the schedule ``config.name`` starting at ``learning_rate``."""
    if config.name == "constant":
        return constant(learning_rate)
    if config.name == "robbins_monro":
        return robbins_monro(learning_rate, tau=config.tau, kappa=config.kappa)
    if config.name == "cosine":
        return cosine(learning_rate, total_steps=total_steps, warmup_steps=config.warmup_steps)
    if config.name == "step":
        return step_decay(learning_rate, every=config.decay_every, factor=config.decay_factor)
    raise ValueError(f"unknown schedule {config.name!r}; choose one of: {', '.join(SCHEDULES)}")
