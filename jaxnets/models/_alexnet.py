"""AlexNet at full size (Krizhevsky, Sutskever & Hinton 2012) for 227x227x3 images."""

import flax.linen as nn
import jax
import jax.numpy as jnp

from jaxnets import initializers
from jaxnets.errors import InvalidArgumentError
from jaxnets.layers import Conv2D, Dropout, MaxPool2D


class _GroupedConv(nn.Module):
    """``groups`` convolutions side by side, each on its share of the input channels (the
    paper's two GPUs): (B, H, W, C_in) -> (B, H', W', features); F^2 C_in features / groups
    weights + features biases."""

    features: int
    kernel_size: int
    padding: int
    groups: int
    kernel_init: str

    @nn.compact
    def __call__(self, x: jax.Array) -> jax.Array:
        if x.shape[-1] % self.groups or self.features % self.groups:
            raise InvalidArgumentError(
                f"groups={self.groups} must divide the input channels ({x.shape[-1]}) and the "
                f"filters ({self.features})"
            )
        parts = jnp.split(x, self.groups, axis=-1)
        outs = [
            Conv2D(
                self.features // self.groups,
                self.kernel_size,
                padding=self.padding,
                kernel_init=self.kernel_init,
                name=f"gpu{i}",
            )(part)
            for i, part in enumerate(parts)
        ]
        return jnp.concatenate(outs, axis=-1)


class AlexNet(nn.Module):
    """AlexNet with the paper's layer sizes: (B, 227, 227, 3) -> (B, num_classes) logits.

    conv1 96 11x11 stride 4 -> (B, 55, 55, 96) -> max 3x3 stride 2 -> (B, 27, 27, 96);
    conv2 256 5x5 P2 -> (B, 27, 27, 256) -> max 3x3/2 -> (B, 13, 13, 256); conv3 384 3x3 P1;
    conv4 384 3x3 P1; conv5 256 3x3 P1 -> max 3x3/2 -> (B, 6, 6, 256); fc6 4096 -> dropout,
    fc7 4096 -> dropout, fc8 num_classes. ReLU after every layer but the last.

    ``groups=2`` (the paper's) splits conv2, conv4 and conv5 into two towers that each see
    half of the previous layer's maps, as the two GPUs did; conv3 and the dense layers see
    everything. For 1000 classes that is 60,965,224 parameters ("60 million"), 62,378,344
    with ``groups=1`` (one tower). Local response normalisation (no parameters) is left out.

    >>> import jax, jax.numpy as jnp
    >>> x = jax.ShapeDtypeStruct((1, 227, 227, 3), jnp.float32)
    >>> params = jax.eval_shape(AlexNet().init, jax.random.key(0), x)["params"]
    >>> sum(p.size for p in jax.tree.leaves(params))
    60965224
    """

    num_classes: int = 1000
    groups: int = 2
    dropout_rate: float = 0.5
    kernel_init: str = "he"

    @nn.compact
    def __call__(self, x: jax.Array, *, train: bool = False) -> jax.Array:
        if x.ndim != 4 or tuple(x.shape[1:]) != (227, 227, 3):
            raise InvalidArgumentError(
                f"AlexNet expects images (B, 227, 227, 3); got {x.shape}. (The paper's "
                "224x224 crops need 227 for an 11x11 stride-4 layer without padding.)"
            )
        init = self.kernel_init

        def tower(features, kernel, padding, groups, name):
            return _GroupedConv(features, kernel, padding, groups, init, name=name)

        x = nn.relu(Conv2D(96, 11, stride=4, kernel_init=init, name="conv1")(x))
        x = MaxPool2D(3, 2, name="pool1")(x)  # (B, 27, 27, 96)
        x = nn.relu(tower(256, 5, 2, self.groups, "conv2")(x))
        x = MaxPool2D(3, 2, name="pool2")(x)  # (B, 13, 13, 256)
        x = nn.relu(Conv2D(384, 3, padding=1, kernel_init=init, name="conv3")(x))
        x = nn.relu(tower(384, 3, 1, self.groups, "conv4")(x))
        x = nn.relu(tower(256, 3, 1, self.groups, "conv5")(x))
        x = MaxPool2D(3, 2, name="pool5")(x)  # (B, 6, 6, 256)
        x = x.reshape(x.shape[0], -1)  # (B, 9216)
        dense_init = initializers.get(init)
        for name in ("fc6", "fc7"):
            x = nn.relu(nn.Dense(4096, kernel_init=dense_init, name=name)(x))
            x = Dropout(self.dropout_rate, name=f"{name}_dropout")(x, train=train)
        return nn.Dense(self.num_classes, kernel_init=dense_init, name="fc8")(x)
