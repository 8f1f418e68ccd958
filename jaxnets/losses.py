"""Losses on logits (numerically stable), averaged over the batch, plus weight penalties.

Every loss takes ``predictions`` of shape (B, K) (or (B,) for binary/regression) and
targets, and returns a scalar mean. Per-example values come from the ``*_per_example``
functions, so masking padded rows is ``(per_example * mask).sum() / mask.sum()``.
"""

from collections.abc import Callable

import jax
import jax.numpy as jnp
import optax


def _check_batch(predictions: jax.Array, targets: jax.Array, name: str) -> None:
    if predictions.shape[:1] != targets.shape[:1]:
        raise ValueError(
            f"{name}: predictions {predictions.shape} and targets {targets.shape} have "
            "different batch sizes; both need the same leading axis B."
        )


def _check_labels(logits: jax.Array, labels: jax.Array, name: str) -> None:
    _check_batch(logits, labels, name)
    if logits.ndim != 2 or labels.ndim != 1:
        raise ValueError(
            f"{name}: expected logits (B, K) and integer labels (B,); got logits "
            f"{logits.shape} and labels {labels.shape}."
        )
    if not jnp.issubdtype(labels.dtype, jnp.integer):
        raise TypeError(f"{name}: labels must be integer class ids, got dtype {labels.dtype}.")


def squared_per_example(predictions: jax.Array, targets: jax.Array) -> jax.Array:
    """0.5 * ||y_hat - y||^2 per example: (B, ...) -> (B,)."""
    _check_batch(predictions, targets, "squared loss")
    diff = (predictions - targets).reshape(predictions.shape[0], -1)
    return 0.5 * jnp.sum(diff**2, axis=-1)


def logistic_per_example(logits: jax.Array, targets: jax.Array) -> jax.Array:
    """Binary cross-entropy on logits, targets in {0, 1}: (B,) or (B, 1) -> (B,).

    Written as softplus(z) - y z, which never exponentiates a large positive number.
    """
    _check_batch(logits, targets, "logistic loss")
    logits = logits.reshape(logits.shape[0], -1)
    targets = targets.reshape(targets.shape[0], -1).astype(logits.dtype)
    return jnp.sum(jax.nn.softplus(logits) - targets * logits, axis=-1)


def softmax_cross_entropy_per_example(logits: jax.Array, labels: jax.Array) -> jax.Array:
    """-log softmax(z)[y] per example via log-sum-exp: logits (B, K), labels (B,) -> (B,)."""
    _check_labels(logits, labels, "softmax cross-entropy")
    return optax.softmax_cross_entropy_with_integer_labels(logits, labels)


def sequence_softmax_cross_entropy_per_example(logits: jax.Array, labels: jax.Array) -> jax.Array:
    """Mean over time of -log softmax(z_t)[y_t]: logits (B, T, K), labels (B, T) -> (B,)."""
    _check_batch(logits, labels, "sequence softmax cross-entropy")
    if logits.ndim != 3 or labels.shape != logits.shape[:2]:
        raise ValueError(
            "sequence softmax cross-entropy: expected logits (B, T, K) and labels (B, T); "
            f"got {logits.shape} and {labels.shape}."
        )
    per_step = optax.softmax_cross_entropy_with_integer_labels(logits, labels)  # (B, T)
    return per_step.mean(axis=-1)


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
        raise ValueError(f"gaussian_kl: mean {mean.shape} and logvar {logvar.shape} differ")
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
        raise ValueError(f"unknown loss {name!r}; choose one of: {', '.join(LOSSES)}") from None


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
