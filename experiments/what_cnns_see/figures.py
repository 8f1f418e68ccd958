"""The figures of what_cnns_see: filters, feature maps, saliency, embeddings, k-NN by layer."""

from pathlib import Path

import matplotlib
import numpy as np

from jaxnets import plots

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def _bare(ax) -> None:
    ax.set_xticks([])
    ax.set_yticks([])


def _signed(ax, image: np.ndarray) -> None:
    bound = float(np.abs(image).max()) or 1.0
    ax.imshow(image, cmap="RdBu_r", vmin=-bound, vmax=bound)
    _bare(ax)


def filters(kernels: dict[str, np.ndarray], path: Path) -> None:
    """One row per net (untrained, trained): C1's 5x5 filters, red > 0 > blue."""
    rows = ["untrained", "trained"]
    count = kernels["trained"].shape[-1]
    fig, axes = plt.subplots(2, count, figsize=(1.3 * count, 3), squeeze=False)
    for r, name in enumerate(rows):
        for c in range(count):
            _signed(axes[r, c], kernels[name][:, :, 0, c])
        axes[r, 0].set_ylabel(name, fontsize=9)
    fig.suptitle("LeNet-5's first-layer (C1) filters, 5x5; red > 0 > blue", fontsize=10)
    fig.tight_layout()
    plots.save_figure(fig, path, dpi=90)


def feature_maps(maps: dict[str, np.ndarray], label: int, path: Path) -> None:
    """Input, C1 and S2 (6 maps), C3 and S4 (16 maps), C5 and F6 as images of their units,
    and the class probabilities, for one digit."""
    fig = plt.figure(figsize=(16, 7.5))
    grid = fig.add_gridspec(5, 16)
    ax = fig.add_subplot(grid[0, 0:2])
    ax.imshow(maps["pixels"][..., 0], cmap="gray")
    ax.set_title(f"input (label {label})", fontsize=9)
    _bare(ax)
    for start, name, shape in ((3, "C5", (10, 12)), (6, "F6", (7, 12))):
        ax = fig.add_subplot(grid[0, start : start + 3])
        ax.imshow(maps[name].reshape(shape), cmap="magma")
        ax.set_title(f"{name}: {maps[name].size} units", fontsize=9)
        _bare(ax)
    ax = fig.add_subplot(grid[0, 10:16])
    logits = maps["output"]
    probs = np.exp(logits - logits.max())
    ax.bar(range(10), probs / probs.sum())
    ax.set_xticks(range(10))
    ax.set_title("output: softmax", fontsize=9)
    for row, name in enumerate(("C1", "S2", "C3", "S4"), start=1):
        values = maps[name]
        for c in range(values.shape[-1]):
            ax = fig.add_subplot(grid[row, c])
            ax.imshow(values[..., c], cmap="magma", vmin=0, vmax=float(values.max()) or 1.0)
            _bare(ax)
            if c == 0:
                ax.set_ylabel(f"{name} {values.shape[0]}x{values.shape[1]}", fontsize=9)
    fig.suptitle("Feature maps of every layer (after ReLU; pooled maps after max pool)")
    plots.save_figure(fig, path, dpi=70)


def saliency(images: np.ndarray, grads: dict[str, np.ndarray], labels, path: Path) -> None:
    """Digits, then |d score / d input| of the trained and the untrained net."""
    count = len(images)
    fig, axes = plt.subplots(3, count, figsize=(1.4 * count, 4.6), squeeze=False)
    for c in range(count):
        axes[0, c].imshow(images[c], cmap="gray")
        axes[0, c].set_title(str(int(labels[c])), fontsize=9)
        for r, name in enumerate(("trained", "untrained"), start=1):
            axes[r, c].imshow(np.abs(grads[name][c]), cmap="hot")
            axes[r, c].contour(images[c], levels=[0.5], colors="cyan", linewidths=0.5)
        for r in range(3):
            _bare(axes[r, c])
    for r, name in enumerate(("digit", "trained", "untrained")):
        axes[r, 0].set_ylabel(name, fontsize=9)
    title = "Saliency |d logit(true class) / d pixel|; cyan: the stroke's outline"
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    plots.save_figure(fig, path, dpi=80)


def embeddings(points: dict, labels: np.ndarray, scores: dict, path: Path) -> None:
    """Rows PCA and t-SNE; columns pixels, untrained F6, trained F6; coloured by class."""
    methods = ("pca", "tsne")
    sources = ("pixels", "untrained F6", "trained F6")
    fig, axes = plt.subplots(2, 3, figsize=(13, 8.5), squeeze=False)
    for r, method in enumerate(methods):
        for c, source in enumerate(sources):
            ax = axes[r, c]
            xy = points[(method, source)]
            ax.scatter(xy[:, 0], xy[:, 1], c=labels, cmap="tab10", s=3, vmin=-0.5, vmax=9.5)
            score = scores[f"{method} {source}"]
            ax.set_title(
                f"{'PCA' if method == 'pca' else 't-SNE'} of {source}: "
                f"{score['knn_accuracy']:.1%} k-NN, silhouette {score['silhouette']:.2f}",
                fontsize=9,
            )
            _bare(ax)
    handles = [
        plt.Line2D([], [], marker="o", ls="", color=plt.cm.tab10(d), label=str(d))
        for d in range(10)
    ]
    fig.legend(handles=handles, loc="center right", title="digit")
    fig.suptitle(f"2-D embeddings of {len(labels)} test digits")
    plots.save_figure(fig, path, dpi=80)


def layer_knn(knn: dict[str, dict[str, float]], path: Path) -> None:
    """k-NN accuracy of each layer's features, trained against untrained net."""
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    for name, marker in (("trained", "o"), ("untrained", "s")):
        stages = list(knn[name])
        ax.plot(stages, [knn[name][s] for s in stages], marker=marker, label=name)
    ax.set_ylabel("k-NN accuracy (cross-validated)")
    ax.set_xlabel("layer")
    ax.grid(alpha=0.3)
    ax.legend()
    ax.set_title("How well each layer's features separate the digits")
    fig.tight_layout()
    plots.save_figure(fig, path, dpi=90)
