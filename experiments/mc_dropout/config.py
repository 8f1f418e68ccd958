"""Configuration of the MC dropout experiment: a dropout MLP on MNIST, Monte Carlo dropout on
test, rotated and noise images, calibration; and the batch-norm-vs-dropout generalization gap."""

from dataclasses import dataclass


@dataclass(frozen=True)
class MCDropoutConfig:
    """Part 1: an MLP ``hidden`` (ReLU) with dropout ``input_dropout`` on the pixels and
    ``dropout`` after each hidden layer, trained by Adam on the whole training set; then
    ``samples`` (T) stochastic passes per input. Rotations and noise use the first
    ``eval_examples`` test images (and as many noise images); ``bins`` confidence bins for
    the expected calibration error. ``hist_angles`` are the rotations shown as histograms.

    Part 2 (``bn_*``): the same kind of MLP, without and with batch norm after each hidden
    dense layer, each at dropout rates ``bn_rates`` and over ``bn_seeds`` seeds (one
    population per batch-norm setting), on the first ``bn_train_examples`` training images.
    """

    dataset: str = "mnist"
    hidden: tuple[int, ...] = (512, 512)
    input_dropout: float = 0.2
    dropout: float = 0.5
    epochs: int = 10
    batch_size: int = 128
    learning_rate: float = 1e-3
    samples: int = 50
    eval_examples: int = 2000
    angles: tuple[int, ...] = (0, 15, 30, 45, 60, 75, 90, 105, 120, 135, 150, 165, 180)
    hist_angles: tuple[int, ...] = (45, 90)
    blur_sigma: float = 1.0
    bins: int = 15
    seed: int = 0
    bn_train_examples: int = 2000
    bn_hidden: tuple[int, ...] = (512, 512)
    bn_rates: tuple[float, ...] = (0.0, 0.5)
    bn_seeds: int = 3
    bn_epochs: int = 50
    bn_batch_size: int = 100


def get_config(*, quick: bool = False) -> MCDropoutConfig:
    """The full run, or with ``quick`` the 8x8 digits, smaller nets and fewer passes."""
    if quick:
        return MCDropoutConfig(
            dataset="digits",
            hidden=(128, 128),
            epochs=30,
            batch_size=32,
            samples=30,
            eval_examples=360,
            angles=(0, 45, 90, 135, 180),
            hist_angles=(90,),
            bins=10,
            bn_train_examples=300,
            bn_hidden=(128, 128),
            bn_seeds=2,
            bn_epochs=20,
            bn_batch_size=30,
        )
    return MCDropoutConfig()
