"""A tiny tuning problem: a one-hidden-layer MLP on digits, a few epochs."""

import pytest

from jaxnets.optim import OptimizerConfig, ScheduleConfig
from jaxnets.train import FitConfig, RunConfig
from jaxnets.tune import Float, SearchSpace


@pytest.fixture
def base() -> RunConfig:
    return RunConfig(
        model="mlp",
        model_options={"hidden": (16,)},
        dataset="digits",
        optimizer=OptimizerConfig("adam", 1e-3, ScheduleConfig("constant")),
        fit=FitConfig(epochs=2, batch_size=64, progress=False),
    )


@pytest.fixture
def lr_space() -> SearchSpace:
    return SearchSpace(
        {
            "optimizer.learning_rate": Float(1e-4, 3.0, log=True),
            "optimizer.weight_decay": Float(1e-6, 1e-2, log=True),
        }
    )
