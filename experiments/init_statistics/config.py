"""Configuration of the initialization-statistics experiment (lecture 000, after cs231n)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class InitStatisticsConfig:
    """The lecture's set-up: ``layers`` tanh layers of ``width`` units on a (``examples``,
    ``width``) N(0, 1) input; one row of ``schemes`` per initializer (name, its options,
    the activation). The symmetry part trains an MLP ``symmetry_features`` on the digits
    from W = 0 and from small random weights for ``symmetry_epochs`` epochs.
    """

    examples: int = 1000
    width: int = 500
    layers: int = 10
    schemes: tuple[tuple[str, str, tuple[tuple[str, float], ...], str], ...] = (
        ("W ~ N(0, 1)", "normal", (), "tanh"),
        ("0.01 N(0, 1)", "small_random", (), "tanh"),
        ("randn / sqrt(fan_in)", "fan_in_normal", (), "tanh"),
        ("Glorot uniform", "xavier", (), "tanh"),
        ("He, ReLU", "he", (), "relu"),
    )
    saturated: float = 0.99  # |tanh| above this counts as saturated
    symmetry_features: tuple[int, ...] = (32, 32, 10)
    symmetry_epochs: int = 10
    seed: int = 0
    # The lecture's printed stds (cs231n's run), shown beside ours: N(0, 1) at hidden layers
    # 1 and 10, and randn / sqrt(fan_in) at hidden layers 1-3.
    lecture_normal_std: tuple[float, ...] = (0.981879, 0.981736)
    lecture_fan_in_std: tuple[float, ...] = (0.627953, 0.486051, 0.407723)


def get_config(*, quick: bool = False) -> InitStatisticsConfig:
    """The lecture's sizes, or with ``quick`` a (200, 100) input and 3 symmetry epochs."""
    if quick:
        return InitStatisticsConfig(examples=200, width=100, symmetry_epochs=3)
    return InitStatisticsConfig()
