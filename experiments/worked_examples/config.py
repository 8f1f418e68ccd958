"""Configuration of the lectures' worked examples: there is nothing to choose."""

from dataclasses import dataclass


@dataclass(frozen=True)
class WorkedExamplesConfig:
    """No settings: the examples are the lectures' fixed numbers."""


def get_config(*, quick: bool = False) -> WorkedExamplesConfig:
    """The examples take seconds; ``quick`` is the same run."""
    del quick
    return WorkedExamplesConfig()
