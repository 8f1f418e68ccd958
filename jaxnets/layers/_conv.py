"""2-D convolution with the lecture's stride and zero-padding arithmetic, and table convolution."""

from collections.abc import Sequence

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np

from jaxnets import initializers
from jaxnets.errors import InvalidArgumentError
from jaxnets.layers._conv_impl import IMPLS, conv2d, resolve_padding


def conv_output_size(size: int, kernel: int, padding: int = 0, stride: int = 1) -> int:
    """Output width (W - F + 2P) / S + 1 of a convolution or pooling window.

    Raises ``ValueError`` when the stride does not fit the padded volume (the division is not
    exact), e.g. W=5, F=3, P=1, S=3: (5 - 3 + 2) / 3 = 4/3.

    >>> conv_output_size(5, 3, padding=1, stride=2)
    3
    """
    if kernel < 1 or stride < 1 or padding < 0:
        raise ValueError(
            f"need kernel >= 1, stride >= 1, padding >= 0; got F={kernel}, S={stride}, P={padding}"
        )
    span = size - kernel + 2 * padding
    if span < 0:
        raise ValueError(
            f"a {kernel}-wide window does not fit an input of width {size} with padding {padding}"
        )
    if span % stride:
        raise ValueError(
            f"stride does not fit the volume: (W - F + 2P) / S = ({size} - {kernel} + "
            f"2*{padding}) / {stride} = {span}/{stride} is not an integer; change the "
            "padding or the stride"
        )
    return span // stride + 1


def _pair(value: int | Sequence[int]) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else tuple(value)


class Conv2D(nn.Module):
    """2-D convolution (cross-correlation, as in every deep-learning library) with stride S,
    zero padding P and kernel dilation D.

    Input (B, H, W, C_in) -> output (B, H', W', C) with H' = (H - F + 2P) / S + 1 (and W'
    alike) for an int P (or (P_h, P_w)); a ``ValueError`` names the offending sizes when that
    is not an integer. ``padding`` may also be ``"SAME"``, ``"VALID"`` or explicit
    ((lo, hi), (lo, hi)) pairs, which follow ``lax.conv_general_dilated`` (H' rounded down).
    ``dilation`` spaces the kernel taps (effective width (F - 1) D + 1). Parameters
    ``kernel`` (F_h, F_w, C_in, C) and ``bias`` (C,) (omitted with ``use_bias=False``):
    F_h F_w C_in C + C.

    ``impl`` picks the algorithm, all equal to ``lax.conv_general_dilated`` to float
    rounding (values and both gradients): ``"xla"`` (XLA's convolution), ``"im2col"``
    (shifted slices stacked into a patch matrix, one matmul; a custom backward: weight
    gradient one matmul over the patches, input gradient a col2im), ``"taps"`` (the forward as
    fused multiply-adds of shifted slices, no patch buffer; for few input channels; XLA's
    backward), ``"toeplitz"`` (one matmul of the input rows with banded kernel matrices; for
    few channels, where XLA:CPU's convolutions are slow), or ``"auto"`` (``"xla"`` off CPU;
    on CPU the measured rule of ``jaxnets.layers._conv_impl.cpu_auto_impl``: ``"toeplitz"``
    for few-channel stride-1 layers, see benchmarks/README.md).

    >>> import jax, jax.numpy as jnp
    >>> conv = Conv2D(features=2, kernel_size=3, stride=2, padding=1)
    >>> variables = conv.init(jax.random.key(0), jnp.ones((1, 5, 5, 3)))
    >>> conv.apply(variables, jnp.ones((1, 5, 5, 3))).shape  # (5 - 3 + 2) / 2 + 1 = 3
    (1, 3, 3, 2)
    """

    features: int
    kernel_size: int | Sequence[int] = 3
    stride: int | Sequence[int] = 1
    padding: int | str | Sequence = 0
    use_bias: bool = True
    kernel_init: str = "he"
    dilation: int | Sequence[int] = 1
    impl: str = "auto"

    @nn.compact
    def __call__(self, x: jax.Array, *, train: bool = False) -> jax.Array:
        del train
        if x.ndim != 4:
            raise ValueError(f"Conv2D expects images (B, H, W, C), got shape {x.shape}")
        if self.impl not in IMPLS:
            raise InvalidArgumentError(f"Conv2D impl must be one of {IMPLS}, got {self.impl!r}")
        fh, fw = _pair(self.kernel_size)
        stride, dilation = _pair(self.stride), _pair(self.dilation)
        if isinstance(self.padding, int) or (
            not isinstance(self.padding, str) and all(isinstance(p, int) for p in self.padding)
        ):
            # The lecture's arithmetic: raises when the stride does not fit the volume.
            for size, f, p, s, d in zip(
                x.shape[1:3], (fh, fw), _pair(self.padding), stride, dilation, strict=True
            ):
                conv_output_size(size, (f - 1) * d + 1, p, s)
        padding = resolve_padding(self.padding, x.shape[1:3], (fh, fw), stride, dilation)
        shape = (fh, fw, x.shape[-1], self.features)
        kernel = self.param("kernel", initializers.get(self.kernel_init), shape, x.dtype)
        y = conv2d(x, kernel, stride=stride, padding=padding, dilation=dilation, impl=self.impl)
        if self.use_bias:
            y = y + self.param("bias", nn.initializers.zeros, (self.features,), x.dtype)
        return y


class TableConv2D(nn.Module):
    """Convolution where output map j sees only the input maps i with ``table[i][j]`` true.

    LeNet-5's C3 layer (LeCun et al. 1998, Table I) connects each of its 16 maps to a subset
    of S2's 6 maps. Only the connected kernels are parameters: ``kernel`` (F, F, K) for the K
    true entries of the table, scattered at call time into a dense (F, F, C_in, C) kernel that
    is zero elsewhere (a masked kernel), plus ``bias`` (C,): F^2 K + C parameters.
    Input (B, H, W, C_in) -> (B, H - F + 1, W - F + 1, C) (VALID, stride 1). ``impl`` as in
    :class:`Conv2D` (the masked kernel's gradient flows back to the connected entries only).

    >>> import jax, jax.numpy as jnp
    >>> conv = TableConv2D(table=((True, False), (True, True)), kernel_size=3)
    >>> params = conv.init(jax.random.key(0), jnp.ones((1, 5, 5, 2)))["params"]
    >>> params["kernel"].shape, params["bias"].shape  # 3 connections, 2 output maps
    ((3, 3, 3), (2,))
    """

    table: tuple[tuple[bool, ...], ...]
    kernel_size: int = 5
    kernel_init: str = "he"
    impl: str = "auto"

    @nn.compact
    def __call__(self, x: jax.Array, *, train: bool = False) -> jax.Array:
        del train
        table = np.asarray(self.table, dtype=bool)  # (C_in, C)
        c_in, c_out = table.shape
        if x.ndim != 4 or x.shape[-1] != c_in:
            raise ValueError(
                f"TableConv2D with a {c_in}x{c_out} table expects (B, H, W, {c_in}); got {x.shape}"
            )
        rows, cols = np.nonzero(table)
        f = self.kernel_size
        # Initialised as if dense (fan-in F^2 C_in, slightly smaller weights than the true
        # fan-in would give) and only the connected entries kept.
        dense_init = initializers.get(self.kernel_init)

        def init(key, shape, dtype):
            return dense_init(key, (f, f, c_in, c_out), dtype)[:, :, rows, cols]

        weights = self.param("kernel", init, (f, f, rows.size), x.dtype)
        kernel = jnp.zeros((f, f, c_in, c_out), x.dtype).at[:, :, rows, cols].set(weights)
        bias = self.param("bias", nn.initializers.zeros, (c_out,), x.dtype)
        return conv2d(x, kernel, impl=self.impl) + bias
