"""Regularization: dropout, DropConnect and weight decay on an over-parameterized MLP (the
train/test gap), L2 strength and width on the spiral (capacity vs smoothness), and early
stopping."""

from pathlib import Path

import flax.linen as nn
import jax
import jax.numpy as jnp
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from experiments import _system as system
from experiments.regularization.config import RegularizationConfig, get_config
from experiments.regularization.report import report
from jaxnets import data, layers, models, optim, plots, train


class RegularizedMLP(nn.Module):
    """ReLU MLP whose hidden layers are DropConnect dense layers followed by dropout.

    With both rates 0 it is the plain MLP; every rate setting has the same parameters, so
    the settings train side by side as one population.
    """

    hidden: tuple[int, ...]
    num_classes: int = 10
    dropout_rate: float = 0.0
    dropconnect_rate: float = 0.0

    @nn.compact
    def __call__(self, x, *, train: bool = False):
        x = x.reshape(x.shape[0], -1)  # (B, D)
        for i, width in enumerate(self.hidden):
            x = layers.DropConnectDense(width, rate=self.dropconnect_rate, name=f"dense_{i}")(
                x, train=train
            )
            x = layers.Dropout(self.dropout_rate, name=f"dropout_{i}")(jax.nn.relu(x), train=train)
        return nn.Dense(self.num_classes, name="output")(x)


def dropout_population(config: RegularizationConfig, dataset, split) -> list[dict]:
    labels, dropout, dropconnect, decay = zip(*config.members, strict=True)
    population = train.init_population(
        RegularizedMLP(config.hidden, dataset.num_classes),
        train.Objective(),
        dataset.input_shape,
        keys=[jax.random.key(config.seed)] * len(labels),
        optimizer="adam",
        learning_rate=config.learning_rate,
        weight_decay=list(decay),
        model_options={"dropout_rate": list(dropout), "dropconnect_rate": list(dropconnect)},
    )
    fit_config = train.FitConfig(
        epochs=config.epochs, batch_size=config.batch_size, seed=config.seed, progress=False
    )
    result = train.fit(
        population,
        split,
        dataset.test,
        fit_config,
        step=train.population_train_step,
        eval_fn=train.population_eval_step,
    )
    members = []
    for k, label in enumerate(labels):
        member = result.state.member(k)
        on_train = train.evaluate(member, split)  # inference mode: no dropout
        last = result.history[-1]
        members.append(
            {
                "label": label,
                "train_accuracy": on_train["accuracy"],
                "train_loss": on_train["loss"],
                "test_accuracy": last["test_accuracy"][k],
                "test_loss": last["test_loss"][k],
                "test_curve": [row["test_loss"][k] for row in result.history],
            }
        )
    return members


def spiral_grid(config: RegularizationConfig, out: Path) -> list[dict]:
    dataset = data.load_dataset("spiral", seed=config.seed)
    key = dataset.input_key
    xs = np.linspace(-1.2, 1.2, 120, dtype=np.float32)
    gx, gy = np.meshgrid(xs, xs)
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1)  # (G, 2)
    fig, axes = plt.subplots(
        len(config.widths),
        len(config.l2),
        figsize=(3 * len(config.l2), 3 * len(config.widths)),
        squeeze=False,
    )
    cells = []
    for i, width in enumerate(config.widths):
        population = train.init_population(
            models.MLP((width, dataset.num_classes)),
            train.Objective(input_key=key),
            dataset.input_shape,
            keys=[jax.random.key(config.seed)] * len(config.l2),
            optimizer="sgd",
            learning_rate=config.spiral_learning_rate,
            weight_decay=list(config.l2),
        )
        n = len(dataset.train["label"])
        fit_config = train.FitConfig(
            epochs=config.spiral_epochs, batch_size=n, seed=config.seed, progress=False
        )
        # No test split during training: evaluating every one of the many full-batch epochs
        # would cost more than training; each member is evaluated once at the end.
        result = train.fit(
            population, dataset.train, config=fit_config, step=train.population_train_step
        )
        for j, l2 in enumerate(config.l2):
            member = result.state.member(j)
            classes = np.asarray(train.predict(member, jnp.asarray(grid))).argmax(-1)
            image = classes.reshape(gx.shape)
            # Boundary length: the share of neighbouring grid cells whose classes differ.
            boundary = float(
                (np.mean(image[1:] != image[:-1]) + np.mean(image[:, 1:] != image[:, :-1])) / 2
            )
            train_acc = train.evaluate(member, dataset.train)["accuracy"]
            test_acc = train.evaluate(member, dataset.test)["accuracy"]
            ax = axes[i, j]
            ax.contourf(gx, gy, image, levels=[-0.5, 0.5, 1.5, 2.5], cmap="Pastel1", alpha=0.9)
            ax.scatter(*dataset.train[key].T, c=dataset.train["label"], cmap="Set1", s=6)
            ax.set(xticks=[], yticks=[], title=f"{width} units, L2 {l2:g}\ntrain {train_acc:.2f}")
            cells.append(
                {
                    "width": width,
                    "l2": l2,
                    "train_accuracy": train_acc,
                    "test_accuracy": test_acc,
                    "boundary": boundary,
                }
            )
    fig.tight_layout()
    plots.save_figure(fig, out / "spiral_grid.png", dpi=80)
    return cells


def early_stopping(config: RegularizationConfig, dataset, split) -> dict:
    runs = {}
    for label, patience in (("early stopping", config.patience), ("no stopping", None)):
        tx = optim.from_config(optim.OptimizerConfig("adam", config.learning_rate))
        state = train.init_state(
            RegularizedMLP(config.hidden, dataset.num_classes),
            tx,
            train.Objective(),
            dataset.input_shape,
            key=jax.random.key(config.seed),
        )
        fit_config = train.FitConfig(
            epochs=config.epochs,
            batch_size=config.batch_size,
            seed=config.seed,
            progress=False,
            validation_fraction=config.validation_fraction,
            early_stopping_patience=patience,
            restore_best=patience is not None,
        )
        result = train.fit(state, split, dataset.test, fit_config)
        test = train.evaluate(result.state, dataset.test)
        runs[label] = {
            "epochs_run": len(result.history),
            "best_epoch": result.best_epoch,
            "stopped_early": result.stopped_early,
            "val_curve": [row["val_loss"] for row in result.history],
            "train_curve": [row["train_loss"] for row in result.history],
            "test_accuracy": test["accuracy"],
            "test_loss": test["loss"],
        }
    return runs


def run(config: RegularizationConfig, data_dir: str | None, out: Path) -> dict:
    dataset = data.load_dataset(config.dataset, data_dir=data_dir, seed=config.seed)
    split = {k: v[: config.train_examples] for k, v in dataset.train.items()}
    return {
        "train_examples": len(split["label"]),
        "dropout": dropout_population(config, dataset, split),
        "spiral": spiral_grid(config, out),
        "early_stopping": early_stopping(config, dataset, split),
    }


def plot(record: dict, out: Path) -> list[str]:
    r = record["results"]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for m in r["dropout"]:
        axes[0].plot(np.arange(1, len(m["test_curve"]) + 1), m["test_curve"], label=m["label"])
    axes[0].set(xlabel="epoch", ylabel="test loss", title="over-parameterized MLP: test loss")
    stop = r["early_stopping"]
    full = stop["no stopping"]
    epochs = np.arange(1, len(full["val_curve"]) + 1)
    axes[1].plot(epochs, full["train_curve"], label="train")
    axes[1].plot(epochs, full["val_curve"], label="validation")
    if stop["early stopping"]["stopped_early"]:
        axes[1].axvline(
            stop["early stopping"]["epochs_run"],
            color="k",
            ls="--",
            lw=0.8,
            label="early stopping stops",
        )
    axes[1].axvline(
        stop["early stopping"]["best_epoch"], color="g", ls=":", lw=0.8, label="best epoch (kept)"
    )
    axes[1].set(xlabel="epoch", ylabel="loss", yscale="log", title="early stopping")
    for ax in axes:
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    plots.save_figure(fig, out / "dropout_and_early_stopping.png", dpi=90)
    return ["dropout_and_early_stopping.png", "spiral_grid.png"]


def main(argv=None) -> dict:
    return system.main(
        "regularization",
        argv,
        get_config=get_config,
        run=run,
        plot=plot,
        report=report,
        description=__doc__,
    )


if __name__ == "__main__":
    main()
