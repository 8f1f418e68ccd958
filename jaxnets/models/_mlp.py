"""Fully connected networks: the multilayer perceptron and the linear classifiers."""

from collections.abc import Sequence

import flax.linen as nn
import jax

from jaxnets import initializers
from jaxnets.layers import activation as get_activation


def _check_input(x: jax.Array, model: str) -> None:
    if x.ndim < 2:
        raise ValueError(
            f"{model} expects a batch of inputs (B, ...); got shape {x.shape}. "
            "Add a leading batch axis, e.g. x[None]."
        )


class MLP(nn.Module):
    """Multilayer perceptron: Dense -> activation, repeated; the last layer is the output.

    ``features`` lists every layer's width, e.g. ``(4, 4, 1)`` on 3 inputs is the lectures'
    3-4-4-1 net (41 parameters). Input (B, ...) is flattened to (B, D); output (B, features[-1]),
    logits unless ``output_activation`` is set (e.g. ``"softmax"`` for probabilities).

    >>> import jax, jax.numpy as jnp
    >>> model = MLP(features=(4, 4, 1), activation="tanh")
    >>> params = model.init(jax.random.key(0), jnp.ones((1, 3)))["params"]
    >>> sum(p.size for p in jax.tree.leaves(params))
    41
    """

    features: Sequence[int]
    activation: str = "relu"
    output_activation: str = "linear"
    kernel_init: str = "xavier"

    @nn.compact
    def __call__(self, x: jax.Array, *, train: bool = False) -> jax.Array:
        del train  # no train-time behaviour; kept so every model shares one signature
        if not self.features:
            raise ValueError("MLP needs at least one layer: features=(..., num_outputs).")
        _check_input(x, "MLP")
        x = x.reshape(x.shape[0], -1)  # (B, D)
        init = initializers.get(self.kernel_init)
        for i, width in enumerate(self.features):
            x = nn.Dense(width, kernel_init=init, name=f"dense_{i}")(x)
            if i < len(self.features) - 1:
                x = get_activation(self.activation)(x)
        return get_activation(self.output_activation)(x)


class LinearClassifier(nn.Module):
    """Linear scores s = W x + b, (B, ...) -> (B, K).

    The same model is softmax regression (train it with softmax cross-entropy) or a
    multiclass SVM (train it with the multiclass hinge loss); the registry pairs each
    name with its loss.
    """

    num_classes: int
    kernel_init: str = "small_random"

    @nn.compact
    def __call__(self, x: jax.Array, *, train: bool = False) -> jax.Array:
        del train
        _check_input(x, "LinearClassifier")
        x = x.reshape(x.shape[0], -1)
        return nn.Dense(self.num_classes, kernel_init=initializers.get(self.kernel_init))(x)


class DenseAutoencoder(nn.Module):
    """Dense autoencoder: encoder widths, then the mirror image back to the input size.

    ``encoder=(32,)`` on 784 inputs is 784-32-784 (50,992 parameters);
    ``encoder=(128, 64, 32)`` is 784-128-64-32-64-128-784 (222,384). Output has the input's
    shape; the last layer is linear (use a logistic loss for pixels in [0, 1]).
    """

    encoder: Sequence[int] = (32,)
    activation: str = "relu"
    kernel_init: str = "xavier"

    @nn.compact
    def __call__(self, x: jax.Array, *, train: bool = False) -> jax.Array:
        del train
        _check_input(x, "DenseAutoencoder")
        shape = x.shape
        flat = x.reshape(shape[0], -1)
        widths = (*self.encoder, *reversed(self.encoder[:-1]), flat.shape[-1])
        out = MLP(widths, self.activation, kernel_init=self.kernel_init, name="mlp")(flat)
        return out.reshape(shape)
