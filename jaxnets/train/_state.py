"""The training state: one immutable pytree holding everything a step reads and writes."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import flax.linen as nn
import jax
import jax.numpy as jnp
import optax
from flax import struct

from jaxnets import losses


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
            raise ValueError(f"target must be 'label' or 'input', got {self.target!r}")
        if self.l1 < 0 or self.l2 < 0:
            raise ValueError(f"penalty weights must be >= 0, got l1={self.l1}, l2={self.l2}")

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

    ``key`` is split by purpose: ``init_key`` for the parameters, ``train_key`` kept in the
    state for per-step randomness (dropout).
    """
    init_key, train_key = jax.random.split(key)
    x = jnp.zeros((1, *input_shape), dtype)
    # jit: one compilation instead of op-by-op dispatch of every initializer.
    init = jax.jit(model.init, static_argnames="train")
    variables = dict(init({"params": init_key, "dropout": init_key}, x, train=False))
    params = variables.pop("params")
    # Values sown during init are not state: keeping them would add them to every step's loss.
    variables.pop("losses", None)
    return TrainState(
        step=jnp.zeros((), jnp.int32),
        params=params,
        opt_state=tx.init(params),
        model_state=variables,
        key=train_key,
        apply_fn=model.apply,
        tx=tx,
        objective=objective,
        input_spec=InputSpec(tuple(input_shape), jnp.dtype(dtype).name),
    )


def num_params(params) -> int:
    """Total number of scalars in a parameter pytree."""
    return int(sum(x.size for x in jax.tree.leaves(params)))
