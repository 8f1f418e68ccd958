"""Configuration: LeNet-5 on MNIST, 3 epochs, Adam 2e-3 with cosine decay, batch 64."""

from dataclasses import dataclass

# Lecture 001's MCDNN table (Ciresan et al. 2012), MNIST test error: best earlier result and
# the multi-column committee's.
LECTURE_MNIST_ERROR = {"best result of others": 0.0039, "MCDNN": 0.0023}


@dataclass(frozen=True)
class LeNet5Config:
    """LeNet-5 and, for comparison, a linear softmax classifier trained the same way.

    ``train_examples`` keeps the first N training images (None: all 60,000).
    """

    model: str = "lenet5"
    baseline: str = "softmax_regression"
    dataset: str = "mnist"
    train_examples: int | None = None
    learning_rate: float = 2e-3  # Adam, cosine decay to 0 over the run
    epochs: int = 3
    batch_size: int = 64
    seed: int = 0


def get_config(*, quick: bool = False) -> LeNet5Config:
    """The full run, or with ``quick`` 2 epochs on the first 3,000 MNIST images."""
    if quick:
        return LeNet5Config(train_examples=3000, epochs=2, batch_size=32)
    return LeNet5Config()
