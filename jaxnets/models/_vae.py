"""Variational autoencoder (Kingma and Welling 2014) with a Gaussian code and Bernoulli pixels."""

import math
from collections.abc import Sequence

import flax.linen as nn
import jax
import jax.numpy as jnp

from jaxnets import initializers, losses
from jaxnets.layers import activation as get_activation
from jaxnets.models._mlp import _check_input


class VAE(nn.Module):
    """Dense VAE: x (B, *image_shape) -> q(z|x) = N(mean, diag(exp(logvar))) -> logits of p(x|z).

    Encoder: flatten -> Dense ``hidden`` (activated) -> two heads, mean and logvar (B, L).
    Training (``train=True``) samples z = mean + exp(logvar / 2) * eps, eps ~ N(0, I) from
    the ``"noise"`` rng stream (the reparameterisation: gradients reach the encoder through
    mean and logvar); evaluation takes z = mean, so it is deterministic. Decoder: Dense
    ``reversed(hidden)`` (activated) -> Dense prod(image_shape), reshaped to the input's
    shape as logits.

    The KL(q(z|x) || N(0, I)) batch mean is sown into ``"losses"`` as ``"kl"``; with the
    registry's ``"logistic"`` reconstruction loss the train step's ``"loss"`` is then the
    negative ELBO per example (in nats). Defaults on 28x28x1 (hidden 256, L = 16): 415,024
    parameters.

    >>> import jax, jax.numpy as jnp
    >>> model = VAE(hidden=(64,), latent=2)
    >>> variables = model.init(jax.random.key(0), jnp.ones((3, 28, 28, 1)))
    >>> logits, aux = model.apply(variables, jnp.ones((3, 28, 28, 1)), train=True,
    ...                           rngs={"noise": jax.random.key(1)}, mutable=["losses"])
    >>> logits.shape, aux["losses"]["kl"][0].shape
    ((3, 28, 28, 1), ())
    """

    hidden: Sequence[int] = (256,)
    latent: int = 16
    image_shape: Sequence[int] = (28, 28, 1)
    activation: str = "relu"
    kernel_init: str = "xavier"

    def setup(self):
        init = initializers.get(self.kernel_init)
        self.encoder_layers = [
            nn.Dense(w, kernel_init=init, name=f"enc_{i}") for i, w in enumerate(self.hidden)
        ]
        self.mean_head = nn.Dense(self.latent, kernel_init=init, name="mean")
        self.logvar_head = nn.Dense(self.latent, kernel_init=init, name="logvar")
        widths = (*reversed(self.hidden), math.prod(self.image_shape))
        self.decoder_layers = [
            nn.Dense(w, kernel_init=init, name=f"dec_{i}") for i, w in enumerate(widths)
        ]

    def encode(self, x: jax.Array) -> tuple[jax.Array, jax.Array]:
        """(mean, logvar), each (B, L), of q(z|x) for inputs (B, *image_shape)."""
        h = x.reshape(x.shape[0], -1)  # (B, D)
        for layer in self.encoder_layers:
            h = get_activation(self.activation)(layer(h))
        return self.mean_head(h), self.logvar_head(h)

    def decode(self, z: jax.Array) -> jax.Array:
        """Pixel logits (B, *image_shape) of p(x|z) for codes z (B, L)."""
        h = z
        for i, layer in enumerate(self.decoder_layers):
            h = layer(h)
            if i < len(self.decoder_layers) - 1:
                h = get_activation(self.activation)(h)
        return h.reshape(z.shape[0], *self.image_shape)

    def __call__(self, x: jax.Array, *, train: bool = False) -> jax.Array:
        _check_input(x, "VAE")
        if tuple(x.shape[1:]) != tuple(self.image_shape):
            raise ValueError(
                f"VAE was built for inputs {tuple(self.image_shape)}, got {tuple(x.shape[1:])}; "
                "set image_shape to the data's per-example shape."
            )
        mean, logvar = self.encode(x)
        if train:
            z = reparameterize(self.make_rng("noise"), mean, logvar)
        else:
            z = mean
        # Not while initialising: init would store the value as a variable that every later
        # apply would then sum again with the fresh one.
        if not self.is_initializing():
            self.sow("losses", "kl", jnp.mean(losses.gaussian_kl(mean, logvar)))
        return self.decode(z)


def reparameterize(key: jax.Array, mean: jax.Array, logvar: jax.Array) -> jax.Array:
    """z = mean + exp(logvar / 2) * eps, eps ~ N(0, I): a sample differentiable in mean, logvar."""
    eps = jax.random.normal(key, mean.shape, mean.dtype)
    return mean + jnp.exp(0.5 * logvar) * eps
