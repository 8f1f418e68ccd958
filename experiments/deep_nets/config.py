"""Configuration of the deep-nets experiment: 30-layer plain vs residual vs highway MLPs."""

import dataclasses
from dataclasses import dataclass


@dataclass(frozen=True)
class DeepNetsConfig:
    """One run: the same depth and width for every kind, the same optimizer and budget.

    ``depth`` hidden layers of ``width`` units (residual: depth / 2 two-layer blocks), trained
    with SGD + momentum for ``epochs`` epochs of ``batch_size`` examples (MNIST: 468 steps
    an epoch at 128).
    """

    dataset: str = "mnist"
    kinds: tuple[str, ...] = ("plain", "residual", "highway")
    depth: int = 30
    width: int = 64
    activation: str = "tanh"
    kernel_init: str = "xavier"
    gate_bias: float = -3.0  # Srivastava et al. use -1 to -3, lower for deeper nets
    learning_rate: float = 0.05
    momentum: float = 0.9
    batch_size: int = 128
    epochs: int = 2
    seed: int = 0
    # Further (learning rate, depth) runs of all kinds, the same budget: the failure depends
    # on both.
    variants: tuple[tuple[float, int], ...] = ((0.01, 30), (0.01, 60))


def get_config(*, quick: bool = False) -> DeepNetsConfig:
    """MNIST for 2 epochs, or with ``quick`` the 8x8 digits for 3 epochs of batch 64
    (no variants)."""
    if quick:
        return dataclasses.replace(
            DeepNetsConfig(), dataset="digits", epochs=3, batch_size=64, variants=()
        )
    return DeepNetsConfig()
