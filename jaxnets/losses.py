"""Losses on logits (numerically stable), averaged over the batch, plus weight penalties.

Shapes are checked, never broadcast: ``squared`` needs predictions and targets of one shape,
``logistic`` likewise (the one exception: logits (B,) against targets (B, 1) or the reverse),
and the label losses need logits (B, K) with integer labels (B,) (``sequence_*``: (B, T, K)
with (B, T)). A mismatch raises :class:`~jaxnets.errors.InvalidArgumentError` naming both
shapes; float labels raise :class:`~jaxnets.errors.InvalidTypeError`.

Every loss returns a scalar batch mean; the ``*_per_example`` functions return (B,), so
masking padded rows is ``(per_example * mask).sum() / mask.sum()``.
"""

from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np
import optax

from jaxnets.errors import InvalidArgumentError, InvalidTypeError

__all__ = [
    "LOSSES",
    "gaussian_kl",
    "get_per_example",
    "l1_penalty",
    "l2_penalty",
    "logistic",
    "logistic_per_example",
    "multiclass_hinge",
    "multiclass_hinge_per_example",
    "sequence_softmax_cross_entropy",
    "sequence_softmax_cross_entropy_per_example",
    "softmax_cross_entropy",
    "softmax_cross_entropy_per_example",
    "squared",
    "squared_per_example",
]


def _check_same_shape(predictions: jax.Array, targets: jax.Array, name: str) -> None:
    if predictions.shape != targets.shape:
        raise InvalidArgumentError(
            f"{name}: predictions {predictions.shape} and targets {targets.shape} must have "
            "the same shape (losses never broadcast); check that the model's output matches "
            "the targets, e.g. one output unit per target value."
        )


def _check_labels(logits: jax.Array, labels: jax.Array, name: str, time: bool = False) -> None:
    want_logits, want_labels = ("(B, T, K)", "(B, T)") if time else ("(B, K)", "(B,)")
    if logits.ndim != (3 if time else 2) or labels.shape != logits.shape[:-1]:
        raise InvalidArgumentError(
            f"{name}: expected logits {want_logits} and integer labels {want_labels}; got "
            f"logits {logits.shape} and labels {labels.shape}. Labels are class ids, "
            "not one-hot rows or (B, 1) columns."
        )
    if not jnp.issubdtype(labels.dtype, jnp.integer):
        raise InvalidTypeError(
            f"{name}: labels must be integer class ids, got dtype {labels.dtype} (logits "
            f"{logits.shape}, labels {labels.shape}); cast them with labels.astype(jnp.int32)."
        )


def squared_per_example(predictions: jax.Array, targets: jax.Array) -> jax.Array:
    """0.5 * ||y_hat - y||^2 per example: predictions (B, ...), targets of the same shape -> (B,).

    Shapes must be equal; (B,) against (B, 1) is refused rather than broadcast to (B, B).
    """
    _check_same_shape(predictions, targets, "squared loss")
    diff = (predictions - targets).reshape(predictions.shape[0], -1)
    return 0.5 * jnp.sum(diff**2, axis=-1)


def logistic_per_example(logits: jax.Array, targets: jax.Array) -> jax.Array:
    """Binary cross-entropy on logits, summed over the non-batch axes: (B, ...) -> (B,).

    Targets in {0, 1} have the logits' shape; the one allowed difference is logits (B,)
    against targets (B, 1) or the reverse (one binary output per example either way).
    Written as softplus(z) - y z, which never exponentiates a large positive number.
    """
    column = {logits.shape, targets.shape} == {logits.shape[:1], (*logits.shape[:1], 1)}
    if logits.shape != targets.shape and not (logits.ndim <= 2 and column):
        raise InvalidArgumentError(
            f"logistic loss: logits {logits.shape} and targets {targets.shape} must have the "
            "same shape (or be (B,) and (B, 1)); losses never broadcast, so a model with "
            "one output per example cannot be trained on multi-value targets."
        )
    logits = logits.reshape(logits.shape[0], -1)
    targets = targets.reshape(targets.shape[0], -1).astype(logits.dtype)
    return jnp.sum(jax.nn.softplus(logits) - targets * logits, axis=-1)


def softmax_cross_entropy_per_example(logits: jax.Array, labels: jax.Array) -> jax.Array:
    """-log softmax(z)[y] per example via log-sum-exp: logits (B, K), labels (B,) -> (B,)."""
    _check_labels(logits, labels, "softmax cross-entropy")
    return optax.softmax_cross_entropy_with_integer_labels(logits, labels)


def sequence_softmax_cross_entropy_per_example(
    logits: jax.Array, labels: jax.Array, lengths: jax.Array | None = None
) -> jax.Array:
    """Mean of -log softmax(z_t)[y_t] over each sequence's real steps: (B, T, K), (B, T) -> (B,).

    ``lengths`` (B,) int counts the real steps of each (right-padded) sequence: example b
    averages steps t < lengths[b] only, so padding neither adds loss nor dilutes the mean.
    None means every sequence has all T steps. Lengths must lie in [1, T] (checked when
    they are concrete; under ``jit`` a length 0 gives loss 0).
    """
    name = "sequence softmax cross-entropy"
    _check_labels(logits, labels, name, time=True)
    per_step = optax.softmax_cross_entropy_with_integer_labels(logits, labels)  # (B, T)
    if lengths is None:
        return per_step.mean(axis=-1)
    batch, steps = labels.shape
    if jnp.shape(lengths) != (batch,) or not jnp.issubdtype(jnp.result_type(lengths), jnp.integer):
        raise InvalidArgumentError(
            f"{name}: lengths must be integers of shape (B,) = ({batch},), got shape "
            f"{jnp.shape(lengths)} dtype {jnp.result_type(lengths)} for labels {labels.shape}."
        )
    if not isinstance(lengths, jax.core.Tracer):
        values = np.asarray(lengths)
        if values.min() < 1 or values.max() > steps:
            raise InvalidArgumentError(
                f"{name}: lengths must lie in [1, T] = [1, {steps}], got min {values.min()} "
                f"and max {values.max()}."
            )
    mask = (jnp.arange(steps)[None, :] < jnp.asarray(lengths)[:, None]).astype(per_step.dtype)
    count = jnp.maximum(mask.sum(axis=-1), 1.0)  # (B,)
    return (per_step * mask).sum(axis=-1) / count


def multiclass_hinge_per_example(
    scores: jax.Array, labels: jax.Array, margin: float = 1.0
) -> jax.Array:
    """Multiclass SVM loss sum_{j != y} max(0, s_j - s_y + margin): (B, K), (B,) -> (B,)."""
    _check_labels(scores, labels, "multiclass hinge")
    correct = jnp.take_along_axis(scores, labels[:, None], axis=-1)
    margins = jnp.maximum(0.0, scores - correct + margin)
    # The true class contributes exactly `margin`; remove it rather than mask (cheaper).
    return jnp.sum(margins, axis=-1) - margin


def gaussian_kl(mean: jax.Array, logvar: jax.Array) -> jax.Array:
    """KL(N(mean, diag(exp(logvar))) || N(0, I)) per example: (B, L), (B, L) -> (B,).

    Closed form 0.5 * sum_j (exp(logvar_j) + mean_j^2 - 1 - logvar_j), the VAE's
    regulariser. Not in the loss table: it takes a distribution's parameters, not
    (predictions, targets); a VAE sows its batch mean into the ``"losses"`` collection.
    """
    if mean.shape != logvar.shape:
        raise InvalidArgumentError(
            f"gaussian_kl: mean {mean.shape} and logvar {logvar.shape} differ; they must have "
            "the same shape"
        )
    terms = jnp.exp(logvar) + jnp.square(mean) - 1.0 - logvar
    return 0.5 * jnp.sum(terms.reshape(terms.shape[0], -1), axis=-1)


def _mean(per_example: Callable) -> Callable:
    def loss(predictions, targets, **kwargs):
        return jnp.mean(per_example(predictions, targets, **kwargs))

    loss.__name__ = per_example.__name__.removesuffix("_per_example")
    loss.__doc__ = f"Batch mean of :func:`{per_example.__name__}`."
    return loss


squared = _mean(squared_per_example)
logistic = _mean(logistic_per_example)
softmax_cross_entropy = _mean(softmax_cross_entropy_per_example)
multiclass_hinge = _mean(multiclass_hinge_per_example)
sequence_softmax_cross_entropy = _mean(sequence_softmax_cross_entropy_per_example)

_PER_EXAMPLE = {
    "squared": squared_per_example,
    "logistic": logistic_per_example,
    "softmax_cross_entropy": softmax_cross_entropy_per_example,
    "hinge": multiclass_hinge_per_example,
    "sequence_softmax_cross_entropy": sequence_softmax_cross_entropy_per_example,
}
LOSSES: tuple[str, ...] = tuple(_PER_EXAMPLE)


def get_per_example(name: str) -> Callable[[jax.Array, jax.Array], jax.Array]:
    """The per-example loss called ``name`` (one of ``LOSSES``)."""
    try:
        return _PER_EXAMPLE[name]
    except KeyError:
        raise InvalidArgumentError(
            f"unknown loss {name!r}; choose one of: {', '.join(LOSSES)}"
        ) from None


def _is_weight(path) -> bool:
    # Penalise weights (kernels, PReLU slopes excluded), never biases or norm scales,
    # following the lectures' convention that regularisation acts on W only.
    last = path[-1]
    key = getattr(last, "key", getattr(last, "name", ""))
    return key == "kernel"


def l2_penalty(params, weight: float) -> jax.Array:
    """weight * 0.5 * sum ||W||^2 over all kernels (biases are not penalised)."""
    leaves = [
        jnp.sum(jnp.square(x))
        for path, x in jax.tree_util.tree_leaves_with_path(params)
        if _is_weight(path)
    ]
    return weight * 0.5 * sum(leaves, jnp.zeros(()))


def l1_penalty(params, weight: float) -> jax.Array:
    """weight * sum |W| over all kernels (biases are not penalised)."""
    leaves = [
        jnp.sum(jnp.abs(x))
        for path, x in jax.tree_util.tree_leaves_with_path(params)
        if _is_weight(path)
    ]
    return weight * sum(leaves, jnp.zeros(()))
