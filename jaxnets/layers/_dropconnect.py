"""DropConnect: a dense layer whose weights, not activations, are randomly dropped."""

import flax.linen as nn
import jax
import jax.numpy as jnp

from jaxnets import initializers


class DropConnectDense(nn.Module):
    """Dense layer with DropConnect (Wan et al. 2013): each weight kept with prob 1 - rate.

    Input (B, D) -> output (B, H); parameters ``kernel`` (D, H) and ``bias`` (H,).

    ``train=True``: y = x (M * W) / (1 - rate) + b with M ~ Bernoulli(1 - rate) drawn from the
    ``"dropout"`` rng stream. ``per_example`` chooses the mask granularity:

    - ``False`` (default): one mask (D, H) for the whole batch: a single matmul, cheap.
    - ``True``: a fresh mask (B, D, H) per example, as in the paper: B times the memory,
      lower-variance gradient estimates.

    The bias is never dropped. As with inverted dropout, the 1 / (1 - rate) scale makes the
    expected pre-activation equal x W + b, so ``train=False`` uses the plain weights (the
    "mean" inference rule; the paper's Gaussian moment-matching inference is not implemented).

    >>> import jax, jax.numpy as jnp
    >>> layer = DropConnectDense(3, rate=0.5)
    >>> variables = layer.init(jax.random.key(0), jnp.ones((2, 4)))
    >>> rngs = {"dropout": jax.random.key(1)}
    >>> layer.apply(variables, jnp.ones((2, 4)), train=True, rngs=rngs).shape
    (2, 3)
    """

    features: int
    rate: float = 0.5
    per_example: bool = False
    kernel_init: str = "xavier"

    @nn.compact
    def __call__(self, x: jax.Array, *, train: bool = False) -> jax.Array:
        if not 0.0 <= self.rate < 1.0:
            raise ValueError(f"DropConnect rate must be in [0, 1), got {self.rate}")
        if x.ndim != 2:
            raise ValueError(f"DropConnectDense expects (B, D) inputs, got shape {x.shape}")
        d = x.shape[-1]
        init = initializers.get(self.kernel_init)
        kernel = self.param("kernel", init, (d, self.features), x.dtype)
        bias = self.param("bias", nn.initializers.zeros, (self.features,), x.dtype)
        if not train or self.rate == 0.0:
            return x @ kernel + bias
        keep_prob = 1.0 - self.rate
        key = self.make_rng("dropout")
        if self.per_example:
            mask = jax.random.bernoulli(key, keep_prob, (x.shape[0], d, self.features))
            weights = jnp.where(mask, kernel, 0.0) / keep_prob  # (B, D, H)
            return jnp.einsum("bd,bdh->bh", x, weights) + bias
        mask = jax.random.bernoulli(key, keep_prob, kernel.shape)
        return x @ (jnp.where(mask, kernel, 0.0) / keep_prob) + bias
