"""Configuration of the lectures' worked examples (nothing to tune but the hello RNN)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class WorkedExamplesConfig:
    """The char RNN that learns 'hell' -> 'ello' (lecture 003): a ``cell`` of ``hidden``
    units trained by Adam at ``learning_rate`` for ``steps`` steps on the one sequence."""

    cell: str = "rnn"
    hidden: int = 8
    learning_rate: float = 0.05
    steps: int = 150
    seed: int = 0


def get_config(*, quick: bool = False) -> WorkedExamplesConfig:
    """The examples are seconds long; ``quick`` is the same run."""
    del quick
    return WorkedExamplesConfig()
