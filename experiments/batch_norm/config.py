"""Configuration of the batch-norm experiment: with vs without BN across learning rates and
init scales, for an MLP and a LeNet-5."""

from dataclasses import dataclass


@dataclass(frozen=True)
class BatchNormConfig:
    """Every (learning rate, initializer) pair of ``rates`` x ``inits`` trains an MLP
    ``features`` (tanh) by plain SGD with and without batch norm after each hidden dense
    layer: one population per variant. LeNet-5 (ReLU, ``lenet_init``) does the same over
    ``lenet_rates`` when ``lenet`` is set. Data: the first ``train_examples`` images."""

    dataset: str = "mnist"
    train_examples: int = 6000
    features: tuple[int, ...] = (128, 128)
    rates: tuple[float, ...] = (0.01, 0.1, 1.0, 5.0)
    inits: tuple[str, ...] = ("small_random", "fan_in_normal", "normal")
    lenet: bool = True
    lenet_rates: tuple[float, ...] = (0.01, 0.1, 1.0)
    lenet_init: str = "he"
    epochs: int = 3
    batch_size: int = 64
    seed: int = 0


def get_config(*, quick: bool = False) -> BatchNormConfig:
    """MNIST's first 6,000 images, or with ``quick`` the digits for 2 epochs, MLP only."""
    if quick:
        return BatchNormConfig(dataset="digits", lenet=False, epochs=2)
    return BatchNormConfig()
