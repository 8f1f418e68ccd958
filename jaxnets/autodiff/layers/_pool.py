"""Max pooling over NHWC images; the gradient is routed to the argmax of each window.

For window ``F`` and stride ``S`` (no padding), ``x`` (B, H, W, C) gives ``y`` (B, Ho, Wo, C)
with ``Ho = (H - F) / S + 1``::

    y[b, r, c, ch] = max_{i, j < F} x[b, S r + i, S c + j, ch]

The max is locally a selection: only the winning input moves the output, with slope 1.
So the backward pass sends each ``ȳ[b, r, c, ch]`` to the position of its window's maximum
and nowhere else; an input that wins several overlapping windows collects all of them::

    x̄[b, S r + i*, S c + j*, ch] += ȳ[b, r, c, ch],   (i*, j*) = argmax of the window

A tie (equal inputs in one window) is broken towards the first offset in row-major order.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ._array import as_float, require_rank
from ._window import dilate, output_size, place_window, window_slice


class MaxPoolCache(NamedTuple):
    """The input (its shape and values locate the argmax) and the static window/stride."""

    x: Any  # (B, H, W, C)
    window: int
    stride: int


def _windows(xp: Any, x: Any, window: int, stride: int, out_h: int, out_w: int) -> Any:
    """All window entries side by side: (B, Ho, Wo, C, F*F), offset ``(i, j)`` at ``i F + j``."""
    slices = [
        window_slice(x, i, j, out_h, out_w, stride) for i in range(window) for j in range(window)
    ]
    return xp.stack(slices, axis=-1)


def _argmax_mask(xp: Any, windows: Any) -> Any:
    """One-hot (B, Ho, Wo, C, F*F) marking the first maximum of each window."""
    winner = xp.argmax(windows, axis=-1)
    return (xp.arange(windows.shape[-1]) == winner[..., None]).astype(windows.dtype)


def max_pool_forward(
    x: Any, *, window: int = 2, stride: int | None = None, xp: Any = np
) -> tuple[Any, MaxPoolCache]:
    """Max over ``window × window`` patches of ``x`` (B, H, W, C) every ``stride`` pixels.

    ``stride`` defaults to ``window`` (non-overlapping). Returns ``(y, cache)``, ``y``
    (B, Ho, Wo, C). ``ValueError`` for a wrong rank or a stride that does not fit.
    """
    fn = "max_pool_forward"
    stride = window if stride is None else stride
    x = as_float(xp, x, "x", fn)
    require_rank(x, (4,), "x", fn, "(B, H, W, C)")
    out_h = output_size(x.shape[1], window, stride, 0, what=f"{fn} (height)")
    out_w = output_size(x.shape[2], window, stride, 0, what=f"{fn} (width)")
    y = xp.max(_windows(xp, x, window, stride, out_h, out_w), axis=-1)
    return y, MaxPoolCache(x=x, window=window, stride=stride)


def max_pool_backward(cache: MaxPoolCache, y_bar: Any, *, xp: Any = np) -> Any:
    """``x̄`` (B, H, W, C) given ``ȳ`` (B, Ho, Wo, C): each ``ȳ`` entry goes to its argmax."""
    x, window, stride = cache
    _, height, width, _ = x.shape
    out_h, out_w = y_bar.shape[1], y_bar.shape[2]
    mask = _argmax_mask(xp, _windows(xp, x, window, stride, out_h, out_w))
    x_bar = xp.zeros_like(x)
    for i in range(window):
        for j in range(window):
            routed = y_bar * mask[..., i * window + j]  # ȳ where offset (i, j) won, else 0
            x_bar = x_bar + place_window(xp, dilate(xp, routed, stride), i, j, height, width)
    return x_bar


def max_pool_tangent(cache: MaxPoolCache, x_dot: Any, *, xp: Any = np) -> Any:
    """Forward mode: ``ẏ = ẋ`` at each window's argmax (the selection is linear in ``ẋ``)."""
    x, window, stride = cache
    out_h = (x.shape[1] - window) // stride + 1
    out_w = (x.shape[2] - window) // stride + 1
    mask = _argmax_mask(xp, _windows(xp, x, window, stride, out_h, out_w))
    return xp.sum(mask * _windows(xp, x_dot, window, stride, out_h, out_w), axis=-1)
