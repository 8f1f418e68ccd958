"""Model registry: the trainable models by name, each with its loss, and architectures only.

``model_names()`` are the models ``jaxnets train`` can train: each pairs a constructor with
a :mod:`jaxnets.losses` loss and a target, checked to fit each other. ``architecture_names()``
are listed for ``jaxnets summary`` only (DQN, the GAN players): they have no loss, and
:func:`get_spec` refuses them with a line saying what to use instead.
"""

from collections.abc import Sequence

import flax.linen as nn
import jax
import jax.numpy as jnp

from jaxnets import losses
from jaxnets.errors import InvalidArgumentError, InvalidTypeError, UserError
from jaxnets.models import _specs_cnn, _specs_generative, _specs_rnn
from jaxnets.models._lenet import LeNet5
from jaxnets.models._mlp import MLP, DenseAutoencoder, LinearClassifier
from jaxnets.models._spec import ArchitectureSpec, ModelSpec


def _mlp(num_classes: int, hidden: Sequence[int] = (128, 128), **kw) -> nn.Module:
    # `features` means every layer in Python's MLP(features=...); the registry's option is
    # the hidden layers only, so it has its own name (the output layer is num_classes).
    if "features" in kw:
        raise InvalidArgumentError(
            "the registered mlp takes hidden=... (its hidden widths; the output layer has "
            "num_classes units), e.g. --option hidden=256,256; MLP(features=...) in Python "
            "lists every layer"
        )
    return MLP(features=(*hidden, num_classes), **kw)


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
_ARCHITECTURES: dict[str, ArchitectureSpec] = {}
# Each family of models lists its own entries in its _specs_*.py module.
for _family in (_specs_cnn, _specs_rnn, _specs_generative):
    for _table, _specs in ((_REGISTRY, _family.SPECS), (_ARCHITECTURES, _family.ARCHITECTURES)):
        _twice = set(_specs) & (set(_REGISTRY) | set(_ARCHITECTURES))
        if _twice:
            raise RuntimeError(f"model names registered twice: {_twice}")
        _table.update(_specs)
# Built-in entries are checked on first use (get_spec), keeping `import jaxnets` cheap;
# tests/models/test_registry.py checks them all. register() checks at once.
_CHECKED: set[str] = set()


def model_names() -> tuple[str, ...]:
    """Names of the trainable models, accepted by :func:`get_spec` and :func:`create`."""
    return tuple(_REGISTRY)


def architecture_names() -> tuple[str, ...]:
    """Names listed for their architecture only (no loss): :func:`create` builds them,
    :func:`get_spec` refuses them."""
    return tuple(_ARCHITECTURES)


def _unknown(name: str) -> InvalidArgumentError:
    return InvalidArgumentError(
        f"unknown model {name!r}; choose one of: {', '.join(_REGISTRY)} "
        f"(architectures only, for `jaxnets summary`: {', '.join(_ARCHITECTURES)})"
    )


def get_spec(name: str) -> ModelSpec:
    """The :class:`ModelSpec` of the trainable model ``name``, its loss checked to fit it.

    Raises :class:`InvalidArgumentError` for an unknown name and for an architecture-only
    name (the message says what to use instead).
    """
    if name in _ARCHITECTURES:
        raise InvalidArgumentError(
            f"model {name!r} is an architecture only, not trainable by name: "
            f"{_ARCHITECTURES[name].use_instead}"
        )
    if name not in _REGISTRY:
        raise _unknown(name)
    spec = _REGISTRY[name]
    if name not in _CHECKED:
        _check_spec(name, spec)
        _CHECKED.add(name)
    return spec


def get_architecture(name: str) -> ModelSpec | ArchitectureSpec:
    """The spec of any listed model, trainable or architecture only.

    Both kinds carry ``build``, ``example_input``, ``input_dtype``, ``description`` and
    ``defaults``, all that ``jaxnets summary`` needs; only :func:`get_spec` gives a loss.
    """
    if name in _ARCHITECTURES:
        return _ARCHITECTURES[name]
    if name in _REGISTRY:
        return _REGISTRY[name]
    raise _unknown(name)


def create(name: str, *, num_classes: int = 10, **overrides) -> nn.Module:
    """Build the listed model ``name`` (trainable or architecture only).

    ``overrides`` become module attributes; an unknown name or option raises
    :class:`InvalidArgumentError`.
    """
    spec = get_architecture(name)
    if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 1:
        raise InvalidArgumentError(f"num_classes must be a positive integer, got {num_classes!r}")
    for option, value in overrides.items():
        values = value if isinstance(value, tuple | list) else (value,)
        if option in ("features", "hidden", "encoder") and not all(
            isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in values
        ):
            raise InvalidArgumentError(
                f"option {option} of model {name!r} takes positive layer widths, got {value!r}"
            )
    try:
        return spec.build(num_classes, **{**spec.defaults, **overrides})
    except TypeError as err:
        raise InvalidArgumentError(f"bad option for model {name!r}: {err}") from None


def _check_spec(name: str, spec: ModelSpec, *, num_classes: int = 10) -> None:
    """Raise :class:`InvalidArgumentError` unless ``spec.loss`` takes the model's output.

    A forward pass on 2 examples of ``spec.example_input`` under ``jax.eval_shape`` (shapes
    only, no FLOPs), then the loss on that output against a target of the spec's kind:
    integer labels (2,) (or (2, T), like the tokens, for a sequence loss) for
    ``target="label"``, the input itself for ``target="input"``. The loss must give (2,).
    """
    if not isinstance(spec, ModelSpec):
        raise InvalidTypeError(
            f"model {name!r}: register takes a ModelSpec (a model with its loss), got "
            f"{type(spec).__name__}"
        )
    if spec.loss not in losses.LOSSES:
        raise InvalidArgumentError(
            f"model {name!r}: unknown loss {spec.loss!r}; choose one of: {', '.join(losses.LOSSES)}"
        )
    if spec.target not in ("label", "input"):
        raise InvalidArgumentError(
            f"model {name!r}: target must be 'label' or 'input', got {spec.target!r}"
        )
    x = jax.ShapeDtypeStruct((2, *spec.example_input), jnp.dtype(spec.input_dtype))
    if spec.target == "input":
        target = x
    else:
        labels = x.shape if spec.loss.startswith("sequence_") else (2,)
        target = jax.ShapeDtypeStruct(labels, jnp.int32)
    model = spec.build(num_classes, **spec.defaults)
    variables = jax.eval_shape(model.init, jax.random.key(0), x)
    output = jax.eval_shape(model.apply, variables, x)
    try:
        per_example = jax.eval_shape(losses.get_per_example(spec.loss), output, target)
    except UserError as err:
        raise InvalidArgumentError(
            f"model {name!r} cannot be trained with its loss {spec.loss!r}: on inputs "
            f"{x.shape} it outputs {output.shape}, which the loss refuses against "
            f"{spec.target} targets {target.shape} ({err}). Pair the model with a loss that "
            "fits its output."
        ) from None
    if per_example.shape != (2,):
        raise InvalidArgumentError(
            f"model {name!r}: loss {spec.loss!r} gave shape {per_example.shape} on 2 "
            "examples, not one value per example (2,)"
        )


def register(name: str, spec: ModelSpec) -> None:
    """Add a trainable model, checked by :func:`_check_spec` (shapes only) before it is added."""
    if name in _REGISTRY or name in _ARCHITECTURES:
        raise InvalidArgumentError(f"model {name!r} is already registered")
    _check_spec(name, spec)
    _REGISTRY[name] = spec
    _CHECKED.add(name)
