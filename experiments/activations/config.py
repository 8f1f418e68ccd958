"""Configuration of the activations experiment: one deep MLP, five activations, and
gradient norms per layer for deep sigmoid, ReLU and residual nets."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ActivationsConfig:
    """``variants``: (label, DeepMLP kind, activation), each a ``depth``-layer MLP of
    ``width`` units with Glorot-uniform weights for sigmoid and tanh and He-normal weights
    for the ReLU family (``inits``), trained by SGD + momentum 0.9 at
    ``learning_rate`` on the first ``train_examples`` images. A unit counts as saturated
    when |pre-activation| > ``saturation_z`` (sigmoid: output outside [0.05, 0.95]; tanh:
    |output| > 0.95 at 1.83), and as dead when its pre-activation is <= 0 on every one of
    the ``probe`` held-out images."""

    variants: tuple[tuple[str, str, str], ...] = (
        ("sigmoid", "plain", "sigmoid"),
        ("tanh", "plain", "tanh"),
        ("relu", "plain", "relu"),
        ("leaky_relu", "plain", "leaky_relu"),
        ("prelu", "plain", "prelu"),
        ("residual sigmoid", "residual", "sigmoid"),
        ("residual relu", "residual", "relu"),
    )
    inits: tuple[tuple[str, str], ...] = (
        ("sigmoid", "xavier"),
        ("tanh", "xavier"),
        ("relu", "he"),
        ("leaky_relu", "he"),
        ("prelu", "he"),
    )
    dataset: str = "mnist"
    train_examples: int = 12000
    depth: int = 10
    width: int = 64
    learning_rate: float = 0.02
    epochs: int = 4
    batch_size: int = 64
    probe: int = 500
    saturation_z: tuple[tuple[str, float], ...] = (("sigmoid", 2.944), ("tanh", 1.832))
    seed: int = 0


def get_config(*, quick: bool = False) -> ActivationsConfig:
    """MNIST (first 12,000 images) for 4 epochs, or with ``quick`` the digits for 8."""
    if quick:
        return ActivationsConfig(dataset="digits", probe=300, epochs=8)
    return ActivationsConfig()
