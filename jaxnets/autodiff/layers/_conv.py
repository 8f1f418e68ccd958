"""2-D convolution (cross-correlation, as in every framework) with stride and zero padding.

Layouts follow flax/lax: input ``x`` (B, H, W, C) "NHWC", kernel ``K`` (F, G, C, D) "HWIO"
(``F × G`` window, ``C`` in-channels, ``D`` out-channels), bias ``b`` (D,). With padding ``P``
and stride ``S`` the output is (B, Ho, Wo, D), ``Ho = (H - F + 2P) / S + 1`` (likewise Wo).

Forward, ``x_p`` the zero-padded input::

    y[b, r, c, :] = b + Σ_{i<F, j<G} x_p[b, S r + i, S c + j, :] @ K[i, j]

Each kernel offset ``(i, j)`` is one matrix product of a strided slice of ``x_p`` with the
(C, D) matrix ``K[i, j]``. The backward pass is that read-out, transposed::

    b̄       = Σ_{b, r, c} ȳ[b, r, c]
    K̄[i, j] = Σ_{b, r, c} x_p[b, S r + i, S c + j]ᵀ ȳ[b, r, c]            (C, D)
    x̄_p[b, S r + i, S c + j] += ȳ[b, r, c] @ K[i, j]ᵀ     for every (i, j)

and ``x̄`` is ``x̄_p`` with the padding cut off. The ``+=`` (overlapping windows add up) is
done as "spread ȳ out to stride S with zeros, shift it to (i, j)" (see ``_window.py``),
which is the familiar "the gradient of a convolution is a convolution of the dilated ȳ".
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ._array import as_float, require_dim, require_rank
from ._window import dilate, output_size, place_window, window_slice


class Conv2DCache(NamedTuple):
    """The padded input, the kernel, and the two static integers."""

    x_padded: Any  # (B, H + 2P, W + 2P, C)
    kernel: Any  # (F, G, C, D)
    stride: int
    padding: int


class Conv2DGrads(NamedTuple):
    """Cotangents of :func:`conv2d_forward`'s inputs, each shaped like its input."""

    x: Any  # (B, H, W, C)
    kernel: Any  # (F, G, C, D)
    b: Any  # (D,)


def _pad(xp: Any, x: Any, padding: int) -> Any:
    return xp.pad(x, [(0, 0), (padding, padding), (padding, padding), (0, 0)])


def conv2d_forward(
    x: Any, kernel: Any, b: Any, *, stride: int = 1, padding: int = 0, xp: Any = np
) -> tuple[Any, Conv2DCache]:
    """Convolve ``x`` (B, H, W, C) with ``kernel`` (F, G, C, D) plus ``b`` (D,).

    Returns ``(y, cache)``, ``y`` (B, Ho, Wo, D). ``ValueError`` when an argument has the
    wrong rank or channel count, or when the stride does not fit the padded input.
    """
    fn = "conv2d_forward"
    x = as_float(xp, x, "x", fn)
    kernel = as_float(xp, kernel, "kernel", fn)
    b = as_float(xp, b, "b", fn)
    require_rank(x, (4,), "x", fn, "(B, H, W, C)")
    require_rank(kernel, (4,), "kernel", fn, "(F, G, C, D)")
    require_rank(b, (1,), "b", fn, "(D,)")
    f, g, c, d = kernel.shape
    require_dim(x.shape[3], c, "x.shape[3] (C) must equal kernel.shape[2]", fn)
    require_dim(b.shape[0], d, "b.shape[0] (D) must equal kernel.shape[3]", fn)
    out_h = output_size(x.shape[1], f, stride, padding, what=f"{fn} (height)")
    out_w = output_size(x.shape[2], g, stride, padding, what=f"{fn} (width)")
    x_padded = _pad(xp, x, padding)
    y = b
    for i in range(f):
        for j in range(g):
            patch = window_slice(x_padded, i, j, out_h, out_w, stride)  # (B, Ho, Wo, C)
            y = y + patch @ kernel[i, j]  # (B, Ho, Wo, D)
    return y, Conv2DCache(x_padded=x_padded, kernel=kernel, stride=stride, padding=padding)


def conv2d_backward(cache: Conv2DCache, y_bar: Any, *, xp: Any = np) -> Conv2DGrads:
    """Gradients ``(x̄, K̄, b̄)`` given ``ȳ`` (B, Ho, Wo, D)."""
    x_padded, kernel, stride, padding = cache
    f, g = kernel.shape[:2]
    _, hp, wp, _ = x_padded.shape
    out_h, out_w = y_bar.shape[1], y_bar.shape[2]
    b_bar = xp.sum(y_bar, axis=(0, 1, 2))  # (D,)
    y_bar_dilated = dilate(xp, y_bar, stride)  # ȳ at every S-th pixel, zeros between
    kernel_rows = []
    x_bar_padded = xp.zeros_like(x_padded)
    for i in range(f):
        row = []
        for j in range(g):
            patch = window_slice(x_padded, i, j, out_h, out_w, stride)  # (B, Ho, Wo, C)
            row.append(xp.einsum("brcC,brcD->CD", patch, y_bar))  # K̄[i, j]
            back = y_bar_dilated @ kernel[i, j].T  # ȳ K[i, j]ᵀ, still dilated (.., C)
            x_bar_padded = x_bar_padded + place_window(xp, back, i, j, hp, wp)
        kernel_rows.append(xp.stack(row))
    kernel_bar = xp.stack(kernel_rows)  # (F, G, C, D)
    x_bar = x_bar_padded[:, padding : hp - padding, padding : wp - padding]  # cut the padding
    return Conv2DGrads(x=x_bar, kernel=kernel_bar, b=b_bar)


def conv2d_tangent(cache: Conv2DCache, x_dot: Any, kernel_dot: Any, b_dot: Any, *, xp=np) -> Any:
    """Forward mode: ``ẏ = conv(ẋ, K) + conv(x, K̇) + ḃ`` (convolution is bilinear)."""
    x_padded, kernel, stride, padding = cache
    f, g = kernel.shape[:2]
    x_dot_padded = _pad(xp, x_dot, padding)
    y_dot = b_dot
    out_h = (x_padded.shape[1] - f) // stride + 1
    out_w = (x_padded.shape[2] - g) // stride + 1
    for i in range(f):
        for j in range(g):
            patch = window_slice(x_padded, i, j, out_h, out_w, stride)
            patch_dot = window_slice(x_dot_padded, i, j, out_h, out_w, stride)
            y_dot = y_dot + patch_dot @ kernel[i, j] + patch @ kernel_dot[i, j]
    return y_dot
