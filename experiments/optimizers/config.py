"""Configuration of the optimizer race: 2-D surfaces, an MLP, and Robbins-Monro."""

from dataclasses import dataclass


@dataclass(frozen=True)
class OptimizersConfig:
    """``surface_rates``: each optimizer's hand-picked step size on the 2-D surfaces
    (``surface_steps`` steps from fixed starts). ``grid``: the learning rates tried per
    optimizer on the MLP (each optimizer's grid is one population); the curve shown is the
    member with the lowest final training loss. ``rm_*``: SGD at a constant rate against
    the Robbins-Monro schedule alpha0 / (tau + t)^kappa from the same alpha0.
    """

    names: tuple[str, ...] = ("sgd", "momentum", "nesterov", "adagrad_lecture", "rmsprop", "adam")
    surface_rates: tuple[float, ...] = (0.08, 0.02, 0.02, 0.5, 0.05, 0.2)
    surface_steps: int = 150
    dataset: str = "mnist"
    train_examples: int = 12000
    features: tuple[int, ...] = (128, 10)
    grid: tuple[tuple[float, ...], ...] = (
        (0.1, 0.3, 1.0, 3.0),  # sgd
        (0.01, 0.03, 0.1, 0.3),  # momentum 0.9
        (0.01, 0.03, 0.1, 0.3),  # nesterov 0.9
        (0.01, 0.03, 0.1, 0.3),  # adagrad (the lectures' form)
        (0.0003, 0.001, 0.003, 0.01),  # rmsprop
        (0.001, 0.003, 0.01, 0.03),  # adam
    )
    epochs: int = 4
    batch_size: int = 64
    rm_alpha0: float = 0.5
    rm_tau: float = 100.0
    rm_kappa: float = 0.75
    seed: int = 0


def get_config(*, quick: bool = False) -> OptimizersConfig:
    """MNIST (first 12,000 images) for 4 epochs, or with ``quick`` the digits for 1."""
    if quick:
        return OptimizersConfig(dataset="digits", epochs=1, surface_steps=100)
    return OptimizersConfig()
