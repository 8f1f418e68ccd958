"""Learning-rate schedules as plain ``step -> value`` functions (optax convention).

>>> schedule = robbins_monro(0.1, tau=1.0, kappa=0.75)
>>> round(float(schedule(0)), 6), round(float(schedule(15)), 6)
(0.1, 0.0125)
"""

import numbers
from collections.abc import Callable
from dataclasses import dataclass

import jax.numpy as jnp
import optax

from jaxnets.errors import InvalidArgumentError

Schedule = Callable[[int], float]


def robbins_monro(alpha0: float, *, tau: float = 1.0, kappa: float = 0.75) -> Schedule:
    """alpha_t = alpha0 / (tau + t)^kappa, normalised so alpha_0 = alpha0 when tau = 1.

    The Robbins-Monro conditions (sum alpha_t = inf, sum alpha_t^2 < inf) hold for
    kappa in (0.5, 1]; tau > 0 delays the decay (slows early forgetting).
    """
    _check_robbins_monro(tau, kappa)

    def schedule(step):
        return alpha0 * tau**kappa / (tau + jnp.asarray(step, jnp.float32)) ** kappa

    return schedule


def constant(value: float) -> Schedule:
    """alpha_t = value."""
    return optax.constant_schedule(value)


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _check_robbins_monro(tau: float, kappa: float) -> None:
    if not 0.5 < kappa <= 1.0:
        raise InvalidArgumentError(
            f"kappa must be in (0.5, 1] for Robbins-Monro convergence, got {kappa}"
        )
    if not tau > 0:
        raise InvalidArgumentError(f"tau must be positive, got {tau}")


def _check_total_steps(total_steps: int | None, warmup_steps: int) -> int:
    if total_steps is None:
        raise InvalidArgumentError(
            "the cosine schedule decays over the whole run, so it needs its length: pass "
            "total_steps = epochs x steps per epoch (e.g. optim.from_config(config, "
            "total_steps=...)), or use the 'constant' schedule."
        )
    if not _is_int(total_steps) or total_steps < 1:
        raise InvalidArgumentError(f"total_steps must be an integer >= 1, got {total_steps!r}")
    if not 0 <= warmup_steps < total_steps:
        raise InvalidArgumentError(
            f"warmup_steps must be in [0, total_steps) = [0, {total_steps}), got {warmup_steps}; "
            "the warm-up has to end before the run does."
        )
    return total_steps


def cosine(alpha0: float, *, total_steps: int, warmup_steps: int = 0) -> Schedule:
    """Linear warm-up from 0 to alpha0 over ``warmup_steps``, then cosine decay to 0 at
    ``total_steps`` (>= 1, > ``warmup_steps``): without warm-up, alpha_t =
    alpha0 * (1 + cos(pi t / total_steps)) / 2, so alpha0 / 2 at t = total_steps / 2.
    """
    _check_total_steps(total_steps, warmup_steps)
    if warmup_steps:
        return optax.warmup_cosine_decay_schedule(0.0, alpha0, warmup_steps, total_steps)
    return optax.cosine_decay_schedule(alpha0, total_steps)


def step_decay(alpha0: float, *, every: int, factor: float = 0.1) -> Schedule:
    """alpha_t = alpha0 * factor^floor(t / every) (the "divide by 10 on plateau" recipe).

    ``every`` >= 1 steps, ``factor`` in (0, 1] (a factor above 1 would grow, not decay).
    """
    if not _is_int(every) or every < 1:
        raise InvalidArgumentError(f"decay_every must be an integer >= 1 step, got {every!r}")
    if not 0 < factor <= 1:
        raise InvalidArgumentError(f"decay_factor must be in (0, 1], got {factor}")
    return optax.exponential_decay(alpha0, every, factor, staircase=True)


SCHEDULES: tuple[str, ...] = ("constant", "robbins_monro", "cosine", "step")


@dataclass(frozen=True)
class ScheduleConfig:
    """A schedule by name and its fields, checked when built.

    ``cosine`` (with ``warmup_steps`` of linear warm-up) decays over the whole run, so
    building it needs ``total_steps``; ``tau`` > 0 and ``kappa`` in (0.5, 1] shape
    ``robbins_monro``; ``step`` multiplies by ``decay_factor`` in (0, 1] every
    ``decay_every`` >= 1 steps.
    """

    name: str = "constant"
    tau: float = 1.0
    kappa: float = 0.75
    warmup_steps: int = 0
    decay_every: int = 1000
    decay_factor: float = 0.1

    def __post_init__(self):
        if self.name not in SCHEDULES:
            raise InvalidArgumentError(
                f"unknown schedule {self.name!r}; choose one of: {', '.join(SCHEDULES)}"
            )
        _check_robbins_monro(self.tau, self.kappa)
        if not _is_int(self.warmup_steps) or self.warmup_steps < 0:
            raise InvalidArgumentError(
                f"warmup_steps must be an integer >= 0, got {self.warmup_steps!r}"
            )
        step_decay(1.0, every=self.decay_every, factor=self.decay_factor)  # validates both


def make_schedule(
    config: ScheduleConfig, learning_rate: float, total_steps: int | None = None
) -> Schedule:
    """Build the schedule ``config.name`` starting at ``learning_rate``.

    ``total_steps`` (epochs x steps per epoch, >= 1) is required by ``cosine`` and checked
    whenever it is given; the other schedules do not depend on the run's length.
    """
    if total_steps is not None:
        _check_total_steps(total_steps, 0)
    if config.name == "constant":
        return constant(learning_rate)
    if config.name == "robbins_monro":
        return robbins_monro(learning_rate, tau=config.tau, kappa=config.kappa)
    if config.name == "cosine":
        return cosine(learning_rate, total_steps=total_steps, warmup_steps=config.warmup_steps)
    if config.name == "step":
        return step_decay(learning_rate, every=config.decay_every, factor=config.decay_factor)
    raise InvalidArgumentError(
        f"unknown schedule {config.name!r}; choose one of: {', '.join(SCHEDULES)}"
    )
