"""LeNet-5 style convolutional network for 28x28x1 digits."""

import flax.linen as nn
import jax

from jaxnets import initializers
from jaxnets.layers import Conv2D, TableConv2D, max_pool
from jaxnets.layers import activation as get_activation


def _c3_table() -> tuple[tuple[bool, ...], ...]:
    # LeCun et al. 1998, Table I: which of S2's 6 maps (rows) each of C3's 16 maps (columns)
    # sees. Columns 0-5: 3 contiguous maps; 6-11: 4 contiguous; 12-14: 4 non-contiguous;
    # 15: all 6. 6*3 + 6*4 + 3*4 + 6 = 60 connections. Breaking the symmetry this way forces
    # the maps to learn different features (and saved compute in 1998).
    columns = [{(j + k) % 6 for k in range(3)} for j in range(6)]
    columns += [{(j + k) % 6 for k in range(4)} for j in range(6)]
    columns += [{0, 1, 3, 4}, {1, 2, 4, 5}, {0, 2, 3, 5}, set(range(6))]
    return tuple(tuple(i in col for col in columns) for i in range(6))


LENET_C3_TABLE: tuple[tuple[bool, ...], ...] = _c3_table()


class LeNet5(nn.Module):
    """LeNet-5 (LeCun et al. 1998) on (B, 28, 28, 1) input -> (B, num_classes) logits.

    C1: 6 5x5 convs, SAME padding (the paper pads 28x28 to 32x32) -> (B, 28, 28, 6)
    S2: 2x2 pooling -> (B, 14, 14, 6);  C3: 16 5x5 convs, VALID -> (B, 10, 10, 16)
    S4: 2x2 pooling -> (B, 5, 5, 16);   C5/F6/output: dense 120 -> 84 -> num_classes.
    ``pooling`` is "max" (modern default) or "avg" (the paper's subsampling).
    61,706 parameters for 10 classes.

    ``c3_table=True`` connects C3 as in the paper's Table I (:data:`LENET_C3_TABLE`): 60 5x5
    kernels + 16 biases = 1,516 parameters instead of 16 * (6 * 25 + 1) = 2,416, so 60,806 in
    total; implemented as a masked kernel holding only the connected weights (TableConv2D).

    >>> import jax, jax.numpy as jnp
    >>> params = LeNet5(c3_table=True).init(jax.random.key(0), jnp.ones((1, 28, 28, 1)))["params"]
    >>> sum(p.size for p in jax.tree.leaves(params["c3"]))
    1516
    """

    num_classes: int = 10
    activation: str = "relu"
    pooling: str = "max"
    kernel_init: str = "he"
    c3_table: bool = False

    @nn.compact
    def __call__(self, x: jax.Array, *, train: bool = False) -> jax.Array:
        del train
        if x.ndim != 4 or x.shape[-1] != 1:
            raise ValueError(
                f"LeNet5 expects images (B, H, W, 1); got shape {x.shape}. "
                "Reshape grayscale images to (B, 28, 28, 1)."
            )
        if min(x.shape[1:3]) < 12:
            # 2x2 pool -> 5x5 valid conv -> 2x2 pool needs H/2 - 4 >= 2.
            raise ValueError(
                f"LeNet5 needs images of at least 12x12 (it was designed for 28x28); got "
                f"{x.shape[1]}x{x.shape[2]}. Use an MLP for small images such as 8x8 digits."
            )
        if self.pooling not in ("max", "avg"):
            raise ValueError(f"pooling must be 'max' or 'avg', got {self.pooling!r}")
        pool = _max_pool_2x2 if self.pooling == "max" else nn.avg_pool
        init = initializers.get(self.kernel_init)
        act = self.activation
        # Conv2D's impl="auto" computes these convolutions as banded matmuls on CPU, several
        # times faster than XLA:CPU's convolutions there (benchmarks/README.md, conv.py).
        x = Conv2D(6, 5, padding="SAME", kernel_init=self.kernel_init, name="c1")(x)
        x = pool(get_activation(act)(x), (2, 2), strides=(2, 2))  # (B, 14, 14, 6)
        if self.c3_table:
            x = TableConv2D(LENET_C3_TABLE, 5, kernel_init=self.kernel_init, name="c3")(x)
        else:
            x = Conv2D(16, 5, padding="VALID", kernel_init=self.kernel_init, name="c3")(x)
        x = pool(get_activation(act)(x), (2, 2), strides=(2, 2))  # (B, 5, 5, 16)
        x = x.reshape(x.shape[0], -1)  # (B, 400)
        x = get_activation(act)(nn.Dense(120, kernel_init=init, name="c5")(x))
        x = get_activation(act)(nn.Dense(84, kernel_init=init, name="f6")(x))
        return nn.Dense(self.num_classes, kernel_init=init, name="output")(x)


def _max_pool_2x2(x: jax.Array, window, strides) -> jax.Array:
    """``nn.max_pool``'s signature on :func:`jaxnets.layers.max_pool` (the fast 2x2 path)."""
    assert tuple(window) == tuple(strides) == (2, 2)
    return max_pool(x, 2, 2)
