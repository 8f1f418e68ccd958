"""Sliding windows over NHWC images and their transpose, shared by convolution and pooling.

A window layer (convolution, pooling) reads, for every kernel offset ``(i, j)``, the strided
slice ``x[:, i::S, j::S, :]`` of its (padded) input. Its backward pass has to do the
transpose: put a gradient of output shape back at those strided positions. Written with
in-place ``+=`` that is a scatter, which jax.numpy arrays do not allow; here it is done with
pure array operations (interleave zeros, then pad), so numpy and jax.numpy share the code.
"""

from __future__ import annotations

from typing import Any


def output_size(n: int, f: int, stride: int, padding: int, *, what: str) -> int:
    """Output length ``(n - f + 2 p) / s + 1`` of a window of size ``f`` sliding over ``n``.

    Raises ``ValueError`` when the window does not fit a whole number of times, naming the
    numbers, e.g. ``W=5, F=3, P=1, S=3`` gives ``(5 - 3 + 2) / 3`` which is not an integer.
    """
    if stride < 1 or padding < 0:
        raise ValueError(f"{what}: need stride >= 1 and padding >= 0, got S={stride}, P={padding}")
    span = n - f + 2 * padding
    if span < 0:
        raise ValueError(f"{what}: window F={f} is larger than the padded input {n} + 2*{padding}")
    if span % stride:
        raise ValueError(
            f"{what}: stride does not fit: (W - F + 2P) / S + 1 = ({n} - {f} + 2*{padding}) / "
            f"{stride} + 1 is not an integer; change the stride or the padding"
        )
    return span // stride + 1


def window_slice(x: Any, i: int, j: int, out_h: int, out_w: int, stride: int) -> Any:
    """The input pixels seen by kernel offset ``(i, j)``: shape ``(B, out_h, out_w, C)``.

    Output pixel ``(r, c)`` reads input pixel ``(i + S r, j + S c)``; the slice stops at the
    last pixel used so that padded rows beyond it are not included.
    """
    rows = slice(i, i + stride * (out_h - 1) + 1, stride)
    cols = slice(j, j + stride * (out_w - 1) + 1, stride)
    return x[:, rows, cols]


def dilate(xp: Any, v: Any, stride: int) -> Any:
    """Insert ``stride - 1`` zero rows/columns between the pixels of ``v`` (B, Ho, Wo, ...).

    Returns shape ``(B, S (Ho - 1) + 1, S (Wo - 1) + 1, ...)``: ``v`` at every ``S``-th pixel.
    """
    if stride == 1:
        return v
    b, ho, wo, *rest = v.shape
    zeros = xp.zeros_like(v)
    # Stacking v with S-1 zero copies behind each row and flattening interleaves them.
    v = xp.stack([v] + [zeros] * (stride - 1), axis=2).reshape(b, ho * stride, wo, *rest)
    v = v[:, : stride * (ho - 1) + 1]
    zeros = xp.zeros_like(v)
    v = xp.stack([v] + [zeros] * (stride - 1), axis=3).reshape(b, v.shape[1], wo * stride, *rest)
    return v[:, :, : stride * (wo - 1) + 1]


def place_window(xp: Any, dilated: Any, i: int, j: int, height: int, width: int) -> Any:
    """Transpose of :func:`window_slice` for an already :func:`dilate`-d gradient.

    Zero-pads ``dilated`` (B, Hd, Wd, C) so that its pixel ``(0, 0)`` lands on ``(i, j)`` of a
    ``(B, height, width, C)`` array: the sum over offsets of these is the scatter-add
    ``x̄[:, i::S, j::S] += ḡ`` without any in-place update.
    """
    hd, wd = dilated.shape[1], dilated.shape[2]
    pads = [(0, 0), (i, height - i - hd), (j, width - j - wd)] + [(0, 0)] * (dilated.ndim - 3)
    return xp.pad(dilated, pads)
