"""Deep plain vs residual vs highway MLPs: the plain net of 30 layers fails to train.

python -m experiments.deep_nets.main --out experiments/deep_nets
"""

import argparse
import dataclasses
import json
import os
import time
from pathlib import Path

import jax
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import optax

from experiments.deep_nets.config import QUICK, DeepNetsConfig
from jaxnets import data, models, train


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
    n_params = train.num_params(state.params)
    fit_config = train.FitConfig(
        epochs=config.epochs,
        batch_size=config.batch_size,
        seed=config.seed,
        progress=False,
        record_steps=True,
    )
    start = time.perf_counter()
    result = train.fit(state, dataset.train, dataset.test, fit_config)
    seconds = time.perf_counter() - start
    losses = [row["loss"] for row in result.steps]
    last = result.history[-1]
    return {
        "kind": kind,
        "params": n_params,
        "losses": losses,
        "first_grad_norm": float(result.steps[0]["grad_norm"]),
        "final_train_loss": float(np.mean(losses[-20:])),
        "test_loss": last["test_loss"],
        "test_accuracy": last["test_accuracy"],
        "seconds": seconds,
    }


def plot(results: list[dict], config: DeepNetsConfig, path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(7, 4))
    for r in results:
        # A 20-step moving average keeps the curves readable.
        loss = np.convolve(r["losses"], np.ones(20) / 20, mode="valid")
        label = f"{r['kind']} (test acc {r['test_accuracy']:.3f})"
        ax.plot(np.arange(len(loss)) + 20, loss, label=label)
    ax.set(
        xlabel="step",
        ylabel="training loss (20-step mean)",
        yscale="log",
        title=f"{config.depth}-layer {config.activation} MLPs on {config.dataset}, "
        f"SGD lr={config.learning_rate}",
    )
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=os.environ.get("JAXNETS_DATA_DIR"))
    parser.add_argument("--out", default="deep_nets_out")
    parser.add_argument("--quick", action="store_true", help="digits, 7 epochs (seconds)")
    parser.add_argument("--epochs", type=int, help="override the number of epochs")
    parser.add_argument("--depth", type=int, help="override the depth")
    parser.add_argument("--learning-rate", type=float, help="override the SGD step size")
    args = parser.parse_args(argv)

    config = QUICK if args.quick else DeepNetsConfig()
    if config.dataset == "mnist" and not args.data_dir:
        print("no --data-dir / JAXNETS_DATA_DIR: using the digits data set instead of MNIST")
        config = dataclasses.replace(config, dataset="digits")
    given = (("epochs", args.epochs), ("depth", args.depth), ("learning_rate", args.learning_rate))
    overrides = {k: v for k, v in given if v}
    config = dataclasses.replace(config, **overrides)

    data_dir = args.data_dir
    if config.dataset == "mnist" and data_dir and (Path(data_dir) / "mnist").is_dir():
        data_dir = str(Path(data_dir) / "mnist")
    dataset = data.load_dataset(config.dataset, data_dir=data_dir, seed=config.seed)
    results = [run_kind(kind, config, dataset) for kind in config.kinds]

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    plot(results, config, out / "loss_curves.png")
    summary = [{k: v for k, v in r.items() if k != "losses"} for r in results]
    (out / "results.json").write_text(
        json.dumps({"config": dataclasses.asdict(config), "results": summary}, indent=2)
    )
    print(
        f"{'kind':<9} {'params':>8} {'|g| step 1':>10} {'train loss':>10} "
        f"{'test loss':>9} {'test acc':>8} {'s':>6}"
    )
    for r in summary:
        print(
            f"{r['kind']:<9} {r['params']:>8,} {r['first_grad_norm']:>10.4f} "
            f"{r['final_train_loss']:>10.4f} {r['test_loss']:>9.4f} "
            f"{r['test_accuracy']:>8.4f} {r['seconds']:>6.1f}"
        )
    return results


if __name__ == "__main__":
    main()
