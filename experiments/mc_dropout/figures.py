"""The mc_dropout experiment's figures, drawn from its results.json record alone."""

from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from jaxnets import plots

MAX_ENTROPY = float(np.log(10))  # nats, the uniform distribution over 10 classes
HIST_BINS = 30  # entropy histogram bins over [0, ln 10]


def _plot_rotation(r: dict, out: Path) -> str:
    rot = r["rotations"]
    angles = [x["angle"] for x in rot]
    fig, axes = plt.subplots(1, 2, figsize=(11, 5))
    axes[0].plot(angles, [x["mc_entropy"] for x in rot], "o-", label="MC dropout (mean of T)")
    axes[0].plot(angles, [x["det_entropy"] for x in rot], "s--", label="deterministic")
    axes[0].plot(
        angles, [x["mutual_information"] for x in rot], "^:", label="MC mutual information"
    )
    for (name, kind), color in zip(
        [(n, k) for n, k in r["kinds"].items() if "noise" in n], ["C3", "C4"], strict=True
    ):
        axes[0].axhline(kind["mc_entropy"], color=color, lw=0.8, label=f"{name} (MC)")
    axes[0].axhline(MAX_ENTROPY, color="k", ls=":", lw=0.8, label="ln 10 (uniform)")
    axes[0].set(xlabel="rotation (degrees)", ylabel="mean predictive entropy (nats)")
    axes[1].plot(angles, [x["mc_accuracy"] for x in rot], "o-", label="MC dropout")
    axes[1].plot(angles, [x["det_accuracy"] for x in rot], "s--", label="deterministic")
    axes[1].set(xlabel="rotation (degrees)", ylabel="accuracy", ylim=(0, 1))
    for ax in axes:
        ax.set_xticks(angles[:: max(1, (len(angles) + 6) // 7)])
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2)
    axes[1].legend(fontsize=7)
    fig.suptitle("rotated test digits")
    fig.tight_layout()
    plots.save_figure(fig, out / "entropy_vs_rotation.png", dpi=90)
    return "entropy_vs_rotation.png"


def _plot_histograms(r: dict, out: Path) -> str:
    hists = r["histograms"]
    edges = np.linspace(0.0, MAX_ENTROPY, HIST_BINS + 1)
    fig, axes = plt.subplots(1, len(hists), figsize=(3.2 * len(hists), 3), sharey=True)
    for ax, (name, h) in zip(np.atleast_1d(axes), hists.items(), strict=True):
        for label, counts, color in (
            ("MC", h["mc"], "C0"),
            ("deterministic", h["deterministic"], "C1"),
        ):
            share = np.asarray(counts) / max(1, sum(counts))
            ax.stairs(share, edges, label=label, color=color, fill=label == "MC", alpha=0.5)
        ax.set(title=name, xlabel="entropy (nats)", yscale="log", ylim=(1e-3, 1))
        ax.grid(alpha=0.3)
    np.atleast_1d(axes)[0].set_ylabel("share of inputs")
    np.atleast_1d(axes)[0].legend(fontsize=8)
    fig.tight_layout()
    plots.save_figure(fig, out / "entropy_histograms.png", dpi=90)
    return "entropy_histograms.png"


def _plot_reliability(r: dict, out: Path) -> str:
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.2), sharey=True)
    for ax, (name, c) in zip(axes, r["calibration"].items(), strict=True):
        bins = len(c["bin_counts"])
        edges = np.linspace(0, 1, bins + 1)
        filled = np.asarray(c["bin_counts"]) > 0
        ax.bar(
            edges[:-1][filled],
            np.asarray(c["bin_accuracy"])[filled],
            width=1 / bins,
            align="edge",
            edgecolor="k",
            label="accuracy in bin",
        )
        ax.plot([0, 1], [0, 1], "k--", lw=0.8, label="perfect calibration")
        ax.plot(
            np.asarray(c["bin_confidence"])[filled],
            np.asarray(c["bin_accuracy"])[filled],
            "r.",
            label="(mean confidence, accuracy)",
        )
        title = "MC dropout mean" if name == "mc" else "deterministic (inverted dropout)"
        ax.set(title=f"{title}\nECE {100 * c['ece']:.2f}%", xlabel="confidence", xlim=(0, 1))
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("accuracy")
    axes[0].legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    plots.save_figure(fig, out / "reliability.png", dpi=90)
    return "reliability.png"


def _plot_batch_norm(rows: list[dict], out: Path) -> str:
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.8))
    labels, groups = [], {}
    for row in rows:
        label = f"{'BN' if row['batch_norm'] else 'plain'}, dropout {row['dropout']:g}"
        groups.setdefault(label, []).append(row)
    labels = list(groups)
    for ax, (metric, ylabel) in zip(
        axes,
        [("loss_gap", "test loss - train loss"), ("test_accuracy", "test accuracy")],
        strict=True,
    ):
        for i, label in enumerate(labels):
            values = [
                r["test_loss"] - r["train_loss"] if metric == "loss_gap" else r[metric]
                for r in groups[label]
            ]
            ax.bar(i, np.mean(values), color=f"C{i}", alpha=0.6)
            ax.plot([i] * len(values), values, "k.")
        ax.set_xticks(range(len(labels)), labels, rotation=20, fontsize=8)
        ax.set(ylabel=ylabel)
        ax.grid(alpha=0.3, axis="y")
    accuracies = [r["test_accuracy"] for r in rows]
    axes[1].set_ylim(min(accuracies) - 0.02, min(1.0, max(accuracies) + 0.01))
    fig.suptitle("batch norm vs dropout (bars: mean over seeds, dots: seeds)")
    fig.tight_layout()
    plots.save_figure(fig, out / "batch_norm_gap.png", dpi=90)
    return "batch_norm_gap.png"


def plot(record: dict, out: Path) -> list[str]:
    """Entropy vs rotation, entropy histograms, reliability diagrams, batch norm gaps."""
    r = record["results"]
    mc = r["mc_dropout"]
    return [
        _plot_rotation(mc, out),
        _plot_histograms(mc, out),
        _plot_reliability(mc, out),
        _plot_batch_norm(r["batch_norm"], out),
    ]
