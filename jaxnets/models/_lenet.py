"""LeNet-5 style convolutional network for 28x28x1 digits."""

import flax.linen as nn
import jax

from jaxnets import initializers
from jaxnets.layers import activation as get_activation


class LeNet5(nn.Module):
    """LeNet-5 (LeCun et al. 1998) on (B, 28, 28, 1) input -> (B, num_classes) logits.

    C1: 6 5x5 convs, SAME padding (the paper pads 28x28 to 32x32) -> (B, 28, 28, 6)
    S2: 2x2 pooling -> (B, 14, 14, 6);  C3: 16 5x5 convs, VALID -> (B, 10, 10, 16)
    S4: 2x2 pooling -> (B, 5, 5, 16);   C5/F6/output: dense 120 -> 84 -> num_classes.
    ``pooling`` is "max" (modern default) or "avg" (the paper's subsampling).
    61,706 parameters for 10 classes.
    """

    num_classes: int = 10
    activation: str = "relu"
    pooling: str = "max"
    kernel_init: str = "he"

    @nn.compact
    def __call__(self, x: jax.Array, *, train: bool = False) -> jax.Array:
        del train
        if x.ndim != 4 or x.shape[-1] != 1:
            raise ValueError(
                f"LeNet5 expects images (B, H, W, 1); got shape {x.shape}. "
                "Reshape grayscale images to (B, 28, 28, 1)."
            )
        if self.pooling not in ("max", "avg"):
            raise ValueError(f"pooling must be 'max' or 'avg', got {self.pooling!r}")
        pool = nn.max_pool if self.pooling == "max" else nn.avg_pool
        init = initializers.get(self.kernel_init)
        act = self.activation
        x = nn.Conv(6, (5, 5), padding="SAME", kernel_init=init, name="c1")(x)
        x = pool(get_activation(act)(x), (2, 2), strides=(2, 2))  # (B, 14, 14, 6)
        x = nn.Conv(16, (5, 5), padding="VALID", kernel_init=init, name="c3")(x)
        x = pool(get_activation(act)(x), (2, 2), strides=(2, 2))  # (B, 5, 5, 16)
        x = x.reshape(x.shape[0], -1)  # (B, 400)
        x = get_activation(act)(nn.Dense(120, kernel_init=init, name="c5")(x))
        x = get_activation(act)(nn.Dense(84, kernel_init=init, name="f6")(x))
        return nn.Dense(self.num_classes, kernel_init=init, name="output")(x)
