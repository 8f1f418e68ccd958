"""Convolutional networks beyond LeNet-5: a small AlexNet for 32x32x3 and the DQN network."""

import flax.linen as nn
import jax

from jaxnets import initializers
from jaxnets.layers import Conv2D, Dropout, MaxPool2D


def _check_images(x: jax.Array, shape: tuple[int, int, int], model: str) -> None:
    if x.ndim != 4 or tuple(x.shape[1:]) != shape:
        raise ValueError(f"{model} expects images (B, {', '.join(map(str, shape))}); got {x.shape}")


class AlexNetSmall(nn.Module):
    """AlexNet's design (Krizhevsky et al. 2012) scaled to (B, 32, 32, 3) -> (B, num_classes).

    conv1 32 5x5 P2 -> ReLU -> max 2x2 (B, 16, 16, 32); conv2 64 5x5 P2 -> ReLU -> max 2x2
    (B, 8, 8, 64); conv3 96, conv4 96, conv5 64 (3x3 P1, ReLU) -> max 2x2 (B, 4, 4, 64);
    fc6 256 -> dropout, fc7 256 -> dropout, fc8 num_classes. Kept from AlexNet: five convs with
    a large first filter, three dense layers, ReLU, dropout in the dense layers. Dropped:
    local response normalisation, the two-GPU split and overlapping 3x3/s2 pooling (which
    does not fit 32x32). 578,250 parameters for 10 classes (hand count in the tests).
    """

    num_classes: int = 10
    dropout_rate: float = 0.5
    kernel_init: str = "he"

    @nn.compact
    def __call__(self, x: jax.Array, *, train: bool = False) -> jax.Array:
        _check_images(x, (32, 32, 3), "AlexNetSmall")
        conv = dict(kernel_init=self.kernel_init)
        x = nn.relu(Conv2D(32, 5, padding=2, name="conv1", **conv)(x))
        x = MaxPool2D(2, name="pool1")(x)  # (B, 16, 16, 32)
        x = nn.relu(Conv2D(64, 5, padding=2, name="conv2", **conv)(x))
        x = MaxPool2D(2, name="pool2")(x)  # (B, 8, 8, 64)
        x = nn.relu(Conv2D(96, 3, padding=1, name="conv3", **conv)(x))
        x = nn.relu(Conv2D(96, 3, padding=1, name="conv4", **conv)(x))
        x = nn.relu(Conv2D(64, 3, padding=1, name="conv5", **conv)(x))
        x = MaxPool2D(2, name="pool5")(x)  # (B, 4, 4, 64)
        x = x.reshape(x.shape[0], -1)  # (B, 1024)
        init = initializers.get(self.kernel_init)
        for name in ("fc6", "fc7"):
            x = nn.relu(nn.Dense(256, kernel_init=init, name=name)(x))
            x = Dropout(self.dropout_rate, name=f"{name}_dropout")(x, train=train)
        return nn.Dense(self.num_classes, kernel_init=init, name="fc8")(x)


class DQN(nn.Module):
    """The Deep Q-Network of Mnih et al. 2015 (Nature): 4 stacked 84x84 frames -> Q-values.

    (B, 84, 84, 4) -> conv 32 8x8 s4 -> (B, 20, 20, 32) -> conv 64 4x4 s2 -> (B, 9, 9, 64)
    -> conv 64 3x3 s1 -> (B, 7, 7, 64) -> dense 512 -> dense num_actions, ReLU between, no
    pooling, no padding. Parameters: 8224 + 32832 + 36928 + 1,606,144 + 513 A, i.e.
    1,687,206 for A = 6 actions and 1,686,180 for A = 4 (Breakout).

    >>> import jax.numpy as jnp
    >>> from jaxnets.models import summary
    >>> summary(DQN(num_actions=6), (84, 84, 4)).total_params
    1687206
    """

    num_actions: int = 6
    kernel_init: str = "he"

    @nn.compact
    def __call__(self, x: jax.Array, *, train: bool = False) -> jax.Array:
        del train
        _check_images(x, (84, 84, 4), "DQN")
        init = self.kernel_init
        x = nn.relu(Conv2D(32, 8, stride=4, kernel_init=init, name="conv1")(x))  # (B,20,20,32)
        x = nn.relu(Conv2D(64, 4, stride=2, kernel_init=init, name="conv2")(x))  # (B,9,9,64)
        x = nn.relu(Conv2D(64, 3, stride=1, kernel_init=init, name="conv3")(x))  # (B,7,7,64)
        x = x.reshape(x.shape[0], -1)  # (B, 3136)
        dense_init = initializers.get(self.kernel_init)
        x = nn.relu(nn.Dense(512, kernel_init=dense_init, name="fc4")(x))
        return nn.Dense(self.num_actions, kernel_init=dense_init, name="q_values")(x)
