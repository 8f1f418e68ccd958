"""GAN players (Goodfellow et al. 2014): MLP and small DCGAN generators and discriminators.

A generator maps codes z (B, L) to images (B, H, W, C) in [0, 1] (sigmoid output, like the
data); a discriminator maps images (B, H, W, C) to one logit per image (B,), "real" being
positive. They are trained together by :func:`jaxnets.train.gan_train_step` /
``jaxnets.train.fit(state, split, step=jaxnets.train.gan_train_step)``, not by the
ordinary supervised step.
"""

import math
from collections.abc import Sequence

import flax.linen as nn
import jax

from jaxnets import initializers
from jaxnets.models._mlp import _check_input

# DCGAN (Radford et al. 2016) practice: leaky ReLU with slope 0.2 in the discriminator.
_LEAK = 0.2


class MLPGenerator(nn.Module):
    """z (B, L) -> Dense ``hidden`` (ReLU) -> Dense prod(image_shape) -> sigmoid, (B, *image_shape).

    Defaults (L = 64 codes, hidden 256, 28x28x1): (64*256 + 256) + (256*784 + 784) = 218,128
    parameters.

    >>> import jax, jax.numpy as jnp
    >>> g = MLPGenerator()
    >>> params = g.init(jax.random.key(0), jnp.ones((2, 64)))["params"]
    >>> g.apply({"params": params}, jnp.ones((2, 64))).shape
    (2, 28, 28, 1)
    """

    hidden: Sequence[int] = (256,)
    image_shape: Sequence[int] = (28, 28, 1)
    kernel_init: str = "xavier"

    @nn.compact
    def __call__(self, z: jax.Array, *, train: bool = False) -> jax.Array:
        del train
        _check_input(z, "MLPGenerator")
        init = initializers.get(self.kernel_init)
        h = z
        for i, width in enumerate(self.hidden):
            h = nn.relu(nn.Dense(width, kernel_init=init, name=f"dense_{i}")(h))
        h = nn.Dense(math.prod(self.image_shape), kernel_init=init, name="output")(h)
        return nn.sigmoid(h).reshape(z.shape[0], *self.image_shape)


class MLPDiscriminator(nn.Module):
    """x (B, ...) -> flatten -> Dense ``hidden`` (leaky ReLU 0.2) -> Dense 1: logits (B,).

    Defaults on 28x28x1: (784*256 + 256) + (256*1 + 1) = 201,217 parameters.

    >>> import jax, jax.numpy as jnp
    >>> d = MLPDiscriminator()
    >>> params = d.init(jax.random.key(0), jnp.ones((2, 28, 28, 1)))["params"]
    >>> d.apply({"params": params}, jnp.ones((2, 28, 28, 1))).shape
    (2,)
    """

    hidden: Sequence[int] = (256,)
    kernel_init: str = "xavier"

    @nn.compact
    def __call__(self, x: jax.Array, *, train: bool = False) -> jax.Array:
        del train
        _check_input(x, "MLPDiscriminator")
        init = initializers.get(self.kernel_init)
        h = x.reshape(x.shape[0], -1)  # (B, D)
        for i, width in enumerate(self.hidden):
            h = nn.leaky_relu(nn.Dense(width, kernel_init=init, name=f"dense_{i}")(h), _LEAK)
        return nn.Dense(1, kernel_init=init, name="output")(h)[:, 0]


class DCGANGenerator(nn.Module):
    """Small DCGAN generator for 28x28x1, without batch norm (kept stateless).

    z (B, L) -> Dense 7*7*32 (ReLU) -> (B, 7, 7, 32) -> conv^T 4x4/2 16 (ReLU)
    -> (B, 14, 14, 16) -> conv^T 4x4/2 1 -> sigmoid, (B, 28, 28, 1). Defaults (L = 64):
    101,920 + 8,208 + 257 = 110,385 parameters. (Half the DCGAN paper's widths and then some:
    a transposed conv is the costliest layer on a CPU.)

    >>> import jax, jax.numpy as jnp
    >>> g = DCGANGenerator()
    >>> params = g.init(jax.random.key(0), jnp.ones((2, 64)))["params"]
    >>> g.apply({"params": params}, jnp.ones((2, 64))).shape
    (2, 28, 28, 1)
    """

    features: Sequence[int] = (32, 16)
    base: int = 7
    channels: int = 1
    kernel_init: str = "xavier"  # with "he", D wins at once and G never recovers (measured)

    @nn.compact
    def __call__(self, z: jax.Array, *, train: bool = False) -> jax.Array:
        del train
        _check_input(z, "DCGANGenerator")
        init = initializers.get(self.kernel_init)
        first, *rest = self.features
        h = nn.Dense(self.base * self.base * first, kernel_init=init, name="project")(z)
        h = nn.relu(h).reshape(z.shape[0], self.base, self.base, first)  # (B, 7, 7, C)
        widths = (*rest, self.channels)
        for i, width in enumerate(widths):
            h = nn.ConvTranspose(
                width, (4, 4), strides=(2, 2), padding="SAME", kernel_init=init, name=f"deconv_{i}"
            )(h)  # spatial size doubles
            if i < len(widths) - 1:
                h = nn.relu(h)
        return nn.sigmoid(h)


class DCGANDiscriminator(nn.Module):
    """Small DCGAN discriminator: strided convs with leaky ReLU, then one logit per image.

    (B, 28, 28, 1) -> conv 4x4/2 16 -> (B, 14, 14, 16) -> conv 4x4/2 32 -> (B, 7, 7, 32)
    -> Dense 1: logits (B,). Defaults: 272 + 8,224 + 1,569 = 10,065 parameters.

    >>> import jax, jax.numpy as jnp
    >>> d = DCGANDiscriminator()
    >>> params = d.init(jax.random.key(0), jnp.ones((2, 28, 28, 1)))["params"]
    >>> d.apply({"params": params}, jnp.ones((2, 28, 28, 1))).shape
    (2,)
    """

    features: Sequence[int] = (16, 32)
    kernel_init: str = "xavier"

    @nn.compact
    def __call__(self, x: jax.Array, *, train: bool = False) -> jax.Array:
        del train
        if x.ndim != 4:
            raise ValueError(f"DCGANDiscriminator expects images (B, H, W, C); got {x.shape}")
        init = initializers.get(self.kernel_init)
        h = x
        for i, width in enumerate(self.features):
            h = nn.Conv(
                width, (4, 4), strides=2, padding="SAME", kernel_init=init, name=f"conv_{i}"
            )(h)
            h = nn.leaky_relu(h, _LEAK)
        h = h.reshape(h.shape[0], -1)  # (B, H/4 * W/4 * C)
        return nn.Dense(1, kernel_init=init, name="output")(h)[:, 0]
