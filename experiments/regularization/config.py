"""Configuration of the regularization experiment: dropout, DropConnect and weight decay on an
over-parameterized MLP; L2 strength and width on the spiral; early stopping."""

from dataclasses import dataclass


@dataclass(frozen=True)
class RegularizationConfig:
    """``members``: (label, dropout rate, DropConnect rate, decoupled weight decay) of the
    MNIST population, each an MLP ``hidden`` trained by Adam on the first
    ``train_examples`` images for ``epochs`` epochs. The spiral grid trains an MLP with one
    hidden layer of each of ``widths`` units at each L2 strength of ``l2`` (SGD, where
    decoupled weight decay lambda equals the gradient of the penalty lambda/2 |W|^2).
    Early stopping holds out ``validation_fraction`` and waits ``patience`` epochs; the
    run without it keeps its last epoch's weights."""

    dataset: str = "mnist"
    train_examples: int = 2000
    hidden: tuple[int, ...] = (512, 512)
    members: tuple[tuple[str, float, float, float], ...] = (
        ("none", 0.0, 0.0, 0.0),
        ("dropout 0.2", 0.2, 0.0, 0.0),
        ("dropout 0.5", 0.5, 0.0, 0.0),
        ("DropConnect 0.5", 0.0, 0.5, 0.0),
        ("weight decay 0.1", 0.0, 0.0, 0.1),
    )
    learning_rate: float = 1e-3
    epochs: int = 50
    batch_size: int = 100
    widths: tuple[int, ...] = (3, 20, 100)
    l2: tuple[float, ...] = (0.0, 1e-3, 1e-2, 1e-1)
    spiral_learning_rate: float = 1.0
    spiral_epochs: int = 2000
    validation_fraction: float = 0.2
    patience: int = 5
    seed: int = 0


def get_config(*, quick: bool = False) -> RegularizationConfig:
    """The full run, or with ``quick`` the digits, a smaller net and fewer epochs."""
    if quick:
        return RegularizationConfig(
            dataset="digits",
            train_examples=300,
            hidden=(256, 256),
            epochs=40,
            batch_size=50,
            widths=(3, 50),
            l2=(0.0, 1e-1),
            spiral_epochs=300,
        )
    return RegularizationConfig()
