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
from jaxnets.optim._transforms import ScaleByAdagradState, scale_by_adagrad

__all__ = [
    "OPTIMIZERS",
    "SCHEDULES",
    "OptimizerConfig",
    "ScaleByAdagradState",
    "Schedule",
    "ScheduleConfig",
    "constant",
    "cosine",
    "from_config",
    "make_schedule",
    "robbins_monro",
    "scale_by_adagrad",
    "step_decay",
]
