"""Default configuration: a GRU character model on names.txt, Adam 3e-3 with cosine decay."""

from dataclasses import dataclass


@dataclass(frozen=True)
class CharRNNConfig:
    """Model, optimisation and sampling settings of the names experiment.

    ``quick`` runs (the smoke test) shrink ``hidden`` and ``epochs`` and train on a few
    embedded names instead of names.txt.
    """

    cell: str = "gru"
    hidden: int = 128
    embed: int | None = 32
    learning_rate: float = 3e-3
    batch_size: int = 128
    epochs: int = 13  # 225 steps an epoch on the 28,830 training names: 2,925 steps
    seed: int = 0
    num_samples: int = 1000
    temperature: float = 1.0
    quick_names: bool = False  # train on 36 embedded names instead of names.txt


def get_config(*, quick: bool = False) -> CharRNNConfig:
    """The default config, or a tiny one for ``--quick``."""
    if quick:
        return CharRNNConfig(
            hidden=16,
            embed=8,
            batch_size=16,
            epochs=15,
            learning_rate=2e-2,
            num_samples=20,
            quick_names=True,
        )
    return CharRNNConfig()
