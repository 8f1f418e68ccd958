"""Autoencoders beyond the dense one: sparse code, denoising, convolutional.

Each reconstructs its input: output (B, ...) has the input's shape and holds logits (train
with the ``"logistic"`` loss on pixels in [0, 1], or ``"squared"``), and the registry pairs
each with ``target="input"``, so the ordinary ``jaxnets.train.train_step`` trains them. The
dense 784-32-784 and 784-128-64-32-64-128-784 autoencoders are
:class:`jaxnets.models.DenseAutoencoder`.
"""

from collections.abc import Sequence

import flax.linen as nn
import jax
import jax.numpy as jnp

from jaxnets import initializers
from jaxnets.layers import activation as get_activation
from jaxnets.models._mlp import MLP, DenseAutoencoder, _check_input

CORRUPTIONS: tuple[str, ...] = ("mask", "gaussian")


class SparseAutoencoder(nn.Module):
    """Dense autoencoder whose code pays an L1 activity penalty (a sparse code).

    Encoder widths ``encoder`` (the last is the code, activated), decoder the mirror image
    back to D = prod(input shape), linear output. The penalty
    ``sparsity * mean_B sum_j |h_j|`` is sown into the ``"losses"`` collection, so the train
    step adds it to the reconstruction loss. ``encoder=(64,)`` on 784 inputs is 784-64-784:
    (784*64 + 64) + (64*784 + 784) = 101,200 parameters.

    >>> import jax, jax.numpy as jnp
    >>> model = SparseAutoencoder(encoder=(64,), sparsity=1e-3)
    >>> variables = model.init(jax.random.key(0), jnp.ones((2, 784)))
    >>> out, aux = model.apply(variables, jnp.ones((2, 784)), mutable=["losses"])
    >>> out.shape, sorted(aux["losses"])
    ((2, 784), ['code_l1'])
    """

    encoder: Sequence[int] = (64,)
    sparsity: float = 1e-3
    activation: str = "relu"
    kernel_init: str = "xavier"

    @nn.compact
    def __call__(self, x: jax.Array, *, train: bool = False) -> jax.Array:
        del train  # the penalty is part of the objective in training and evaluation alike
        _check_input(x, "SparseAutoencoder")
        if self.sparsity < 0:
            raise ValueError(f"sparsity must be >= 0, got {self.sparsity}")
        shape = x.shape
        flat = x.reshape(shape[0], -1)  # (B, D)
        h = MLP(
            tuple(self.encoder),
            self.activation,
            output_activation=self.activation,  # the code is activated (>= 0 for relu)
            kernel_init=self.kernel_init,
            name="encoder",
        )(flat)  # (B, H)
        # Not while initialising: init would store the value as a variable that every later
        # apply would then sum again with the fresh one.
        if not self.is_initializing():
            penalty = self.sparsity * jnp.mean(jnp.sum(jnp.abs(h), axis=-1))
            self.sow("losses", "code_l1", penalty)
        widths = (*reversed(self.encoder[:-1]), flat.shape[-1])
        out = MLP(widths, self.activation, kernel_init=self.kernel_init, name="decoder")(h)
        return out.reshape(shape)


class DenoisingAutoencoder(nn.Module):
    """Dense autoencoder trained to undo a corruption of its input.

    In training (``train=True``) the input is corrupted first, with randomness from the
    ``"noise"`` rng stream: ``"mask"`` zeroes each input value with probability ``rate``,
    ``"gaussian"`` adds N(0, rate^2) noise. The loss then compares the reconstruction with the
    clean batch input (``target="input"``). In evaluation nothing is corrupted, so the output is
    deterministic. Same parameters as :class:`DenseAutoencoder` with the same ``encoder``:
    784-32-784 has 50,992.

    >>> import jax, jax.numpy as jnp
    >>> model = DenoisingAutoencoder(encoder=(32,), corruption="mask", rate=0.3)
    >>> variables = model.init(jax.random.key(0), jnp.ones((2, 784)))
    >>> model.apply(variables, jnp.ones((2, 784)), train=True,
    ...             rngs={"noise": jax.random.key(1)}).shape
    (2, 784)
    """

    encoder: Sequence[int] = (32,)
    corruption: str = "mask"
    rate: float = 0.3
    activation: str = "relu"
    kernel_init: str = "xavier"

    @nn.compact
    def __call__(self, x: jax.Array, *, train: bool = False) -> jax.Array:
        _check_input(x, "DenoisingAutoencoder")
        if self.corruption not in CORRUPTIONS:
            raise ValueError(f"corruption must be one of {CORRUPTIONS}, got {self.corruption!r}")
        if self.corruption == "mask" and not 0.0 <= self.rate < 1.0:
            raise ValueError(f"mask rate must be in [0, 1), got {self.rate}")
        if train and self.rate > 0:
            x = corrupt(x, self.make_rng("noise"), self.corruption, self.rate)
        return DenseAutoencoder(
            tuple(self.encoder), self.activation, self.kernel_init, name="autoencoder"
        )(x)


def corrupt(x: jax.Array, key: jax.Array, corruption: str, rate: float) -> jax.Array:
    """Masking noise (zero each value with probability ``rate``) or additive N(0, rate^2)."""
    if corruption == "mask":
        keep = jax.random.bernoulli(key, 1.0 - rate, x.shape)
        return jnp.where(keep, x, jnp.zeros_like(x))
    if corruption == "gaussian":
        return x + rate * jax.random.normal(key, x.shape, x.dtype)
    raise ValueError(f"corruption must be one of {CORRUPTIONS}, got {corruption!r}")


class ConvAutoencoder(nn.Module):
    """Convolutional autoencoder: strided convs down, a dense code, transposed convs up.

    (B, 28, 28, 1) -> conv 3x3/2 16 -> (B, 14, 14, 16) -> conv 3x3/2 32 -> (B, 7, 7, 32)
    -> dense code (B, 32) -> dense (B, 7*7*32) -> (B, 7, 7, 32) -> conv^T 3x3/2 16
    -> (B, 14, 14, 16) -> conv^T 3x3/2 1 -> (B, 28, 28, 1) logits. Each spatial size must
    halve exactly (H, W divisible by 2**len(features)). Defaults on 28x28x1: 111,521
    parameters (see the test for the arithmetic).

    >>> import jax, jax.numpy as jnp
    >>> model = ConvAutoencoder()
    >>> variables = model.init(jax.random.key(0), jnp.ones((1, 28, 28, 1)))
    >>> model.apply(variables, jnp.ones((1, 28, 28, 1))).shape
    (1, 28, 28, 1)
    """

    features: Sequence[int] = (16, 32)
    latent: int = 32
    kernel_size: int = 3
    activation: str = "relu"
    kernel_init: str = "he"

    @nn.compact
    def __call__(self, x: jax.Array, *, train: bool = False) -> jax.Array:
        del train
        if x.ndim != 4:
            raise ValueError(f"ConvAutoencoder expects images (B, H, W, C); got {x.shape}")
        b, h, w, c = x.shape
        scale = 2 ** len(self.features)
        if h % scale or w % scale:
            raise ValueError(
                f"ConvAutoencoder with {len(self.features)} stride-2 stages needs H and W "
                f"divisible by {scale}; got {h}x{w}"
            )
        init = initializers.get(self.kernel_init)
        act = get_activation(self.activation)
        k = (self.kernel_size, self.kernel_size)
        for i, width in enumerate(self.features):
            x = act(
                nn.Conv(width, k, strides=2, padding="SAME", kernel_init=init, name=f"conv_{i}")(x)
            )
        inner = x.shape[1:]  # (H/s, W/s, C_last)
        code = nn.Dense(self.latent, kernel_init=init, name="code")(x.reshape(b, -1))  # (B, L)
        x = act(
            nn.Dense(inner[0] * inner[1] * inner[2], kernel_init=init, name="expand")(act(code))
        )
        x = x.reshape(b, *inner)
        widths = (*reversed(self.features[:-1]), c)
        for i, width in enumerate(widths):
            x = nn.ConvTranspose(
                width, k, strides=(2, 2), padding="SAME", kernel_init=init, name=f"deconv_{i}"
            )(x)
            if i < len(widths) - 1:
                x = act(x)
        return x  # (B, H, W, C) logits
