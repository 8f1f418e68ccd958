"""Inverted dropout, and Monte Carlo dropout prediction (mean and variance over masks)."""

from functools import partial

import flax.linen as nn
import jax
import jax.numpy as jnp


class Dropout(nn.Module):
    """Inverted dropout (Srivastava et al. 2014): zero each unit with probability ``rate``.

    ``train=True``: y = m * x / (1 - rate) with m ~ Bernoulli(1 - rate) per entry, drawn from
    the ``"dropout"`` rng stream (pass ``rngs={"dropout": key}``). The 1 / (1 - rate) scale
    makes E[y] = x, so ``train=False`` is simply the identity: nothing to rescale at test time.
    Input and output (...,) of any shape.

    >>> import jax, jax.numpy as jnp
    >>> layer = Dropout(rate=0.5)
    >>> y = layer.apply({}, jnp.ones((1, 4)), train=True, rngs={"dropout": jax.random.key(0)})
    >>> sorted(set(y[0].tolist())) in ([0.0, 2.0], [0.0], [2.0])
    True
    >>> layer.apply({}, jnp.ones((1, 4)), train=False).tolist()
    [[1.0, 1.0, 1.0, 1.0]]
    """

    rate: float = 0.5

    @nn.compact
    def __call__(self, x: jax.Array, *, train: bool = False) -> jax.Array:
        if not 0.0 <= self.rate < 1.0:
            raise ValueError(f"dropout rate must be in [0, 1), got {self.rate}")
        if not train or self.rate == 0.0:
            return x
        keep = jax.random.bernoulli(self.make_rng("dropout"), 1.0 - self.rate, x.shape)
        return jnp.where(keep, x / (1.0 - self.rate), jnp.zeros_like(x))


@partial(jax.jit, static_argnames=("model", "num_samples"))
def mc_predict(
    model: nn.Module, variables, x: jax.Array, *, key: jax.Array, num_samples: int = 32
) -> tuple[jax.Array, jax.Array]:
    """Monte Carlo dropout (Gal & Ghahramani 2016): mean and variance of N stochastic passes.

    Runs ``model.apply(variables, x, train=True)`` once per key of ``split(key, num_samples)``,
    vmapped, in one compiled call; returns ``(mean, variance)`` over the samples, each with the
    model's output shape (B, ...). The variance is a (biased, 1/N) estimate of the predictive
    variance the dropout masks induce. Both ``"dropout"`` and ``"noise"`` streams are
    randomised; any other collection (batch-norm statistics) is applied mutable and the
    update discarded, so in a model with :class:`BatchNorm` the passes normalise with the
    batch's own statistics (use a full batch).

    >>> import jax, jax.numpy as jnp
    >>> model = Dropout(rate=0.5)
    >>> mean, var = mc_predict(model, {}, jnp.ones((1, 3)), key=jax.random.key(0), num_samples=8)
    >>> mean.shape, var.shape
    ((1, 3), (1, 3))
    """
    if num_samples < 1:
        raise ValueError(f"num_samples must be >= 1, got {num_samples}")
    state_collections = [name for name in variables if name != "params"]

    def one_pass(sample_key):
        rngs = {"dropout": sample_key, "noise": jax.random.fold_in(sample_key, 1)}
        out, _ = model.apply(variables, x, train=True, rngs=rngs, mutable=state_collections)
        return out

    samples = jax.vmap(one_pass)(jax.random.split(key, num_samples))  # (N, B, ...)
    return jnp.mean(samples, axis=0), jnp.var(samples, axis=0)
