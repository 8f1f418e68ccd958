"""Dense, deep, sparse, denoising and convolutional autoencoders on MNIST: train each, measure
the reconstruction error on the test set, and plot test digits with their reconstructions."""

import time
from pathlib import Path

import jax
import matplotlib
import numpy as np
import optax

from experiments import _system as system
from experiments.autoencoders.config import AutoencodersConfig, get_config
from experiments.autoencoders.report import report
from jaxnets import data, losses, models, plots
from jaxnets.train import FitConfig, Objective, fit, init_state, num_params, predict

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def reconstruct(state, images: np.ndarray, batch_size: int = 1000) -> np.ndarray:
    """Reconstructed pixels sigmoid(logits) in [0, 1], in inference mode (no corruption)."""
    out = [
        np.asarray(jax.nn.sigmoid(predict(state, images[i : i + batch_size])))
        for i in range(0, len(images), batch_size)
    ]
    return np.concatenate(out)


def reconstruction_errors(images: np.ndarray, logits_fn, batch_size: int = 1000) -> dict:
    """Per-image binary cross-entropy (nats, summed over pixels) and per-pixel squared error."""
    bce, sq = [], []
    for i in range(0, len(images), batch_size):
        x = images[i : i + batch_size]
        logits = logits_fn(x)
        bce.append(np.asarray(losses.logistic_per_example(logits, x)))
        sq.append(np.asarray((jax.nn.sigmoid(logits) - x) ** 2).reshape(len(x), -1).mean(-1))
    return {"bce": float(np.concatenate(bce).mean()), "mse": float(np.concatenate(sq).mean())}


def save_reconstructions(images: np.ndarray, rows: dict[str, np.ndarray], path: Path) -> None:
    """First row the inputs, then one row per model, ``len(images)`` columns."""
    names = ["input", *rows]
    arrays = [images, *rows.values()]
    fig, axes = plt.subplots(
        len(names), len(images), figsize=(0.8 * len(images), 0.85 * len(names)), squeeze=False
    )
    for r, (name, array) in enumerate(zip(names, arrays, strict=True)):
        for c in range(len(images)):
            ax = axes[r, c]
            ax.imshow(array[c, ..., 0], cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
        axes[r, 0].set_ylabel(
            name.replace("_autoencoder", "").replace("autoencoder", "dense"),
            rotation=0,
            ha="right",
            va="center",
            fontsize=8,
        )
    fig.tight_layout(pad=0.2)
    path.parent.mkdir(parents=True, exist_ok=True)
    plots.save_figure(fig, path, dpi=80)


def run(config: AutoencodersConfig, data_dir: str | None, out: Path) -> dict:
    options = dict(config.model_options)
    epochs = dict(config.model_epochs)
    dataset = data.load_dataset(config.dataset, data_dir=data_dir, seed=config.seed)
    test_images = dataset.test[dataset.input_key]
    shown = test_images[: config.show]
    results, rows = {}, {}
    for name in config.models:
        spec = models.get_spec(name)
        model = models.create(name, **options.get(name, {}))
        objective = Objective(spec.loss, spec.target, dataset.input_key)
        state = init_state(
            model,
            optax.adam(config.learning_rate),
            objective,
            dataset.input_shape,
            key=jax.random.key(config.seed),
        )
        fit_config = FitConfig(
            epochs=epochs.get(name, config.epochs),
            batch_size=config.batch_size,
            seed=config.seed,
            progress=False,
        )
        # The untrained net's error first: fit donates the state's buffers.
        untrained = reconstruction_errors(test_images, lambda x, s=state: predict(s, x))
        t0 = time.perf_counter()
        result = fit(state, dataset.train, None, fit_config)
        seconds = time.perf_counter() - t0
        # Reconstruction only (no sown penalty), clean inputs, inference mode.
        errors = reconstruction_errors(test_images, lambda x, s=result.state: predict(s, x))
        results[name] = {
            "params": num_params(result.state.params),
            "test_bce": errors["bce"],
            "test_mse": errors["mse"],
            "untrained_test_bce": untrained["bce"],
            "train_loss": result.history[-1]["train_loss"] if result.history else None,
            "epochs": len(result.history),
            "train_s": seconds,
        }
        rows[name] = reconstruct(result.state, shown)
    save_reconstructions(shown, rows, out / "reconstructions.png")
    return {"models": results}


def plot(record: dict, out: Path) -> list[str]:
    del record, out  # the reconstruction grid is drawn by run, from the trained models
    return ["reconstructions.png"]


def main(argv=None) -> dict:
    return system.main(
        "autoencoders",
        argv,
        get_config=get_config,
        run=run,
        plot=plot,
        report=report,
        description=__doc__,
    )


if __name__ == "__main__":
    main()
