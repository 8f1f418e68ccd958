"""Batch normalization: with vs without at several learning rates and init scales (higher
rates tolerated, less sensitivity to initialization), on an MLP and on LeNet-5."""

import itertools
from pathlib import Path

import flax.linen as nn
import jax
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from experiments import _system as system
from experiments.batch_norm.config import BatchNormConfig, get_config
from experiments.batch_norm.report import report
from jaxnets import data, initializers, layers, plots, train


class Net(nn.Module):
    """An MLP (tanh) or a LeNet-5 (ReLU, max pooling), with or without batch norm after each
    hidden dense or conv layer (before the nonlinearity, as lecture 000 places it)."""

    kind: str = "mlp"
    batch_norm: bool = False
    features: tuple[int, ...] = (128, 128)
    kernel_init: str = "fan_in_normal"
    num_classes: int = 10

    def _norm(self, x, train: bool, name: str):
        return layers.BatchNorm(name=name)(x, train=train) if self.batch_norm else x

    @nn.compact
    def __call__(self, x, *, train: bool = False):
        init = initializers.get(self.kernel_init)
        if self.kind == "lenet":
            x = nn.Conv(6, (5, 5), padding="SAME", kernel_init=init, name="c1")(x)
            x = nn.max_pool(jax.nn.relu(self._norm(x, train, "bn_c1")), (2, 2), (2, 2))
            x = nn.Conv(16, (5, 5), padding="VALID", kernel_init=init, name="c3")(x)
            x = nn.max_pool(jax.nn.relu(self._norm(x, train, "bn_c3")), (2, 2), (2, 2))
            widths, act = (120, 84), jax.nn.relu
        else:
            widths, act = self.features, jax.nn.tanh
        x = x.reshape(x.shape[0], -1)  # (B, D)
        for i, width in enumerate(widths):
            x = nn.Dense(width, kernel_init=init, name=f"dense_{i}")(x)
            x = act(self._norm(x, train, f"bn_{i}"))
        return nn.Dense(self.num_classes, kernel_init=init, name="output")(x)


def _with_inits(population, model: Net, inits: list[str], input_shape, key):
    """The population with member k's parameters drawn by ``inits[k]``.

    The initializer only matters at the start, so the members share one model (one
    forward program, no switch between variants); each member's parameters are what
    ``init_state`` would draw for ``model.clone(kernel_init=inits[k])`` from ``key``.
    """
    init_key, _ = jax.random.split(key)
    x = jax.numpy.zeros((1, *input_shape))
    drawn = [
        model.clone(kernel_init=name).init({"params": init_key}, x, train=False)["params"]
        for name in inits
    ]
    params = jax.tree.map(lambda *xs: jax.numpy.stack(xs), *drawn)
    return population.replace(state=population.state.replace(params=params))


def sweep(config, dataset, split, *, kind, batch_norm, rates, inits) -> list[dict]:
    pairs = list(itertools.product(rates, inits))
    model = Net(
        kind=kind,
        batch_norm=batch_norm,
        features=config.features,
        num_classes=dataset.num_classes,
    )
    key = jax.random.key(config.seed)
    population = train.init_population(
        model,
        train.Objective(),
        dataset.input_shape,
        keys=[key] * len(pairs),
        optimizer="sgd",
        learning_rate=[lr for lr, _ in pairs],
    )
    population = _with_inits(population, model, [i for _, i in pairs], dataset.input_shape, key)
    fit_config = train.FitConfig(
        epochs=config.epochs,
        batch_size=config.batch_size,
        seed=config.seed,
        progress=False,
        record_steps=True,
    )
    result = train.fit(
        population,
        split,
        dataset.test,
        fit_config,
        step=train.population_train_step,
        eval_fn=train.population_eval_step,
    )
    losses = np.array([np.asarray(r["loss"]) for r in result.steps])  # (steps, K)
    last = result.history[-1]
    return [
        {
            "kind": kind,
            "batch_norm": batch_norm,
            "learning_rate": lr,
            "init": init,
            "test_accuracy": last["test_accuracy"][k],
            "final_train_loss": float(losses[-20:, k].mean()),
            "first_epoch_loss": result.history[0]["train_loss"][k],
        }
        for k, (lr, init) in enumerate(pairs)
    ]


def run(config: BatchNormConfig, data_dir: str | None, out: Path) -> dict:
    del out
    dataset = data.load_dataset(config.dataset, data_dir=data_dir, seed=config.seed)
    split = {k: v[: config.train_examples] for k, v in dataset.train.items()}
    cells = []
    for batch_norm in (False, True):
        cells += sweep(
            config,
            dataset,
            split,
            kind="mlp",
            batch_norm=batch_norm,
            rates=config.rates,
            inits=config.inits,
        )
    if config.lenet:
        for batch_norm in (False, True):
            cells += sweep(
                config,
                dataset,
                split,
                kind="lenet",
                batch_norm=batch_norm,
                rates=config.lenet_rates,
                inits=(config.lenet_init,),
            )
    return {"cells": cells, "train_examples": len(split["label"])}


def plot(record: dict, out: Path) -> list[str]:
    config = record["config"]
    cells = [c for c in record["results"]["cells"] if c["kind"] == "mlp"]
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    for ax, batch_norm in zip(axes, (False, True), strict=True):
        grid = np.array(
            [
                [
                    next(
                        c["test_accuracy"]
                        for c in cells
                        if c["batch_norm"] == batch_norm
                        and c["learning_rate"] == lr
                        and c["init"] == init
                    )
                    for lr in config["rates"]
                ]
                for init in config["inits"]
            ]
        )
        image = ax.imshow(grid, vmin=0, vmax=1, cmap="viridis")
        for (i, j), value in np.ndenumerate(grid):
            ax.text(j, i, f"{value:.2f}", ha="center", va="center", color="w", fontsize=9)
        ax.set(
            xticks=range(len(config["rates"])),
            xticklabels=config["rates"],
            yticks=range(len(config["inits"])),
            yticklabels=config["inits"],
            xlabel="SGD learning rate",
            title=f"MLP {'with' if batch_norm else 'without'} batch norm: test accuracy",
        )
    fig.colorbar(image, ax=axes, shrink=0.8)
    plots.save_figure(fig, out / "accuracy_grid.png", dpi=90, bbox_inches="tight")
    return ["accuracy_grid.png"]


def main(argv=None) -> dict:
    return system.main(
        "batch_norm",
        argv,
        get_config=get_config,
        run=run,
        plot=plot,
        report=report,
        description=__doc__,
    )


if __name__ == "__main__":
    main()
