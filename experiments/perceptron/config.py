"""Configuration of the perceptron experiment: the rule on separable data, on XOR, and XOR fixed."""

from dataclasses import dataclass


@dataclass(frozen=True)
class PerceptronConfig:
    """Data sizes and budgets; every run is seeded by ``seed``.

    The separable set is two Gaussian blobs of ``points`` 2-D points (centres +-``gap``/2
    apart along a random direction, unit variance clipped so a margin remains). XOR is the
    four corners of the unit square. The hidden-layer net is an MLP ``hidden`` tanh units
    trained by Adam on ``xor_copies`` copies of the corners.
    """

    points: int = 200
    gap: float = 4.0
    epochs: int = 40
    hidden: int = 8
    xor_copies: int = 64
    mlp_epochs: int = 60
    mlp_learning_rate: float = 0.05
    seed: int = 0


def get_config(*, quick: bool = False) -> PerceptronConfig:
    """The full run is already seconds long; ``quick`` halves the budgets."""
    if quick:
        return PerceptronConfig(points=100, epochs=20, xor_copies=32, mlp_epochs=40)
    return PerceptronConfig()
