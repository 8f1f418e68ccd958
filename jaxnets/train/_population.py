"""vmap: per-example gradients, and populations of K models trained in one compiled program.

A population stacks K train states along a leading axis and vmaps the ordinary train step
over it. Members differ in their key (initialisation, dropout), in optimizer hyperparameters
(``learning_rate``, ``weight_decay``: arrays inside the optimizer state, via
``optax.inject_hyperparams``) and in model attributes such as a dropout rate (the K models
become branches of one ``lax.switch``; under vmap every distinct model value is evaluated for
every member and the member's own result selected, so keep their number small).
"""

from collections.abc import Mapping, Sequence
from functools import partial

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import struct

from jaxnets import optim
from jaxnets.errors import InvalidArgumentError
from jaxnets.train._state import Objective, TrainState, init_state, typed_key
from jaxnets.train._steps import _eval_step, _grads_and_metrics, _train_step, step_key

# ---------------------------------------------------------------- per-example gradients


@jax.jit
def per_example_grads(state: TrainState, batch):
    """Gradients of each example's training loss: a params-shaped pytree with leading B.

    Each example is run as a batch of one (loss, sown losses and weight penalties as in
    :func:`jaxnets.train.train_step`) with dropout key ``fold_in(step_key, i)``; their mean
    is the batch gradient when the model has neither dropout nor batch norm (a batch of one
    has no batch statistics). For gradient-norm statistics, clipping per example, DP-SGD.

    >>> import jax, numpy as np
    >>> from jaxnets import models, optim, train
    >>> state = train.init_state(models.MLP((4, 2)), optim.from_config(optim.OptimizerConfig()),
    ...     train.Objective(input_key="x"), (3,), key=jax.random.key(0))
    >>> batch = {"x": np.ones((5, 3), np.float32), "label": np.zeros(5, np.int32)}
    >>> per_example_grads(state, batch)["dense_0"]["kernel"].shape
    (5, 3, 4)
    """
    key = step_key(state)

    def one(index, example):
        single = jax.tree.map(lambda v: v[None], example)  # (1, ...)
        grads, _, _ = _grads_and_metrics(state, single, jax.random.fold_in(key, index))
        return grads

    size = jax.tree.leaves(batch)[0].shape[0]
    return jax.vmap(one)(jnp.arange(size), batch)


# ------------------------------------------------------------------------- populations

OPTIMIZER_HYPERPARAMS = ("learning_rate", "weight_decay")


class PopulationState(struct.PyTreeNode):
    """K train states stacked on a leading axis, and which model variant each member uses.

    ``state`` is a :class:`TrainState` whose every array has a leading K; ``model_index``
    int32 (K,) picks each member's entry of ``models`` (static).
    """

    state: TrainState
    model_index: jax.Array
    models: tuple = struct.field(pytree_node=False)

    @property
    def size(self) -> int:
        return int(self.model_index.shape[0])

    def member(self, k: int) -> TrainState:
        """Member ``k`` as an ordinary train state (for ``evaluate``, ``predict``, saving)."""
        state = jax.tree.map(lambda x: x[k], self.state)
        return state.replace(apply_fn=self.models[int(self.model_index[k])].apply)


def _population_tx(name: str):
    """``-lr * (direction + weight_decay * params)`` with lr and decay as state arrays.

    The same update as ``optim.from_config(OptimizerConfig(name, lr, weight_decay=wd))`` (constant
    schedule), rearranged so both hyperparameters may be traced values.
    """
    direction = optim.from_config(optim.OptimizerConfig(name, learning_rate=1.0))  # -direction

    def make(learning_rate, weight_decay):
        return optax.chain(
            direction, optax.add_decayed_weights(-weight_decay), optax.scale(learning_rate)
        )

    return optax.inject_hyperparams(make)


def init_population(
    model: nn.Module,
    objective: Objective,
    input_shape: tuple[int, ...],
    *,
    keys: jax.Array | Sequence[jax.Array],
    optimizer: str = "adam",
    learning_rate: float | Sequence[float] = 1e-3,
    weight_decay: float | Sequence[float] = 0.0,
    model_options: Mapping[str, Sequence] | None = None,
    dtype=jnp.float32,
) -> PopulationState:
    """K members of ``model``: one per key, with per-member hyperparameters.

    Args:
      keys: K PRNG keys (``jax.random.split(jax.random.key(0), K)`` or a list); member k is
        initialised exactly as ``init_state(..., key=keys[k])`` would.
      optimizer: an optimizer name of :mod:`jaxnets.optim` (constant learning rate).
      learning_rate, weight_decay: a scalar for all members or K values.
      model_options: module attributes varying by member, e.g. ``{"dropout": [0.0, 0.5,
        0.0, 0.5]}``; each member's model is ``model.clone(**its values)`` and all must have
        the same parameter shapes.

    >>> import jax
    >>> from jaxnets import models, train
    >>> pop = init_population(models.MLP((4, 2)), train.Objective(input_key="x"), (3,),
    ...     keys=jax.random.split(jax.random.key(0), 3), learning_rate=[0.1, 0.01, 0.001])
    >>> pop.size, pop.state.params["dense_0"]["kernel"].shape
    (3, (3, 3, 4))
    """
    keys = [typed_key(k) for k in keys]
    size = len(keys)
    hyper = {"learning_rate": learning_rate, "weight_decay": weight_decay}
    hyper = {name: _per_member(name, value, size) for name, value in hyper.items()}
    options = {name: _per_member(name, v, size) for name, v in (model_options or {}).items()}
    variants = [model.clone(**{n: v[k] for n, v in options.items()}) for k in range(size)]
    distinct = tuple(dict.fromkeys(variants))  # first-seen order, equal modules merged
    # The values given here are placeholders: each member's own are set in its opt_state.
    tx = _population_tx(optimizer)(learning_rate=1.0, weight_decay=0.0)

    members = []
    for k in range(size):
        state = init_state(variants[k], tx, objective, input_shape, key=keys[k], dtype=dtype)
        opt_state = tx.init(state.params)
        for name in OPTIMIZER_HYPERPARAMS:
            opt_state.hyperparams[name] = jnp.asarray(hyper[name][k], dtype)
        members.append(state.replace(opt_state=opt_state, apply_fn=distinct[0].apply))
    stacked = jax.tree.map(lambda *xs: jnp.stack(xs), *members)
    index = jnp.asarray([distinct.index(v) for v in variants], jnp.int32)
    return PopulationState(stacked, index, distinct)


def _per_member(name: str, value, size: int) -> list:
    if isinstance(value, str) or not isinstance(value, Sequence | np.ndarray):
        return [value] * size
    if len(value) != size:
        raise InvalidArgumentError(f"{name} has {len(value)} values for a population of {size}")
    return list(value)


def _switch(models: tuple, index, fn, state: TrainState, *args):
    """``fn(state with models[index].apply, *args)``; the result keeps ``models[0]``."""

    def branch(model):
        def run(state, *args):
            out = fn(state.replace(apply_fn=model.apply), *args)
            if isinstance(out, tuple):  # (state, metrics): one treedef across branches
                return (out[0].replace(apply_fn=models[0].apply), *out[1:])
            return out

        return run

    if len(models) == 1:
        return branch(models[0])(state, *args)
    return jax.lax.switch(index, [branch(m) for m in models], state, *args)


@partial(jax.jit, donate_argnums=0)
def population_train_step(pstate: PopulationState, batch):
    """One train step of every member on the same ``batch``: ``(pstate, metrics (K,))``.

    The member's own key, hyperparameters and model variant are used, so member k follows
    exactly the run ``train_step`` would give it alone. The population state is donated.
    Train a population with ``fit(pstate, train, test, config,
    step=population_train_step, eval_fn=population_eval_step)``: each history row then
    holds a list of K values per metric.
    """

    return _population_step(pstate, batch, batch_axis=None)


@partial(jax.jit, donate_argnums=0)
def population_train_step_per_member(pstate: PopulationState, batches):
    """One train step of every member on its own batch: ``(pstate, metrics (K,))``.

    As :func:`population_train_step`, but every leaf of ``batches`` has a leading K and
    member k trains on ``batches[k]`` (shapes (K, B, ...)): for per-member data
    augmentation, resampling or subsets. A custom ``step(pstate, batch)`` for ``fit`` builds
    the K batches from ``fit``'s batch (e.g. ``jax.vmap`` of a random distortion over K
    keys) and returns this function's result. The population state is donated.
    """
    return _population_step(pstate, batches, batch_axis=0)


def _population_step(pstate: PopulationState, batch, *, batch_axis: int | None):
    def one(state, index, batch):
        return _switch(pstate.models, index, _train_step, state, batch)

    state, metrics = jax.vmap(one, in_axes=(0, 0, batch_axis))(
        pstate.state, pstate.model_index, batch
    )
    return pstate.replace(state=state), metrics


@jax.jit
def population_eval_step(pstate: PopulationState, batch):
    """Eval metrics of every member on ``batch``, each with leading K."""

    def one(state, index):
        return _switch(pstate.models, index, _eval_step, state, batch)

    return jax.vmap(one)(pstate.state, pstate.model_index)
