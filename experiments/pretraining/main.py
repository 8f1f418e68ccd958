"""Greedy layer-wise autoencoder pre-training of a deep sigmoid MLP (Erhan et al. 2010).

Each hidden layer is first trained as a denoising autoencoder on the codes of the layer
below, using every training image and no labels; the stacked encoders then initialise the
MLP, which is fine-tuned on a share of the labels. The same MLP from random initialisation
is fine-tuned in exactly the same way. Test accuracy per label budget shows where
unsupervised pre-training helps: the lecture's (and the paper's) expectation is most with
few labels.
"""

import math
import time
from pathlib import Path

import jax
import matplotlib
import numpy as np
import optax

from experiments import _system as system
from experiments.pretraining.config import PretrainingConfig, get_config
from experiments.pretraining.report import report, summary
from jaxnets import data, models, plots
from jaxnets.train import FitConfig, Objective, evaluate, fit, init_state

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def encode(encoder_params: dict, x: np.ndarray, activation: str, batch_size: int = 2000):
    """The codes activation(x W + b) (N, H) of one pre-trained layer, in batches."""
    layer = models.MLP(features=(encoder_params["bias"].shape[0],), output_activation=activation)
    apply = jax.jit(lambda p, xb: layer.apply({"params": {"dense_0": p}}, xb))
    return np.concatenate(
        [
            np.asarray(apply(encoder_params, x[i : i + batch_size]))
            for i in range(0, len(x), batch_size)
        ]
    )


def pretrain(config: PretrainingConfig, images: np.ndarray, seed: int) -> tuple[list, list]:
    """Greedy layer-wise pre-training: ``(encoder params per hidden layer, history rows)``.

    Layer ``l`` is a denoising autoencoder ``d -> hidden[l] -> d`` (sigmoid code, logistic
    loss, masking noise) trained with ``fit`` on the codes of layers ``< l`` of ``images``
    (N, ...); its encoder (``dense_0``: kernel (d, hidden[l]), bias (hidden[l],)) is kept.
    """
    x = images
    encoders, rows = [], []
    for index, width in enumerate(config.hidden):
        model = models.create(
            "denoising_autoencoder",
            encoder=(width,),
            activation=config.activation,
            corruption="mask",
            rate=config.corruption_rate,
        )
        state = init_state(
            model,
            optax.adam(config.pretrain_learning_rate),
            Objective("logistic", "input", "image"),
            tuple(x.shape[1:]),
            key=jax.random.fold_in(jax.random.key(seed), 100 + index),
        )
        t0 = time.perf_counter()
        result = fit(
            state,
            {"image": x},
            None,
            FitConfig(
                epochs=config.pretrain_epochs,
                batch_size=config.pretrain_batch_size,
                seed=seed,
                progress=False,
            ),
        )
        enc = jax.device_get(result.state.params["autoencoder"]["mlp"]["dense_0"])
        encoders.append(enc)
        rows.append(
            {
                "layer": index + 1,
                "input_dim": int(np.prod(x.shape[1:])),
                "width": width,
                "train_loss": [h["train_loss"] for h in result.history],
                "seconds": time.perf_counter() - t0,
            }
        )
        x = encode(enc, x.reshape(len(x), -1), config.activation)  # (N, width)
    return encoders, rows


def with_encoders(params: dict, encoders: list) -> dict:
    """The MLP's params with hidden layer ``i`` (``dense_i``) replaced by encoder ``i``;
    the output layer keeps its (random) initial values."""
    new = dict(params)
    for i, enc in enumerate(encoders):
        if new[f"dense_{i}"]["kernel"].shape != enc["kernel"].shape:
            raise ValueError(
                f"encoder {i} has kernel {enc['kernel'].shape}, the MLP's dense_{i} "
                f"{new[f'dense_{i}']['kernel'].shape}"
            )
        new[f"dense_{i}"] = {"kernel": enc["kernel"], "bias": enc["bias"]}
    return new


def labelled(train: dict, fraction: float, seed: int) -> dict:
    """A stratified share ``fraction`` of the training split (all of it at 1.0)."""
    if fraction >= 1.0:
        return train
    return data.stratified_split(train, fraction, seed=seed)[1]


def finetune(config, dataset, split: dict, encoders: list | None, seed: int) -> dict:
    """Train the MLP (from ``encoders`` when given, else random) on ``split``; test metrics."""
    model = models.MLP(features=(*config.hidden, 10), activation=config.activation)
    tx = optax.sgd(config.finetune_learning_rate, momentum=config.momentum)
    state = init_state(model, tx, Objective(), dataset.input_shape, key=jax.random.key(seed))
    if encoders is not None:
        params = with_encoders(state.params, encoders)
        state = state.replace(params=params, opt_state=tx.init(params))
    n = len(split["label"])
    batch = min(config.finetune_batch_size, n)
    epochs = math.ceil(config.finetune_steps / (n // batch))
    t0 = time.perf_counter()
    result = fit(
        state, split, None, FitConfig(epochs=epochs, batch_size=batch, seed=seed, progress=False)
    )
    test = evaluate(result.state, dataset.test)
    train = evaluate(result.state, split)
    return {
        "test_accuracy": float(test["accuracy"]),
        "test_loss": float(test["loss"]),
        "train_accuracy": float(train["accuracy"]),
        "epochs": epochs,
        "steps": epochs * (n // batch),
        "seconds": time.perf_counter() - t0,
    }


def run(config: PretrainingConfig, data_dir: str | None, out: Path) -> dict:
    del out  # the figure is drawn by plot, from the record
    dataset = data.load_dataset(config.dataset, data_dir=data_dir, seed=0)
    images = dataset.train[dataset.input_key]
    cells, layers = [], []
    for seed in config.seeds:
        encoders, rows = pretrain(config, images, seed)
        layers.append({"seed": seed, "layers": rows})
        for fraction in config.fractions:
            split = labelled(dataset.train, fraction, seed)
            for init, enc in (("pretrained", encoders), ("random", None)):
                cell = finetune(config, dataset, split, enc, seed)
                cell.update(seed=seed, fraction=fraction, labels=len(split["label"]), init=init)
                cells.append(cell)
                print(
                    f"seed {seed} labels {fraction:g} ({cell['labels']}) {init:10s} "
                    f"test acc {cell['test_accuracy']:.4f}",
                    flush=True,
                )
    return {"cells": cells, "pretraining": layers}


def plot(record: dict, out: Path) -> list[str]:
    """Test accuracy vs label fraction, mean over seeds with min-max bars, both inits."""
    config = record["config"]
    fig, ax = plt.subplots(figsize=(5.2, 3.8))
    for init, color in (("pretrained", "C0"), ("random", "C3")):
        rows = summary(record["results"]["cells"], init)
        xs = [r["fraction"] for r in rows]
        mean = np.array([r["mean"] for r in rows])
        lo = mean - np.array([r["min"] for r in rows])
        hi = np.array([r["max"] for r in rows]) - mean
        ax.errorbar(
            xs,
            100 * mean,
            yerr=100 * np.stack([lo, hi]),
            marker="o",
            capsize=3,
            color=color,
            label=f"{init} init",
        )
    ax.set_xscale("log")
    ax.set_xticks(config["fractions"], [f"{100 * f:g}%" for f in config["fractions"]])
    ax.set_xlabel("share of the training labels used for fine-tuning")
    ax.set_ylabel("test accuracy (%)")
    widths = "-".join(str(w) for w in config["hidden"])
    ax.set_title(
        f"{config['dataset']}: {config['activation']} MLP {widths}, "
        f"{len(config['seeds'])} seeds (min-max)",
        fontsize=9,
    )
    ax.legend()
    fig.tight_layout()
    plots.save_figure(fig, out / "accuracy_vs_labels.png")
    return ["accuracy_vs_labels.png"]


def main(argv=None) -> dict:
    return system.main(
        "pretraining",
        argv,
        get_config=get_config,
        run=run,
        plot=plot,
        report=report,
        description=__doc__,
    )


if __name__ == "__main__":
    main()
