"""Convolution algorithms written as JAX ops, selectable per layer (``Conv2D(impl=...)``).

All compute the same NHWC x HWIO -> NHWC cross-correlation as
``lax.conv_general_dilated(x, w, strides, padding, rhs_dilation=dilation)``:

- ``"xla"``: ``lax.conv_general_dilated`` itself, with XLA's own gradients.
- ``"im2col"``: the T = F_h F_w shifted (strided, dilated) slices of the padded input stacked
  into patches P (T C_in, N) with N = B H' W', and one matmul W^T P -> (C, N).
- ``"taps"``: the forward as a sum over the T x C_in taps of slice * kernel row (broadcast
  multiply-adds that XLA fuses into one loop): no patch buffer, for few input channels; the
  backward is XLA's (``jax.vjp`` of ``lax.conv_general_dilated``), which measured faster
  here than the patch matmul for LeNet's C1.

- ``"toeplitz"``: the output columns are cut into n tiles of W'/n (:func:`toeplitz_tiles`);
  each kernel row i becomes a banded (Toeplitz) matrix T_i (iw C_in, W'/n C) over a tile's
  iw input columns, T_i[(p, c), (w, o)] = kernel[i, j, c, o] where p = S_w w + D_w j; the
  F_h input rows each output row of a tile reads are concatenated, (B H' n, F_h iw C_in),
  and one matmul with the stacked T (F_h iw C_in, W'/n C) gives every output row of every
  tile. It spends iw / F_w (about 2) times the direct convolution's multiply-adds, but as
  one large matmul, which XLA:CPU runs near its peak where its own convolutions with few
  channels (and their gradients) run at a few percent of it; the gradients are JAX's of
  the matmul, the slices and the einsum that builds T (no custom rule).

``"im2col"``'s backward is a ``jax.custom_vjp``: the weight gradient is one matmul
P dY (T C_in, N) x (N, C) over the patch buffer, the input gradient a col2im: the patch
cotangents W dY^T (T C_in, N) put back through the shifted slices, i.e. a sum of T
zero-padded (interior-padded for strides) slices, cropped to the input.

``"auto"`` is ``"xla"`` everywhere except on CPU, where :func:`cpu_auto_impl` picks
``"toeplitz"`` for the few-channel, stride-1 layers where it measured faster
(benchmarks/conv.py; see benchmarks/README.md).
"""

from collections.abc import Sequence
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from jaxnets.errors import InvalidArgumentError

IMPLS = ("auto", "xla", "im2col", "taps", "toeplitz")
DIMS = ("NHWC", "HWIO", "NHWC")


def resolve_padding(
    padding: str | int | Sequence,
    in_hw: tuple[int, int],
    kernel_hw: tuple[int, int],
    stride: tuple[int, int],
    dilation: tuple[int, int],
) -> tuple[tuple[int, int], tuple[int, int]]:
    """``"SAME"``/``"VALID"``, an int P, (P_h, P_w) or ((lo, hi), (lo, hi)) -> explicit pairs."""
    if isinstance(padding, str):
        if padding.upper() not in ("SAME", "VALID"):
            raise InvalidArgumentError(
                f"padding must be 'SAME', 'VALID', an int or pairs, got {padding!r}"
            )
        span = [(k - 1) * d + 1 for k, d in zip(kernel_hw, dilation, strict=True)]
        pads = lax.padtype_to_pads(in_hw, span, stride, padding.upper())
        return tuple((int(lo), int(hi)) for lo, hi in pads)
    if isinstance(padding, int):
        padding = (padding, padding)
    pairs = tuple((p, p) if isinstance(p, int) else tuple(p) for p in padding)
    if len(pairs) != 2 or any(len(p) != 2 for p in pairs):
        raise InvalidArgumentError(f"padding needs one entry per spatial axis, got {padding!r}")
    if any(int(v) < 0 for p in pairs for v in p):
        raise InvalidArgumentError(f"padding must be non-negative (zero padding), got {padding!r}")
    return tuple((int(lo), int(hi)) for lo, hi in pairs)


def choose_impl(impl: str, x_shape, w_shape, geometry) -> str:
    """The algorithm ``impl`` names; ``"auto"`` by platform and shape (``"xla"`` off CPU).

    ``x_shape`` (B, H, W, C_in), ``w_shape`` (F_h, F_w, C_in, C), ``geometry`` from
    :func:`_geometry` (stride, padding, dilation, output size).
    """
    if impl not in IMPLS:
        raise InvalidArgumentError(f"impl must be one of {IMPLS}, got {impl!r}")
    if impl != "auto":
        return impl
    if jax.default_backend() != "cpu":
        return "xla"
    return cpu_auto_impl(x_shape, w_shape, geometry)


def cpu_auto_impl(x_shape, w_shape, geometry) -> str:
    """``"auto"``'s choice on CPU: ``"toeplitz"`` for few channels at stride 1, else ``"xla"``.

    benchmarks/conv.py's shape table (forward + both gradients, ``"toeplitz"`` against
    ``"xla"``, see benchmarks/README.md) measured the banded matmul 1.5-6x faster for 1, 6
    and 16 input channels into 6-32 output channels (LeNet-5's C1 and C3 among them), where
    XLA:CPU's convolutions run at a few percent of its matmul peak; no clear gain for 3 input
    channels (RGB images: 0.6-1.1x across runs, so XLA's convolution is kept there), and
    slower for 32 or more input or 64 or more output channels (0.4-0.8x) and for strided
    layers (0.25-0.4x).
    """
    del x_shape
    _, _, c_in, c_out = w_shape
    stride, _, dilation, _ = geometry
    narrow = c_in <= 16 and c_in != 3 and c_out <= 32
    return "toeplitz" if narrow and stride == (1, 1) and dilation == (1, 1) else "xla"


def conv2d(
    x: jax.Array,
    w: jax.Array,
    *,
    stride: tuple[int, int] = (1, 1),
    padding: tuple[tuple[int, int], tuple[int, int]] = ((0, 0), (0, 0)),
    dilation: tuple[int, int] = (1, 1),
    impl: str = "xla",
) -> jax.Array:
    """(B, H, W, C_in) * (F_h, F_w, C_in, C) -> (B, H', W', C) by the algorithm ``impl``.

    H' = (H + lo + hi - (F_h - 1) d_h - 1) // S_h + 1 (W' alike); ``padding`` is explicit
    (lo, hi) pairs (see :func:`resolve_padding`), ``dilation`` the kernel's (rhs) dilation.
    """
    stride, dilation = tuple(stride), tuple(dilation)
    padding = tuple(tuple(p) for p in padding)
    if x.ndim != 4 or w.ndim != 4 or x.shape[-1] != w.shape[2]:
        raise InvalidArgumentError(
            f"conv2d needs x (B, H, W, C_in) and w (F_h, F_w, C_in, C); got {x.shape}, {w.shape}"
        )
    if min(stride) < 1 or min(dilation) < 1:
        raise InvalidArgumentError(f"stride and dilation must be >= 1, got {stride}, {dilation}")
    geometry = _geometry(x.shape, w.shape, stride, padding, dilation)
    impl = choose_impl(impl, x.shape, w.shape, geometry)
    if impl == "xla":
        return lax.conv_general_dilated(
            x, w, stride, padding, rhs_dilation=dilation, dimension_numbers=DIMS
        )
    if impl == "toeplitz":
        return _toeplitz(x, w, geometry)
    return _custom_conv(x, w, geometry, impl)


def _geometry(x_shape, w_shape, stride, padding, dilation):
    _, h, wd, _ = x_shape
    fh, fw = w_shape[:2]
    out = []
    for size, f, s, (lo, hi), d in zip((h, wd), (fh, fw), stride, padding, dilation, strict=True):
        span = size + lo + hi - (f - 1) * d
        if span < 1:
            raise InvalidArgumentError(
                f"a {f}-tap kernel with dilation {d} does not fit an input of {size} "
                f"with padding ({lo}, {hi})"
            )
        out.append((span - 1) // s + 1)
    return (tuple(stride), tuple(padding), tuple(dilation), tuple(out))


def _pad(x, padding):
    (top, bottom), (left, right) = padding
    return jnp.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))


def _taps(xp, w_shape, geometry):
    """The T = F_h F_w shifted slices of the padded input, each (B, H', W', C_in)."""
    (sh, sw), _, (dh, dw), (ho, wo) = geometry
    fh, fw = w_shape[:2]
    b, _, _, c = xp.shape
    return [
        lax.slice(
            xp,
            (0, i * dh, j * dw, 0),
            (b, i * dh + (ho - 1) * sh + 1, j * dw + (wo - 1) * sw + 1, c),
            (1, sh, sw, 1),
        )
        for i in range(fh)
        for j in range(fw)
    ]


def toeplitz_tiles(w_shape, geometry) -> tuple[int, int]:
    """(tiles n, input width of a tile): output columns are cut into n tiles of W'/n, the
    narrowest that is at least the kernel's span wide, so each banded matrix spans only its
    tile's input columns (W'/n - 1) S_w + (F_w - 1) D_w + 1 instead of all W_p."""
    fw = w_shape[1]
    (_, sw), _, (_, dw), (_, wo) = geometry
    span = (fw - 1) * dw + 1
    width = next((t for t in range(span, wo + 1) if wo % t == 0), wo)
    return wo // width, (width - 1) * sw + span


def _toeplitz(x, w, geometry):
    """The convolution as one matmul: output rows (B H' n, W'/n C) = input rows x banded T."""
    (sh, sw), padding, (dh, dw), (ho, wo) = geometry
    fh, fw, c, k = w.shape
    n, iw = toeplitz_tiles(w.shape, geometry)
    tw = wo // n
    xp = _pad(x, padding)
    b = xp.shape[0]
    # sel[j, p, w] = 1 where a tile's input column p feeds its output column w through
    # kernel column j; T[(i, p, c), (w, o)] = w[i, j, c, o] for those (p, w).
    sel = np.zeros((fw, iw, tw), dtype=np.dtype(x.dtype))
    for j in range(fw):
        sel[j, np.arange(tw) * sw + j * dw, np.arange(tw)] = 1
    t = jnp.einsum("jpw,ijco->ipcwo", sel, w).reshape(fh * iw * c, tw * k)

    def rows(tile):  # the input rows each output row of ``tile`` reads, (B, H', F_h iw C)
        left = tile * tw * sw
        return jnp.concatenate(
            [
                lax.slice(
                    xp,
                    (0, i * dh, left, 0),
                    (b, i * dh + (ho - 1) * sh + 1, left + iw, c),
                    (1, sh, 1, 1),
                ).reshape(b, ho, iw * c)
                for i in range(fh)
            ],
            axis=-1,
        )

    lhs = jnp.stack([rows(tile) for tile in range(n)], axis=2)  # (B, H', n, F_h iw C)
    y = lhs.reshape(b * ho * n, fh * iw * c) @ t
    return y.reshape(b, ho, wo, k)  # (B, H', n, W'/n, C) in memory order


def _patches(x, w_shape, geometry):
    """Patch matrix (T C_in, N): row t C_in + c is tap t of input channel c, N = B H' W'."""
    taps = jnp.stack(_taps(_pad(x, geometry[1]), w_shape, geometry), axis=0)  # (T, B, H', W', C)
    t, b, ho, wo, c = taps.shape
    if c > 1:
        taps = taps.transpose(0, 4, 1, 2, 3)  # (T, C, B, H', W')
    return taps.reshape(t * c, b * ho * wo)


def _forward(x, w, geometry, impl):
    fh, fw, c, k = w.shape
    b = x.shape[0]
    ho, wo = geometry[3]
    if impl == "taps":
        taps = _taps(_pad(x, geometry[1]), w.shape, geometry)
        rows = w.reshape(fh * fw, c, k)
        y = sum(
            tap[..., ci : ci + 1] * rows[t, ci] for t, tap in enumerate(taps) for ci in range(c)
        )
        return y.astype(x.dtype), None
    patches = _patches(x, w.shape, geometry)  # (T C, N)
    y = w.reshape(fh * fw * c, k).T @ patches  # (C_out, N)
    return y.T.reshape(b, ho, wo, k), patches


@partial(jax.custom_vjp, nondiff_argnums=(2, 3))
def _custom_conv(x, w, geometry, impl):
    return _forward(x, w, geometry, impl)[0]


def _custom_fwd(x, w, geometry, impl):
    y, patches = _forward(x, w, geometry, impl)
    return y, (x, w, patches)


def _custom_bwd(geometry, impl, residuals, dy):
    x, w, patches = residuals
    if impl == "taps":  # XLA's own gradients of the same convolution
        stride, padding, dilation, _ = geometry
        _, vjp = jax.vjp(
            lambda x, w: lax.conv_general_dilated(
                x, w, stride, padding, rhs_dilation=dilation, dimension_numbers=DIMS
            ),
            x,
            w,
        )
        return vjp(dy)
    fh, fw, c, k = w.shape
    b, h, wd, _ = x.shape
    (sh, sw), ((top, bottom), (left, right)), (dh, dw), (ho, wo) = geometry
    dy_nk = dy.reshape(b * ho * wo, k)
    dw_ = (patches @ dy_nk).reshape(fh, fw, c, k)  # the weight gradient: one matmul
    # col2im: the cotangent of each tap's slice, zero-padded back to its place, summed.
    dp = dy_nk @ w.reshape(fh * fw * c, k).T  # (N, T C)
    dp = dp.reshape(b, ho, wo, fh * fw, c)
    hp, wp = h + top + bottom, wd + left + right
    dxp = None
    for t in range(fh * fw):
        i, j = divmod(t, fw)
        lo_h, lo_w = i * dh, j * dw
        hi_h = hp - (lo_h + (ho - 1) * sh + 1)
        hi_w = wp - (lo_w + (wo - 1) * sw + 1)
        config = ((0, 0, 0), (lo_h, hi_h, sh - 1), (lo_w, hi_w, sw - 1), (0, 0, 0))
        term = lax.pad(dp[:, :, :, t, :], jnp.zeros((), dy.dtype), config)
        dxp = term if dxp is None else dxp + term
    dx = dxp[:, top : top + h, left : left + wd, :]
    return dx.astype(x.dtype), dw_.astype(w.dtype)


_custom_conv.defvjp(_custom_fwd, _custom_bwd)
