"""Default configuration: a sigmoid 784-256-256-256-10 MLP on MNIST, greedy layer-wise
denoising-autoencoder pre-training on all 60,000 images, then fine-tuning on 1%, 10% and
100% of the labels, against the same net from random (Glorot) initialisation; 3 seeds."""

from dataclasses import dataclass


@dataclass(frozen=True)
class PretrainingConfig:
    """The net, the pre-training of each hidden layer, and the fine-tuning (the same for both).

    Each hidden layer is pre-trained as a denoising autoencoder (the registered
    ``denoising_autoencoder`` with one sigmoid code layer of that width, masking noise
    ``corruption_rate``, logistic loss) on the previous layer's codes of every training image
    (labels unused). Fine-tuning trains the whole ``hidden + (10,)`` MLP with softmax
    cross-entropy on a stratified share ``fraction`` of the labelled training set for at
    least ``finetune_steps`` steps of SGD (momentum ``momentum``; whole epochs, so the full
    set gets the next multiple of its epoch), whichever the share, so each budget sees about
    the same number of updates; a random net trains in exactly the same way.
    """

    dataset: str = "mnist"
    hidden: tuple[int, ...] = (256, 256, 256)
    activation: str = "sigmoid"
    corruption_rate: float = 0.25
    pretrain_epochs: int = 3
    pretrain_learning_rate: float = 1e-3  # Adam
    pretrain_batch_size: int = 128
    fractions: tuple[float, ...] = (0.01, 0.1, 1.0)
    finetune_steps: int = 2000
    finetune_batch_size: int = 64
    finetune_learning_rate: float = 0.05
    momentum: float = 0.9
    seeds: tuple[int, ...] = (0, 1, 2)


def get_config(*, quick: bool = False) -> PretrainingConfig:
    """The default run, or with ``quick`` a 64-32-32-10 net on the 8x8 digits, few labels."""
    if quick:
        return PretrainingConfig(
            dataset="digits",
            hidden=(32, 32),
            pretrain_epochs=20,
            pretrain_batch_size=32,
            pretrain_learning_rate=3e-3,
            fractions=(0.05,),
            finetune_steps=300,
            finetune_batch_size=32,
            seeds=(0, 1),
        )
    return PretrainingConfig()
