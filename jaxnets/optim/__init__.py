"""Optimizers (optax transformations by name) and ``step -> value`` schedules."""

from jaxnets.optim._alias import OPTIMIZERS, OptimizerConfig, from_config
from jaxnets.optim._schedules import (
    SCHEDULES,
    Schedule,
    ScheduleConfig,
    constant,
    cosine,
    make_schedule,
    robbins_monro,
    step_decay,
)

__all__ = [
    "OPTIMIZERS",
    "SCHEDULES",
    "OptimizerConfig",
    "Schedule",
    "ScheduleConfig",
    "constant",
    "cosine",
    "from_config",
    "make_schedule",
    "robbins_monro",
    "step_decay",
]
