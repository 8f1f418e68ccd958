"""Deep plain vs residual vs highway MLPs: the plain net of 30 layers fails to train."""

import dataclasses
from pathlib import Path

import jax
import matplotlib
import numpy as np
import optax

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from experiments import _system as system
from experiments.deep_nets.config import DeepNetsConfig, get_config
from experiments.deep_nets.report import report
from jaxnets import data, models, plots, train


def run_kind(kind: str, config: DeepNetsConfig, dataset) -> dict:
    """Train one kind for ``config.epochs`` epochs; loss per step and final test metrics."""
    model = models.DeepMLP(
        depth=config.depth,
        width=config.width,
        kind=kind,
        num_classes=dataset.num_classes,
        activation=config.activation,
        kernel_init=config.kernel_init,
        gate_bias=config.gate_bias,
    )
    tx = optax.sgd(config.learning_rate, momentum=config.momentum)
    state = train.init_state(
        model, tx, train.Objective(), dataset.input_shape, key=jax.random.key(config.seed)
    )
    fit_config = train.FitConfig(
        epochs=config.epochs,
        batch_size=config.batch_size,
        seed=config.seed,
        progress=False,
        record_steps=True,
    )
    result = train.fit(state, dataset.train, dataset.test, fit_config)
    losses = [float(row["loss"]) for row in result.steps]
    last = result.history[-1]
    return {
        "kind": kind,
        "params": train.num_params(state.params),
        "losses": losses,
        "first_grad_norm": float(result.steps[0]["grad_norm"]),
        "final_train_loss": float(np.mean(losses[-20:])),
        "test_loss": last["test_loss"],
        "test_accuracy": last["test_accuracy"],
    }


def run(config: DeepNetsConfig, data_dir: str | None, out: Path) -> dict:
    del out
    dataset = data.load_dataset(config.dataset, data_dir=data_dir, seed=config.seed)
    variants = []
    for learning_rate, depth in config.variants:
        variant = dataclasses.replace(config, learning_rate=learning_rate, depth=depth)
        runs = [run_kind(kind, variant, dataset) for kind in config.kinds]
        variants.append(
            {
                "learning_rate": learning_rate,
                "depth": depth,
                "test_accuracy": {r["kind"]: r["test_accuracy"] for r in runs},
            }
        )
    return {
        "kinds": [run_kind(kind, config, dataset) for kind in config.kinds],
        "variants": variants,
    }


def plot(record: dict, out: Path) -> list[str]:
    config = record["config"]
    fig, ax = plt.subplots(figsize=(7, 4))
    for r in record["results"]["kinds"]:
        # A 20-step moving average keeps the curves readable.
        loss = np.convolve(r["losses"], np.ones(20) / 20, mode="valid")
        label = f"{r['kind']} (test acc {r['test_accuracy']:.3f})"
        ax.plot(np.arange(len(loss)) + 20, loss, label=label)
    ax.set(
        xlabel="step",
        ylabel="training loss (20-step mean)",
        yscale="log",
        title=f"{config['depth']}-layer {config['activation']} MLPs on {config['dataset']}, "
        f"SGD lr={config['learning_rate']}",
    )
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    plots.save_figure(fig, out / "loss_curves.png", dpi=90)
    return ["loss_curves.png"]


def main(argv=None) -> dict:
    return system.main(
        "deep_nets",
        argv,
        get_config=get_config,
        run=run,
        plot=plot,
        report=report,
        description=__doc__,
    )


if __name__ == "__main__":
    main()
