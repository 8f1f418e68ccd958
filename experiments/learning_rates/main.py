"""Loss curves at a too-low, a good, a high, a too-high and a divergent learning rate."""

from pathlib import Path

import jax
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from experiments import _system as system
from experiments.learning_rates.config import LearningRatesConfig, get_config
from experiments.learning_rates.report import report
from jaxnets import data, models, plots, train


def run(config: LearningRatesConfig, data_dir: str | None, out: Path) -> dict:
    del data_dir, out
    dataset = data.load_dataset("digits", seed=config.seed)
    k = len(config.rates)
    population = train.init_population(
        models.MLP(config.features, activation="tanh"),
        train.Objective(),
        dataset.input_shape,
        keys=[jax.random.key(config.seed)] * k,  # the same initial weights for every rate
        optimizer="sgd",
        learning_rate=list(config.rates),
    )
    fit_config = train.FitConfig(
        epochs=config.epochs,
        batch_size=config.batch_size,
        seed=config.seed,
        progress=False,
        record_steps=True,
    )
    result = train.fit(
        population,
        dataset.train,
        dataset.test,
        fit_config,
        step=train.population_train_step,
        eval_fn=train.population_eval_step,
    )
    losses = np.array([np.asarray(row["loss"]) for row in result.steps])  # (steps, K)
    last = result.history[-1]
    members = []
    for i, (rate, label) in enumerate(zip(config.rates, config.labels, strict=True)):
        curve = losses[:, i]
        members.append(
            {
                "label": label,
                "learning_rate": rate,
                "losses": curve.tolist(),
                "initial_loss": float(curve[0]),
                "max_loss": float(curve.max()),
                "final_loss": float(curve[-20:].mean()),
                "test_accuracy": last["test_accuracy"][i],
            }
        )
    return {"members": members}


def plot(record: dict, out: Path) -> list[str]:
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for m in record["results"]["members"]:
        loss = np.convolve(m["losses"], np.ones(10) / 10, mode="valid")
        ax.plot(np.arange(len(loss)) + 10, loss, label=f"{m['label']} (lr {m['learning_rate']:g})")
    ax.set(
        xlabel="step",
        ylabel="training loss (10-step mean)",
        yscale="log",
        title="one tanh MLP on the digits, SGD at four learning rates",
    )
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    plots.save_figure(fig, out / "loss_curves.png", dpi=90)
    return ["loss_curves.png"]


def main(argv=None) -> dict:
    return system.main(
        "learning_rates",
        argv,
        get_config=get_config,
        run=run,
        plot=plot,
        report=report,
        description=__doc__,
    )


if __name__ == "__main__":
    main()
