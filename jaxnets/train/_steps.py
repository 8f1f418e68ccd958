"""Compiled train and eval steps: ``train_step(state, batch) -> (state, metrics)``.

A batch is a dict with inputs (B, ...) under ``state.objective.input_key`` (``"image"``),
``"label"`` (B,) integer targets and, for padded batches, a boolean ``"mask"`` (B,) marking
real rows. Sequence batches may carry ``"length"`` int (B,): the number of real time steps;
the sequence loss and accuracy then count only those, and examples weigh by their length,
so the loss is the mean per real token (nats per character for a language model).
Metrics are weighted means over real rows, plus ``"count"`` (the total weight) so epochs
aggregate exactly.

Models may add terms to the objective by sowing scalars into the ``"losses"`` collection
(``self.sow("losses", "kl", value)``: a VAE's KL term, a sparse code's L1 activity penalty).
They are summed into ``"loss"`` and also reported as ``"aux_loss"``; they should already be
batch means (they are not masked).
"""

import jax
import jax.numpy as jnp
import numpy as np
import optax

from jaxnets import losses
from jaxnets.data import MASK_KEY
from jaxnets.errors import InvalidArgumentError
from jaxnets.train._checks import check_batch
from jaxnets.train._state import TrainState

LABEL_KEY = "label"
LENGTH_KEY = "length"
SEQUENCE_LOSS = "sequence_softmax_cross_entropy"


AUX_LOSSES = "losses"


def _outputs(state: TrainState, params, batch, *, train: bool, key=None):
    """(outputs, new model state, summed sown losses) of one forward pass."""
    variables = {"params": params, **state.model_state}
    # Only training updates running statistics (batch norm); sown losses are always collected.
    mutable = [*state.model_state, AUX_LOSSES] if train else [AUX_LOSSES]
    # One stream per purpose, derived from the step's key: dropout masks (dropout,
    # DropConnect) and sampling noise (VAE reparameterisation, input corruption).
    rngs = None
    if key is not None:
        rngs = {"dropout": jax.random.fold_in(key, 0), "noise": jax.random.fold_in(key, 1)}
    x = batch[state.objective.input_key]
    out, mutated = state.apply_fn(variables, x, train=train, rngs=rngs, mutable=mutable)
    aux = mutated.pop(AUX_LOSSES, {})
    aux_loss = sum((jnp.sum(v) for v in jax.tree.leaves(aux)), jnp.zeros(()))
    model_state = mutated if train else state.model_state
    return out, model_state, (aux_loss if aux else None)


def _metrics(state: TrainState, outputs, batch, aux_loss=None):
    objective = state.objective
    x = batch[objective.input_key]
    target = batch[LABEL_KEY] if objective.target == "label" else x
    loss_fn = losses.get_per_example(objective.loss)
    mask = batch.get(MASK_KEY)
    weights = jnp.ones(outputs.shape[:1]) if mask is None else mask.astype(jnp.float32)
    lengths = batch.get(LENGTH_KEY) if objective.loss == SEQUENCE_LOSS else None
    if lengths is not None:
        per_example = loss_fn(outputs, target, lengths=lengths)  # mean over real steps
        weights = weights * lengths.astype(weights.dtype)  # so the batch mean is per token
    else:
        per_example = loss_fn(outputs, target)
    weights = weights.astype(per_example.dtype)
    count = jnp.sum(weights)
    metrics = {"loss": jnp.sum(per_example * weights) / count, "count": count}
    if aux_loss is not None:
        metrics["aux_loss"] = aux_loss
        metrics["loss"] = metrics["loss"] + aux_loss
    if objective.has_accuracy:
        correct = (jnp.argmax(outputs, axis=-1) == target).astype(per_example.dtype)
        correct = correct.reshape(correct.shape[0], -1)  # (B, T); T = 1 for classifiers
        if lengths is not None:
            real = jnp.arange(correct.shape[1])[None, :] < lengths[:, None]
            correct = jnp.where(real, correct, 0.0).sum(-1) / jnp.maximum(lengths, 1)
        else:
            correct = correct.mean(axis=-1)
        metrics["accuracy"] = jnp.sum(correct * weights) / count
    return metrics


def _penalty(state: TrainState, params):
    objective = state.objective
    penalty = jnp.zeros(())
    if objective.l2:
        penalty += losses.l2_penalty(params, objective.l2)
    if objective.l1:
        penalty += losses.l1_penalty(params, objective.l1)
    return penalty


def _grads_and_metrics(state: TrainState, batch, key):
    """(grads, metrics, new model state) of one batch; ``key`` feeds the rng streams.

    Every training path (jit, scan, vmap, pmap, sharded jit, shard_map) calls this one
    function, so they differ only in how they derive ``key`` and combine the gradients.
    """

    def loss_fn(params):
        outputs, model_state, aux = _outputs(state, params, batch, train=True, key=key)
        metrics = _metrics(state, outputs, batch, aux)
        return metrics["loss"] + _penalty(state, params), (metrics, model_state)

    grads, (metrics, model_state) = jax.grad(loss_fn, has_aux=True)(state.params)
    return grads, metrics, model_state


def _apply(state: TrainState, grads, model_state, metrics):
    """The optimizer update with (already combined) ``grads``: (new state, metrics)."""
    updates, opt_state = state.tx.update(grads, state.opt_state, state.params)
    params = optax.apply_updates(state.params, updates)
    metrics = {**metrics, "grad_norm": optax.tree.norm(grads)}
    new_state = state.replace(
        step=state.step + 1, params=params, opt_state=opt_state, model_state=model_state
    )
    return new_state, metrics


def step_key(state: TrainState) -> jax.Array:
    """The key of the state's current step, ``fold_in(state.key, state.step)``."""
    # Derived rather than split and carried, so a resumed run sees exactly the same
    # randomness as an uninterrupted one.
    return jax.random.fold_in(state.key, state.step)


def _train_step(state: TrainState, batch):
    grads, metrics, model_state = _grads_and_metrics(state, batch, step_key(state))
    return _apply(state, grads, model_state, metrics)


def _eval_step(state: TrainState, batch):
    outputs, _, aux = _outputs(state, state.params, batch, train=False)
    return _metrics(state, outputs, batch, aux)


# The state is donated: its old buffers are reused for the new state (no second copy of
# params and optimizer moments alive at once).
_train_step_jit = jax.jit(_train_step, donate_argnums=0)


def train_step(state: TrainState, batch):
    """One compiled training step: ``(state, batch) -> (state, metrics)``.

    Args:
      state: a :class:`TrainState`; **donated**: its buffers are reused, do not read it after.
      batch: dict with inputs (B, ...) under ``state.objective.input_key``, ``"label"`` (B,)
        int (classification), optional ``"mask"`` bool (B,) and ``"length"`` int (B,).

    Returns:
      The state after one optimizer update (``step + 1``), and scalar metrics: ``loss`` (the
      objective, with sown losses but without the L1/L2 penalty), ``accuracy`` (classifiers),
      ``aux_loss`` (if the model sows losses), ``grad_norm`` and ``count``. Randomness comes
      from ``fold_in(state.key, state.step)``.

    The batch's keys, shapes and dtypes are checked first (integer pixels are refused), and
    host (numpy) inputs must be finite; ``fit`` checks whole splits once instead.
    """
    check_batch(state, batch)
    x = batch[state.objective.input_key]
    if isinstance(x, np.ndarray) and x.dtype.kind == "f" and not np.isfinite(x).all():
        raise InvalidArgumentError("batch has non-finite inputs (NaN or inf); clean the data")
    return _train_step_jit(state, batch)


eval_step = jax.jit(_eval_step)
eval_step.__doc__ = """Metrics of ``state`` on one batch in inference mode.

``(state, batch) -> metrics``.

The same metrics as :data:`train_step` (without ``grad_norm``), rows with ``mask`` False
excluded; the state is not changed or donated.
"""


@jax.jit
def predict(state: TrainState, x: jax.Array) -> jax.Array:
    """Model outputs (logits) for inputs (B, ...) in inference mode."""
    out, _, _ = _outputs(state, state.params, {state.objective.input_key: x}, train=False)
    return out


def mean_metrics(metrics: list[dict]) -> dict:
    """Aggregate per-batch metrics into ``count``-weighted means, on the host.

    Scalars give floats; metrics with a leading axis (a population's K members) give lists
    of K floats, each member weighted by its own count.

    >>> mean_metrics([{"loss": 1.0, "count": 3}, {"loss": 3.0, "count": 1}])
    {'count': 4, 'loss': 1.5}
    """
    if not metrics:
        return {}
    host = jax.device_get(metrics)
    counts = np.stack([np.asarray(m["count"], np.float64) for m in host])  # (S,) or (S, K)
    total = counts.sum(axis=0)
    out = {"count": _to_python(total, int)}
    for name in host[0]:
        if name != "count":
            values = np.stack([np.asarray(m[name], np.float64) for m in host])
            out[name] = _to_python((values * counts).sum(axis=0) / total, float)
    return out


def _to_python(value: np.ndarray, kind):
    return kind(value) if np.ndim(value) == 0 else [kind(v) for v in value]
