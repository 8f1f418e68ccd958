"""Activations by name, including PReLU whose negative slope is a learned parameter."""

from collections.abc import Callable

import flax.linen as nn
import jax
import jax.numpy as jnp


class PReLU(nn.Module):
    """Parametric ReLU: max(0, x) + a * min(0, x) with one learned slope ``a`` per feature.

    Input (..., D) -> output (..., D); parameter ``alpha`` of shape (D,), initialised to
    ``init_slope`` (0.25 as in He et al. 2015).
    """

    init_slope: float = 0.25

    @nn.compact
    def __call__(self, x: jax.Array) -> jax.Array:
        alpha = self.param(
            "alpha", nn.initializers.constant(self.init_slope), (x.shape[-1],), x.dtype
        )
        return jnp.where(x >= 0, x, alpha * x)


_FUNCTIONS: dict[str, Callable[[jax.Array], jax.Array]] = {
    "sigmoid": jax.nn.sigmoid,
    "tanh": jnp.tanh,
    "relu": jax.nn.relu,
    "leaky_relu": lambda x: jax.nn.leaky_relu(x, negative_slope=0.01),
    "softmax": lambda x: jax.nn.softmax(x, axis=-1),
    "linear": lambda x: x,
}

ACTIVATIONS: tuple[str, ...] = (*_FUNCTIONS, "prelu")


def activation(name: str) -> Callable[[jax.Array], jax.Array] | nn.Module:
    """The activation called ``name``; ``"prelu"`` returns a fresh :class:`PReLU` module.

    Call it inside a compact ``__call__`` so a PReLU registers its own parameters.
    """
    if name == "prelu":
        return PReLU()
    try:
        return _FUNCTIONS[name]
    except KeyError:
        raise ValueError(
            f"unknown activation {name!r}; choose one of: {', '.join(ACTIVATIONS)}"
        ) from None
