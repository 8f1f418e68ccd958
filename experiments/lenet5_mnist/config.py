"""Default configuration: LeNet-5 on MNIST, 3 epochs, Adam 2e-3 with cosine decay, batch 64."""

from jaxnets.optim import OptimizerConfig, ScheduleConfig
from jaxnets.train import FitConfig, RunConfig


def get_config(data_dir: str | None = None, *, quick: bool = False) -> RunConfig:
    """The experiment's config; ``quick`` trains one epoch of an MLP on digits (smoke run)."""
    if quick:
        return RunConfig(
            model="mlp",
            dataset="digits",
            fit=FitConfig(epochs=1, batch_size=64, progress=False),
        )
    return RunConfig(
        model="lenet5",
        dataset="mnist",
        data_dir=data_dir,
        optimizer=OptimizerConfig("adam", 2e-3, ScheduleConfig("cosine")),
        fit=FitConfig(epochs=3, batch_size=64, seed=0),
    )
