"""The training state: one immutable pytree holding everything a step reads and writes."""

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import flax.linen as nn
import jax
import jax.numpy as jnp
import optax
from flax import struct

from jaxnets import losses
from jaxnets.errors import InvalidArgumentError, InvalidTypeError, UserError


@dataclass(frozen=True)
class Objective:
    """What the model is trained to minimise.

    ``loss`` names a :mod:`jaxnets.losses` per-example loss; ``target`` is ``"label"``
    (predict the batch's labels) or ``"input"`` (reconstruct the input, autoencoders);
    ``l1``/``l2`` weight penalties on kernels are added to the training loss only.
    ``input_key`` names the batch entry holding the inputs (``"image"`` for images,
    ``"x"`` for feature vectors such as the spiral's points).
    """

    loss: str = "softmax_cross_entropy"
    target: str = "label"
    input_key: str = "image"
    l1: float = 0.0
    l2: float = 0.0

    def __post_init__(self):
        losses.get_per_example(self.loss)  # fail early on an unknown name
        if self.target not in ("label", "input"):
            raise InvalidArgumentError(f"target must be 'label' or 'input', got {self.target!r}")
        if self.l1 < 0 or self.l2 < 0:
            raise InvalidArgumentError(
                f"penalty weights must be >= 0, got l1={self.l1}, l2={self.l2}"
            )

    @property
    def has_accuracy(self) -> bool:
        """Whether outputs are class scores whose argmax is a prediction."""
        return self.target == "label" and self.loss in (
            "softmax_cross_entropy",
            "hinge",
            "sequence_softmax_cross_entropy",
        )


@dataclass(frozen=True)
class InputSpec:
    """Per-example input shape and dtype the state was initialised for (checked per batch)."""

    shape: tuple[int, ...]
    dtype: str


class TrainState(struct.PyTreeNode):
    """Everything that changes during training, as one pytree; functions are static fields.

    ``step`` int32 scalar; ``params`` the model's parameters; ``opt_state`` the optax state;
    ``model_state`` the model's other variable collections (e.g. ``{"batch_stats": ...}``,
    empty for stateless models); ``key`` the run's base PRNG key, never split in place: the
    step derives its keys with ``fold_in(key, step)``.
    """

    step: jax.Array
    params: Any
    opt_state: optax.OptState
    model_state: Any
    key: jax.Array
    apply_fn: Callable = struct.field(pytree_node=False)
    tx: optax.GradientTransformation = struct.field(pytree_node=False)
    objective: Objective = struct.field(pytree_node=False)
    input_spec: InputSpec = struct.field(pytree_node=False)


def is_key(x) -> bool:
    """Whether ``x`` is a typed PRNG key array (``jax.random.key``), not raw uint32 data."""
    return isinstance(x, jax.Array) and jax.dtypes.issubdtype(x.dtype, jax.dtypes.prng_key)


def typed_key(key) -> jax.Array:
    """``key`` as a typed PRNG key (``jax.random.key``); legacy uint32 (2,) keys are wrapped.

    >>> typed_key(jax.random.PRNGKey(0)).dtype == jax.random.key(0).dtype
    True
    """
    if is_key(key):
        return key
    data = jnp.asarray(key)
    if data.dtype != jnp.uint32 or data.shape[-1:] != (2,):
        raise InvalidTypeError(
            f"key must be a PRNG key, e.g. jax.random.key(0); got dtype {data.dtype} and "
            f"shape {data.shape}"
        )
    return jax.random.wrap_key_data(data)


def takes_train_flag(model: nn.Module) -> bool:
    """Whether ``model.__call__`` has a ``train`` keyword (dropout, batch norm switch on it).

    Flax modules wrapped from NNX (``flax.nnx.bridge.ToLinen``) are asked about the NNX
    class's own ``__call__``.
    """
    cls = getattr(model, "nnx_class", type(model))
    return "train" in inspect.signature(cls.__call__).parameters


@dataclass(frozen=True)
class _WithoutTrainFlag:
    """``fn`` called without the ``train`` keyword; equal wrappers of equal functions hash
    alike, so jit's cache is shared between states of the same model."""

    fn: Callable

    def __call__(self, variables, *args, train: bool = False, **kwargs):
        del train  # the model behaves the same in training and inference
        return self.fn(variables, *args, **kwargs)


def init_state(
    model: nn.Module,
    tx: optax.GradientTransformation,
    objective: Objective,
    input_shape: tuple[int, ...],
    *,
    key: jax.Array,
    dtype=jnp.float32,
) -> TrainState:
    """Initialise ``model`` for per-example inputs of ``input_shape`` and wrap it in a state.

    The module contract: ``model.apply(variables, x)`` maps a batch (B, *input_shape) to
    outputs the objective's loss takes ((B, K) logits for classification, the input's shape
    for reconstruction). Optional, and used when present:

    - a ``train: bool`` keyword on ``__call__``: True in training steps (dropout on, batch
      statistics updated), False in evaluation; a model without it is called without it;
    - variable collections besides ``params`` (e.g. ``batch_stats``): kept in
      ``state.model_state`` and updated by training steps;
    - scalars sown into ``"losses"`` (``self.sow("losses", name, value)``): added to the loss;
    - rng streams ``"dropout"`` and ``"noise"``, derived per step from ``state.key``.

    Flax NNX modules train through ``flax.nnx.bridge.ToLinen``.

    ``key`` (typed, ``jax.random.key``; a legacy ``PRNGKey`` is converted) is split by
    purpose: ``init_key`` for the parameters, ``train_key`` kept in the state for per-step
    randomness.
    """
    init_key, train_key = jax.random.split(typed_key(key))
    if not isinstance(input_shape, tuple | list) or not all(
        isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in input_shape
    ):
        raise InvalidArgumentError(
            f"input_shape must be a tuple of positive ints (one example's shape, e.g. "
            f"(28, 28, 1)), got {input_shape!r}"
        )
    x = jnp.zeros((1, *input_shape), dtype)
    apply_fn = model.apply if takes_train_flag(model) else _WithoutTrainFlag(model.apply)
    # jit: one compilation instead of op-by-op dispatch of every initializer.
    init_fn = model.init if takes_train_flag(model) else _WithoutTrainFlag(model.init)
    init = jax.jit(init_fn, static_argnames="train")
    try:
        variables = dict(init({"params": init_key, "dropout": init_key}, x, train=False))
    except (TypeError, ValueError) as err:
        if isinstance(err, UserError):
            raise
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise InvalidArgumentError(
            f"{type(model).__name__} cannot be initialised for inputs of per-example shape "
            f"{tuple(input_shape)} ({first[:300]}); check input_shape and the model's options"
        ) from err
    if "params" not in variables:
        raise InvalidArgumentError(
            f"{type(model).__name__} has no parameters to train (init returned the "
            f"collections {sorted(variables)})"
        )
    params = variables.pop("params")
    # Values sown during init are not state: keeping them would add them to every step's loss.
    variables.pop("losses", None)
    return TrainState(
        step=jnp.zeros((), jnp.int32),
        params=params,
        opt_state=tx.init(params),
        model_state=variables,
        key=train_key,
        apply_fn=apply_fn,
        tx=tx,
        objective=objective,
        input_spec=InputSpec(tuple(input_shape), jnp.dtype(dtype).name),
    )


def num_params(params) -> int:
    """Total number of scalars in a parameter pytree."""
    return int(sum(x.size for x in jax.tree.leaves(params)))
