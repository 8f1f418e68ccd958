"""The records the registry keeps: trainable models (with their loss) and architectures only."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import flax.linen as nn


@dataclass(frozen=True)
class ModelSpec:
    """How to build one registered model and how to train it.

    ``build(num_classes, **overrides)`` returns the module; ``loss`` names a
    :mod:`jaxnets.losses` per-example loss; ``example_input`` is the per-example input shape
    used by ``jaxnets summary`` when no data set is given; ``target`` is ``"label"`` for
    classifiers and ``"input"`` for models that reconstruct their input. :func:`register`
    checks on 2 examples (shapes only) that ``loss`` accepts the model's output. ``step``, when
    given, is the training step ``jaxnets train`` runs instead of the gradient step on
    ``loss`` (the perceptron rule); ``loss`` then only scores evaluation.
    """

    build: Callable[..., nn.Module]
    loss: str
    example_input: tuple[int, ...]
    target: str = "label"
    input_dtype: str = "float32"
    description: str = ""
    defaults: dict[str, Any] = field(default_factory=dict)
    step: Callable | None = None


@dataclass(frozen=True)
class ArchitectureSpec:
    """A model listed for ``jaxnets summary`` (layers, parameter count) but not trainable by name.

    It has no loss: it is trained some other way (a GAN player, by the GAN experiment) or not
    at all (DQN). ``use_instead`` is the one line :func:`get_spec` raises for it, saying what
    to use instead; the other fields mean what they mean in :class:`ModelSpec`.
    """

    build: Callable[..., nn.Module]
    example_input: tuple[int, ...]
    use_instead: str
    input_dtype: str = "float32"
    description: str = ""
    defaults: dict[str, Any] = field(default_factory=dict)
