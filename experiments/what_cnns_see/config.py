"""Configuration: LeNet-5 on MNIST (3 epochs, Adam 2e-3 cosine, batch 64), then what it sees."""

from dataclasses import dataclass


@dataclass(frozen=True)
class WhatCNNsSeeConfig:
    """Train the registered ``model`` on MNIST, then look inside it.

    ``train_examples`` keeps the first N training images (None: all 60,000).
    ``embed_examples`` test digits (the first N) are embedded in 2-D (PCA and t-SNE) and
    scored layer by layer with a ``knn``-nearest-neighbour classifier (``folds``-fold cross
    validation); ``saliency_examples`` test digits give the saliency statistics and
    ``show`` of them the saliency figure; ``digit_index`` is the test digit whose feature
    maps are drawn. ``stroke_threshold``: a pixel above it is part of the stroke.
    """

    model: str = "lenet5"
    dataset: str = "mnist"
    train_examples: int | None = None
    epochs: int = 3
    batch_size: int = 64
    learning_rate: float = 2e-3  # Adam, cosine decay to 0 over the run
    seed: int = 0
    embed_examples: int = 2000
    knn: int = 5
    folds: int = 5
    perplexity: float = 30.0
    saliency_examples: int = 1000
    show: int = 8
    digit_index: int = 0
    stroke_threshold: float = 0.5


def get_config(*, quick: bool = False) -> WhatCNNsSeeConfig:
    """The full run, or with ``quick`` 2 epochs on 3,000 MNIST images and 300 test digits."""
    if quick:
        return WhatCNNsSeeConfig(
            train_examples=3000, epochs=2, batch_size=32, embed_examples=300, saliency_examples=200
        )
    return WhatCNNsSeeConfig()
