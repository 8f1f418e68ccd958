"""Configuration of the hyperparameter-search comparison: one space, six strategies."""

from dataclasses import dataclass


@dataclass(frozen=True)
class SearchConfig:
    """An MLP with hidden widths ``features`` on the digits (``epochs`` of ``optimizer``,
    batch ``batch_size``), tuned over log learning rate in ``lr`` (it matters) and log weight
    decay in ``wd`` (too small to matter), by each of ``strategies`` with ``trials`` trials
    in populations of ``population``, once per search seed in ``seeds``."""

    features: tuple[int, ...] = (32,)
    optimizer: str = "sgd"
    epochs: int = 5
    batch_size: int = 64
    lr: tuple[float, float] = (1e-3, 10.0)
    wd: tuple[float, float] = (1e-8, 1e-5)
    strategies: tuple[str, ...] = ("grid", "random", "guided", "tpe", "bayes", "hypergrad")
    trials: int = 16
    population: int = 4
    seeds: tuple[int, ...] = (0, 1, 2)
    validation_fraction: float = 0.2


def get_config(*, quick: bool = False) -> SearchConfig:
    """Six strategies x 3 seeds x 16 trials, or with ``quick`` grid and random only,
    9 trials (a 3 x 3 grid) in one population each, 3 epochs, 3 seeds."""
    if quick:
        return SearchConfig(
            epochs=3, strategies=("grid", "random"), trials=9, population=9, seeds=(0, 1, 2)
        )
    return SearchConfig()
