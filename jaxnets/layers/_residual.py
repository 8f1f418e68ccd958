"""Residual blocks (He et al. 2016): y = act(x + F(x)), dense and convolutional."""

import flax.linen as nn
import jax

from jaxnets import initializers
from jaxnets.layers._activations import activation as get_activation


class ResidualDense(nn.Module):
    """Two-layer residual block: y = act(x + W_2 act(W_1 x + b_1) + b_2).

    Input and output (B, D); the identity shortcut needs the same width in and out.
    Parameters 2 (D^2 + D). ``zero_init_last`` starts W_2 at zero so the block is exactly
    act(x) at initialisation, which keeps the signal's scale fixed through deep stacks
    (the same idea as Goyal et al.'s zero-gamma initialisation).

    >>> import jax, jax.numpy as jnp
    >>> block = ResidualDense()
    >>> params = block.init(jax.random.key(0), jnp.ones((1, 4)))["params"]
    >>> sum(p.size for p in jax.tree.leaves(params))  # 2 * (16 + 4)
    40
    """

    activation: str = "relu"
    kernel_init: str = "he"
    zero_init_last: bool = False

    @nn.compact
    def __call__(self, x: jax.Array, *, train: bool = False) -> jax.Array:
        del train
        d = x.shape[-1]
        act = get_activation(self.activation)
        init = initializers.get(self.kernel_init)
        last_init = nn.initializers.zeros if self.zero_init_last else init
        f = act(nn.Dense(d, kernel_init=init, name="dense_0")(x))
        f = nn.Dense(d, kernel_init=last_init, name="dense_1")(f)
        return get_activation(self.activation)(x + f)


class ResidualConv(nn.Module):
    """Basic convolutional residual block: two 3x3 SAME convolutions and a shortcut.

    Input (B, H, W, C_in) -> output (B, H/s, W/s, C) with ``features`` C and ``strides`` s on
    the first conv. When the shape changes (C_in != C or s > 1) the shortcut is a 1x1 conv with
    stride s (He et al.'s projection shortcut, option B); otherwise it is the identity.
    Parameters 9 C_in C + C + 9 C^2 + C, plus C_in C + C for a projection.

    >>> import jax, jax.numpy as jnp
    >>> block = ResidualConv(features=4)
    >>> params = block.init(jax.random.key(0), jnp.ones((1, 8, 8, 4)))["params"]
    >>> sum(p.size for p in jax.tree.leaves(params))  # 2 * (9 * 16 + 4)
    296
    """

    features: int
    strides: int = 1
    activation: str = "relu"
    kernel_init: str = "he"

    @nn.compact
    def __call__(self, x: jax.Array, *, train: bool = False) -> jax.Array:
        del train
        if x.ndim != 4:
            raise ValueError(f"ResidualConv expects images (B, H, W, C), got shape {x.shape}")
        act = get_activation(self.activation)
        init = initializers.get(self.kernel_init)
        s = (self.strides, self.strides)
        f = nn.Conv(self.features, (3, 3), s, padding="SAME", kernel_init=init, name="conv_0")(x)
        f = nn.Conv(self.features, (3, 3), padding="SAME", kernel_init=init, name="conv_1")(act(f))
        shortcut = x
        if x.shape[-1] != self.features or self.strides != 1:
            shortcut = nn.Conv(self.features, (1, 1), s, kernel_init=init, name="projection")(x)
        return get_activation(self.activation)(shortcut + f)
