"""Configuration of the learning-rate experiment: one model, four SGD step sizes."""

from dataclasses import dataclass


@dataclass(frozen=True)
class LearningRatesConfig:
    """A tanh MLP ``features`` on the digits trained by plain SGD at each of ``rates``
    (named by ``labels``) as one population (one compiled program), same init and batches."""

    features: tuple[int, ...] = (64, 10)
    rates: tuple[float, ...] = (0.003, 0.3, 2.0, 30.0)
    labels: tuple[str, ...] = ("too low", "good", "too high", "divergent")
    epochs: int = 20
    batch_size: int = 32
    seed: int = 0


def get_config(*, quick: bool = False) -> LearningRatesConfig:
    """20 epochs, or with ``quick`` 4."""
    return LearningRatesConfig(epochs=4) if quick else LearningRatesConfig()
