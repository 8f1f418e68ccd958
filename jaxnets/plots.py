"""Plots saved as PNG: decision boundaries and training curves (matplotlib, no display)."""

import math
from collections.abc import Callable, Mapping
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: the CLI and CI have no screen
import matplotlib.pyplot as plt
import numpy as np


def decision_boundaries(
    predictors: Mapping[str, Callable[[np.ndarray], np.ndarray]],
    x: np.ndarray,
    y: np.ndarray,
    path: str | Path,
    *,
    resolution: int = 200,
) -> Path:
    """One panel per predictor: its predicted class over the plane, with the points on top.

    ``x`` is (N, 2), ``y`` (N,) integer classes; each predictor maps (M, 2) points to (M,)
    class ids. Titles may carry the accuracy (put it in the mapping's key).
    """
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"decision boundaries need 2-D points (N, 2), got {x.shape}")
    pad = 0.25 * (x.max(0) - x.min(0))
    lo, hi = x.min(0) - pad, x.max(0) + pad
    gx, gy = np.meshgrid(
        np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    )
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)
    fig, axes = plt.subplots(1, len(predictors), figsize=(5 * len(predictors), 4.6), squeeze=False)
    for ax, (title, predict) in zip(axes[0], predictors.items(), strict=True):
        z = np.asarray(predict(grid)).reshape(gx.shape)
        ax.contourf(gx, gy, z, alpha=0.35, cmap="brg", levels=np.arange(z.max() + 2) - 0.5)
        ax.scatter(x[:, 0], x[:, 1], c=y, s=12, cmap="brg", edgecolors="k", linewidths=0.3)
        ax.set_title(title)
        ax.set_xlim(lo[0], hi[0])
        ax.set_ylim(lo[1], hi[1])
    fig.tight_layout()
    return save_figure(fig, path)


def training_curves(history: list[dict], path: str | Path, *, title: str = "") -> Path:
    """Loss (left) and accuracy (right) per epoch for every split present in ``history``."""
    epochs = [row["epoch"] for row in history]
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
    for split in ("train", "val", "test"):
        if f"{split}_loss" in history[0]:
            ax_loss.plot(epochs, [r[f"{split}_loss"] for r in history], label=split)
        if f"{split}_accuracy" in history[0]:
            ax_acc.plot(epochs, [r[f"{split}_accuracy"] for r in history], label=split)
    ax_loss.set(xlabel="epoch", ylabel="loss", yscale="log", title="loss")
    ax_acc.set(xlabel="epoch", ylabel="accuracy", title="accuracy")
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return save_figure(fig, path)


def image_grid(images: np.ndarray, path: str | Path, title: str = "") -> Path:
    """The largest square grid of (N, H, W, 1) images in [0, 1] as one grayscale PNG.

    >>> import tempfile, os
    >>> out = image_grid(np.zeros((5, 4, 4, 1)), os.path.join(tempfile.mkdtemp(), "g.png"))
    >>> out.read_bytes()[:4] == b"\\x89PNG"
    True
    """
    images = np.asarray(images)
    if images.ndim != 4 or images.shape[-1] != 1:
        raise ValueError(f"image_grid expects (N, H, W, 1) grayscale images, got {images.shape}")
    n = math.isqrt(len(images))
    h, w = images.shape[1:3]
    grid = images[: n * n, ..., 0].reshape(n, n, h, w).transpose(0, 2, 1, 3).reshape(n * h, n * w)
    fig, ax = plt.subplots(figsize=(4, 4.3 if title else 4))
    ax.imshow(grid, cmap="gray", vmin=0, vmax=1)
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=9)
    fig.tight_layout(pad=0.2)
    path = save_figure(fig, path, dpi=90)
    return path


def save_figure(fig, path: str | Path, dpi: int = 110, **savefig_options) -> Path:
    """Write ``fig`` to ``path`` (creating its folder) and close it, so figures never pile up."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi, **savefig_options)
    plt.close(fig)
    return path
