"""Highway layer: a learned gate between a transformation and the identity."""

import flax.linen as nn
import jax

from jaxnets import initializers
from jaxnets.layers._activations import activation as get_activation


class Highway(nn.Module):
    """Highway layer (Srivastava et al. 2015): y = T(x) * H(x) + (1 - T(x)) * x.

    H(x) = act(W_H x + b_H) is an ordinary dense layer; T(x) = sigmoid(W_T x + b_T) is the
    transform gate. ``gate_bias`` (negative, -2 by default as in the paper) starts every gate
    mostly closed (T ~ 0.12), so a deep stack begins close to the identity and gradients reach
    the lower layers. Input and output (B, D): the carry term needs the same width in and out.
    Parameters ``transform`` (W_H, b_H) and ``gate`` (W_T, b_T): 2 (D^2 + D).

    >>> import jax, jax.numpy as jnp
    >>> layer = Highway()
    >>> params = layer.init(jax.random.key(0), jnp.ones((1, 4)))["params"]
    >>> sum(p.size for p in jax.tree.leaves(params))  # 2 * (16 + 4)
    40
    """

    activation: str = "relu"
    gate_bias: float = -2.0
    kernel_init: str = "he"

    @nn.compact
    def __call__(self, x: jax.Array, *, train: bool = False) -> jax.Array:
        del train
        d = x.shape[-1]
        init = initializers.get(self.kernel_init)
        h = get_activation(self.activation)(nn.Dense(d, kernel_init=init, name="transform")(x))
        gate = nn.Dense(d, bias_init=nn.initializers.constant(self.gate_bias), name="gate")
        t = jax.nn.sigmoid(gate(x))
        return t * h + (1.0 - t) * x
