"""Model registry: names the CLI, the summary and the trainer know, each with its loss."""

from collections.abc import Sequence

import flax.linen as nn

from jaxnets.models import _specs_cnn, _specs_generative, _specs_rnn
from jaxnets.models._lenet import LeNet5
from jaxnets.models._mlp import MLP, DenseAutoencoder, LinearClassifier
from jaxnets.models._spec import ModelSpec


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
# Each family of models lists its own entries in its _specs_*.py module.
for _specs in (_specs_cnn.SPECS, _specs_rnn.SPECS, _specs_generative.SPECS):
    if set(_specs) & set(_REGISTRY):
        raise RuntimeError(f"model names registered twice: {set(_specs) & set(_REGISTRY)}")
    _REGISTRY.update(_specs)


def model_names() -> tuple[str, ...]:
    """Names accepted by :func:`get_spec` / :func:`create`."""
    return tuple(_REGISTRY)


def get_spec(name: str) -> ModelSpec:
    """The :class:`ModelSpec` registered as ``name``."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown model {name!r}; choose one of: {', '.join(_REGISTRY)}") from None


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
