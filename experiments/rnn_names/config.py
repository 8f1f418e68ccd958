"""Default configuration: the simple RNN, the LSTM, the GRU and the GRU with layer norm on
names.txt (the same width, embedding and Adam schedule for all), and the "hello" RNN."""

from dataclasses import dataclass


@dataclass(frozen=True)
class RNNNamesConfig:
    """Which character models to train on the names, how, and the "hello" example's settings.

    ``models`` holds ``(label, cell, layer_norm)`` triples: ``cell`` is ``"rnn"`` (the
    lecture's s_t = tanh(U x_t + W s_{t-1} + b)), ``"lstm"`` or ``"gru"``, and ``layer_norm``
    normalises the cell's pre-activations per gate group. Every model gets the same ``hidden``
    width, ``embed`` size and Adam with cosine decay from ``learning_rate`` over ``epochs``.
    ``quick`` runs (the smoke test) shrink the models and train on a few embedded names
    instead of names.txt (``quick_names``).

    The "hello" example (lecture 003) trains a simple RNN of ``hello_hidden`` units on the
    one sequence "hell" -> "ello" (vocabulary h, e, l, o, one-hot inputs) for
    ``hello_steps`` Adam steps at ``hello_learning_rate``.
    """

    models: tuple[tuple[str, str, bool], ...] = (
        ("rnn", "rnn", False),
        ("lstm", "lstm", False),
        ("gru", "gru", False),
        ("gru_ln", "gru", True),
    )
    hidden: int = 128
    embed: int | None = 32
    learning_rate: float = 3e-3
    batch_size: int = 128
    epochs: int = 30  # 225 steps an epoch on the 28,830 training names: 6,750 steps
    seed: int = 0
    num_samples: int = 1000
    temperature: float = 1.0
    quick_names: bool = False  # train on 136 embedded names instead of names.txt
    hello_hidden: int = 3
    hello_learning_rate: float = 0.05
    hello_steps: int = 150


def get_config(*, quick: bool = False) -> RNNNamesConfig:
    """The default config, or a tiny one for ``--quick``."""
    if quick:
        return RNNNamesConfig(
            hidden=16,
            embed=8,
            batch_size=16,
            epochs=15,
            learning_rate=2e-2,
            num_samples=20,
            quick_names=True,
            models=(("rnn", "rnn", False), ("gru_ln", "gru", True)),
        )
    return RNNNamesConfig()
