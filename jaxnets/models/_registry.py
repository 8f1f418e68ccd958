"""Model registry: names the CLI, the summary and the trainer know, each with its loss."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import flax.linen as nn

from jaxnets.models._lenet import LeNet5
from jaxnets.models._mlp import MLP, DenseAutoencoder, LinearClassifier


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
    description: str = ""
    defaults: dict[str, Any] = field(default_factory=dict)


def _mlp(num_classes: int, features: Sequence[int] = (128, 128), **kw) -> nn.Module:
    return MLP(features=(*features, num_classes), **kw)


_REGISTRY: dict[str, ModelSpec] = {
    "mlp": ModelSpec(_mlp, "softmax_cross_entropy", (28, 28, 1), description="ReLU MLP"),
    "softmax_regression": ModelSpec(
        lambda num_classes, **kw: LinearClassifier(num_classes, **kw),
        "softmax_cross_entropy",
        (28, 28, 1),
        description="linear classifier trained with softmax cross-entropy",
    ),
    "svm": ModelSpec(
        lambda num_classes, **kw: LinearClassifier(num_classes, **kw),
        "hinge",
        (28, 28, 1),
        description="linear classifier trained with the multiclass hinge loss",
    ),
    "lenet5": ModelSpec(
        lambda num_classes, **kw: LeNet5(num_classes, **kw),
        "softmax_cross_entropy",
        (28, 28, 1),
        description="LeNet-5 style CNN",
    ),
    "autoencoder": ModelSpec(
        lambda num_classes, **kw: DenseAutoencoder(**kw),
        "logistic",
        (784,),
        target="input",
        description="dense autoencoder 784-32-784",
    ),
    "deep_autoencoder": ModelSpec(
        lambda num_classes, **kw: DenseAutoencoder(**{"encoder": (128, 64, 32), **kw}),
        "logistic",
        (784,),
        target="input",
        description="dense autoencoder 784-128-64-32-64-128-784",
    ),
}


def model_names() -> tuple[str, ...]:
    """Names accepted by :func:`get_spec` / :func:`create`."""
    return tuple(_REGISTRY)


def get_spec(name: str) -> ModelSpec:
    """The :class:`ModelSpec` registered as ``name``."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ValueError(
            f"unknown model {name!r}; choose one of: {', '.join(_REGISTRY)}"
        ) from None


def create(name: str, *, num_classes: int = 10, **overrides) -> nn.Module:
    """Build the registered model ``name``; ``overrides`` become module attributes."""
    spec = get_spec(name)
    try:
        return spec.build(num_classes, **{**spec.defaults, **overrides})
    except TypeError as err:
        raise ValueError(f"bad option for model {name!r}: {err}") from None


def register(name: str, spec: ModelSpec) -> None:
    """Add a model to the registry (later issues and user code extend it this way)."""
    if name in _REGISTRY:
        raise ValueError(f"model {name!r} is already registered")
    _REGISTRY[name] = spec
