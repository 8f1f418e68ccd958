"""Default configuration: PCA and three autoencoders on MNIST at codes 2, 8, 32 and 64."""

from dataclasses import dataclass


@dataclass(frozen=True)
class AutoencoderVsPCAConfig:
    """Which code sizes, which methods, and how the autoencoders train (the same for all).

    Methods: ``"pca"`` (the top principal directions of the centred training images, an exact
    eigendecomposition), ``"linear"`` (the registered ``autoencoder`` with linear units,
    trained with the squared loss: it can at best find PCA's subspace), ``"autoencoder"``
    (the registered dense AE, ReLU code, logistic output) and ``"deep_autoencoder"``
    (encoder ``deep_widths + (code,)`` and its mirror, ReLU, logistic output). ``dataset`` is
    ``"mnist"`` (the default run) or ``"digits"`` (8x8, the quick test).
    """

    dataset: str = "mnist"
    code_sizes: tuple[int, ...] = (2, 8, 32, 64)
    methods: tuple[str, ...] = ("pca", "linear", "autoencoder", "deep_autoencoder")
    deep_widths: tuple[int, ...] = (128, 64)  # the registered deep AE: 128-64-32
    epochs: int = 20
    batch_size: int = 128
    learning_rate: float = 1e-3
    seed: int = 0
    show: int = 10  # test digits in each reconstruction figure
    figure_codes: tuple[int, ...] = (2, 32)  # one reconstruction grid per code size
    lecture_code: int = 32  # 784 -> 32: the lecture's "about 24.5x compression"


def get_config(*, quick: bool = False) -> AutoencoderVsPCAConfig:
    """The default run, or with ``quick`` PCA, the linear and a deep AE at code 2 on the 8x8
    digits (64 pixels, 1,437 training images): the deep AE 64-32-2 gets 300 cheap epochs
    (22 steps each), as 60 epochs of a 32-16-2 one beat PCA in only 3 of 5 seeds there."""
    if quick:
        return AutoencoderVsPCAConfig(
            dataset="digits",
            code_sizes=(2,),
            methods=("pca", "linear", "deep_autoencoder"),
            deep_widths=(64, 32),
            epochs=300,
            batch_size=64,
            figure_codes=(2,),
            lecture_code=2,
        )
    return AutoencoderVsPCAConfig()
