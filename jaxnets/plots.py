"""Plots saved as PNG: decision boundaries and training curves (matplotlib, no display)."""

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
    return _save(fig, path)


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
    return _save(fig, path)


def _save(fig, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
