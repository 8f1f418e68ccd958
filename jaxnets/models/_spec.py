"""The record each registered model carries: how to build it and how to train it."""

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
    classifiers and ``"input"`` for models that reconstruct their input.
    """

    build: Callable[..., nn.Module]
    loss: str
    example_input: tuple[int, ...]
    target: str = "label"
    input_dtype: str = "float32"
    description: str = ""
    defaults: dict[str, Any] = field(default_factory=dict)
