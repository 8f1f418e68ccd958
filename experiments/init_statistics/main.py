"""Activation statistics of 10 tanh layers of 500 units for several weight initializations,
gradient norms per layer, and the W = 0 symmetry problem."""

from pathlib import Path

import jax
import jax.numpy as jnp
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from experiments import _system as system
from experiments.init_statistics.config import InitStatisticsConfig, get_config
from experiments.init_statistics.report import report
from jaxnets import data, initializers, models, optim, plots, train

BINS = 40


def scheme_statistics(config: InitStatisticsConfig, scheme) -> dict:
    """Forward statistics per layer and |dL/dW| per layer for one initializer.

    The loss is a fixed random projection of the last layer, L = sum(h_L * r) / N, so the
    backward signal entering the net is the same for every scheme.
    """
    label, name, options, activation = scheme
    init = initializers.get(name, **dict(options))
    act = jnp.tanh if activation == "tanh" else jax.nn.relu
    x_key, r_key, *w_keys = jax.random.split(jax.random.key(config.seed), config.layers + 2)
    x = jax.random.normal(x_key, (config.examples, config.width))  # (N, D)
    readout = jax.random.normal(r_key, (config.examples, config.width))
    weights = [init(k, (config.width, config.width), jnp.float32) for k in w_keys]

    def forward(weights):
        hs, h = [], x
        for w in weights:  # one layer after another, (N, D) -> (N, D)
            h = act(h @ w)
            hs.append(h)
        return hs

    def loss(weights):
        return jnp.sum(forward(weights)[-1] * readout) / config.examples

    hs = jax.jit(forward)(weights)
    grads = jax.jit(jax.grad(loss))(weights)
    lo, hi = (-1.0, 1.0) if activation == "tanh" else (0.0, 3.0)
    layers = []
    for h, g in zip(hs, grads, strict=True):
        h = np.asarray(h)
        counts, _ = np.histogram(np.clip(h, lo, hi), bins=BINS, range=(lo, hi))
        saturated = np.abs(h) > config.saturated if activation == "tanh" else h <= 0
        layers.append(
            {
                "mean": float(h.mean()),
                "std": float(h.std()),
                "saturated": float(saturated.mean()),
                "grad_norm": float(jnp.linalg.norm(g)),
                "histogram": counts.tolist(),
            }
        )
    return {
        "label": label,
        "initializer": name,
        "activation": activation,
        "input_std": float(x.std()),
        "range": [lo, hi],
        "layers": layers,
    }


def symmetry(config: InitStatisticsConfig, init: str) -> dict:
    """Train a tanh MLP on the digits from ``init``; how many distinct units each layer has."""
    dataset = data.load_dataset("digits", seed=config.seed)
    model = models.MLP(features=config.symmetry_features, activation="tanh", kernel_init=init)
    tx = optim.from_config(optim.OptimizerConfig("adam", learning_rate=1e-2))
    state = train.init_state(
        model, tx, train.Objective(), dataset.input_shape, key=jax.random.key(config.seed)
    )
    fit_config = train.FitConfig(
        epochs=config.symmetry_epochs, batch_size=32, seed=config.seed, progress=False
    )
    result = train.fit(state, dataset.train, dataset.test, fit_config)
    params = result.state.params
    hidden = [f"dense_{i}" for i in range(len(config.symmetry_features) - 1)]
    distinct, spread = [], []
    for name in hidden:
        kernel = np.asarray(params[name]["kernel"])  # (D_in, H): one column per unit
        bias = np.asarray(params[name]["bias"])
        units = np.concatenate([kernel, bias[None]], axis=0).T  # (H, D_in + 1)
        distinct.append(len({tuple(np.round(u, 6)) for u in units}))
        spread.append(float(np.abs(units - units.mean(0)).max()))
    return {
        "initializer": init,
        "test_accuracy": result.history[-1]["test_accuracy"],
        "distinct_units": distinct,
        "units_per_layer": list(config.symmetry_features[:-1]),
        "max_spread": spread,
    }


def run(config: InitStatisticsConfig, data_dir: str | None, out: Path) -> dict:
    del data_dir, out
    return {
        "schemes": [scheme_statistics(config, s) for s in config.schemes],
        "symmetry": [symmetry(config, "zeros"), symmetry(config, "small_random")],
    }


def plot(record: dict, out: Path) -> list[str]:
    schemes = record["results"]["schemes"]
    layers = np.arange(1, len(schemes[0]["layers"]) + 1)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for s in schemes:
        axes[0].plot(layers, [r["std"] for r in s["layers"]], "o-", ms=3, label=s["label"])
        axes[1].plot(layers, [r["grad_norm"] for r in s["layers"]], "o-", ms=3, label=s["label"])
    axes[0].set(
        xlabel="hidden layer",
        ylabel="std of activations",
        yscale="log",
        title="activation std per layer",
    )
    axes[1].set(
        xlabel="hidden layer",
        ylabel="|dL/dW|",
        yscale="log",
        title="gradient norm per layer (fixed random readout)",
    )
    for ax in axes:
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    plots.save_figure(fig, out / "std_and_gradients.png", dpi=90)

    fig, axes = plt.subplots(
        len(schemes), len(layers), figsize=(15, 1.5 * len(schemes)), sharey="row"
    )
    for i, s in enumerate(schemes):
        lo, hi = s["range"]
        edges = np.linspace(lo, hi, BINS + 1)
        for j, r in enumerate(s["layers"]):
            ax = axes[i, j]
            ax.bar(edges[:-1], r["histogram"], width=edges[1] - edges[0], align="edge")
            ax.set_xticks([lo, hi])
            ax.set_yticks([])
            ax.tick_params(labelsize=6)
            if i == 0:
                ax.set_title(f"layer {j + 1}", fontsize=8)
        axes[i, 0].set_ylabel(s["label"], fontsize=7, rotation=0, ha="right")
    fig.tight_layout(pad=0.3)
    plots.save_figure(fig, out / "histograms.png", dpi=80)
    return ["std_and_gradients.png", "histograms.png"]


def main(argv=None) -> dict:
    return system.main(
        "init_statistics",
        argv,
        get_config=get_config,
        run=run,
        plot=plot,
        report=report,
        description=__doc__,
    )


if __name__ == "__main__":
    main()
