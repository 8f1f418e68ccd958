"""Softmax over a large output vocabulary, trained with negative sampling (Mikolov et al. 2013).

The full softmax costs O(V) per example in the forward and the backward pass. Negative
sampling replaces it in training by k + 1 binary problems: the true class y should score
high and k classes n_1..n_k drawn from a noise distribution P_n should score low,

    loss = -log σ(s_y) - Σ_j log σ(-s_{n_j}),   s_c = w_c · h + b_c,

so each step reads and updates only k + 1 rows of the (V, H) output matrix. P_n is the
unigram distribution raised to 0.75 (:func:`unigram_distribution`) or uniform. Evaluation
uses the full softmax over all V classes.

>>> import jax, jax.numpy as jnp
>>> model = SampledSoftmaxClassifier(num_classes=1000, hidden=(16,))
>>> x, y = jnp.ones((4, 8)), jnp.array([1, 2, 3, 4])
>>> variables = model.init(jax.random.key(0), x)
>>> classes = candidates(jax.random.key(1), y, 5, num_classes=1000)  # uniform, (B, 1 + k)
>>> logits = model.apply(variables, x, classes)  # only 6 of the 1000 rows: (B, 1 + k)
>>> negative_sampling_loss(logits, classes).shape
(4,)
>>> model.apply(variables, x).shape  # evaluation: all classes
(4, 1000)
"""

from collections.abc import Sequence

import flax.linen as nn
import jax
import jax.numpy as jnp

from jaxnets import initializers


def unigram_distribution(counts: jax.Array, power: float = 0.75) -> jax.Array:
    """Noise distribution P_n(c) ∝ count(c)^power over classes: counts (V,) -> probs (V,).

    0.75 (Mikolov et al.) flattens the unigram distribution so rare classes are drawn more
    often than their frequency; 0 gives the uniform distribution.
    """
    weights = jnp.asarray(counts, jnp.float32) ** power
    return weights / weights.sum()


def candidates(
    key: jax.Array,
    labels: jax.Array,
    num_negatives: int,
    *,
    num_classes: int | None = None,
    probs: jax.Array | None = None,
) -> jax.Array:
    """The classes one training step scores: labels (B,) -> (B, 1 + k) int32.

    Column 0 is the true class, columns 1..k negatives drawn independently per example from
    ``probs`` (V,), or uniformly over ``num_classes`` when ``probs`` is None.
    """
    shape = (labels.shape[0], num_negatives)
    if probs is not None:
        negatives = jax.random.categorical(key, jnp.log(probs), shape=shape)
    elif num_classes is not None:
        negatives = jax.random.randint(key, shape, 0, num_classes)
    else:
        raise ValueError("candidates needs probs (V,) or num_classes for uniform negatives")
    return jnp.concatenate([labels[:, None], negatives], axis=1).astype(jnp.int32)


def negative_sampling_loss(logits: jax.Array, classes: jax.Array) -> jax.Array:
    """Sampled logistic loss per example from scores of the true class and k negatives.

    ``logits`` (B, 1 + k) are s_c for ``classes`` (B, 1 + k) from :func:`candidates` (column
    0 the true class). Returns (B,): softplus(-s_y) + Σ_j softplus(s_{n_j}) (softplus(-s) is
    -log σ(s)), where a negative that happens to equal the true class is left out.
    """
    true_term = jax.nn.softplus(-logits[:, 0])
    is_negative = (classes[:, 1:] != classes[:, :1]).astype(logits.dtype)  # (B, k)
    return true_term + jnp.sum(jax.nn.softplus(logits[:, 1:]) * is_negative, axis=-1)


class SampledSoftmax(nn.Module):
    """Output layer s = W h + b over ``num_classes`` V, scoring all or only some classes.

    ``h`` (B, H); with ``classes`` None returns all logits (B, V) (evaluation, full softmax);
    with ``classes`` (B, S) int gathers only those rows of W (V, H) and b (V,) and returns
    (B, S), so gradients reach only the S rows used. H·V + V parameters.
    """

    num_classes: int
    kernel_init: str = "small_random"

    @nn.compact
    def __call__(self, h: jax.Array, classes: jax.Array | None = None) -> jax.Array:
        # Rows are classes (V, H), unlike Dense's (H, V), so a class's weights are one row.
        kernel = self.param(
            "kernel", initializers.get(self.kernel_init), (self.num_classes, h.shape[-1])
        )
        bias = self.param("bias", nn.initializers.zeros_init(), (self.num_classes,))
        if classes is None:
            return h @ kernel.T + bias  # (B, V)
        rows = kernel[classes]  # (B, S, H): a gather, whose gradient is a sparse scatter
        return jnp.einsum("bh,bsh->bs", h, rows) + bias[classes]


class SampledSoftmaxClassifier(nn.Module):
    """Features (B, ...) -> tanh hidden layers ``hidden`` -> :class:`SampledSoftmax` head.

    ``apply(v, x)`` gives full logits (B, V); ``apply(v, x, classes)`` the logits (B, S) of
    ``classes`` only, to train with :func:`negative_sampling_loss`.
    """

    num_classes: int
    hidden: Sequence[int] = ()

    @nn.compact
    def __call__(self, x: jax.Array, classes: jax.Array | None = None, *, train: bool = False):
        del train
        h = x.reshape(x.shape[0], -1)
        for i, width in enumerate(self.hidden):
            h = jnp.tanh(
                nn.Dense(width, kernel_init=initializers.get("xavier"), name=f"dense_{i}")(h)
            )
        return SampledSoftmax(self.num_classes, name="head")(h, classes)
