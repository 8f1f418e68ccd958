"""Autoencoders against PCA: test reconstruction error vs code size on MNIST.

PCA is the best linear code for squared error; the question the lecture leaves open ("how
does this differ from PCA?") has the literature's answer (Hinton & Salakhutdinov 2006): a
deep nonlinear autoencoder reconstructs better than PCA at small codes, while a linear
autoencoder can do no better than PCA's subspace.
"""

import time
from pathlib import Path

import jax
import matplotlib
import numpy as np
import optax

from experiments import _system as system
from experiments.autoencoder_vs_pca.config import AutoencoderVsPCAConfig, get_config
from experiments.autoencoder_vs_pca.report import LABELS, report
from experiments.autoencoders.main import reconstruction_errors, save_reconstructions
from jaxnets import data, models, plots
from jaxnets.train import FitConfig, Objective, fit, init_state, num_params, predict

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def fit_pca(train_images: np.ndarray, code: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mean (D,), components (D, code), eigenvalues (D,) descending) of the training images.

    An exact eigendecomposition of the (D, D) covariance in float64, the same subspace as
    scikit-learn's PCA or an SVD of the centred data.
    """
    x = train_images.reshape(len(train_images), -1).astype(np.float64)  # (N, D)
    mean = x.mean(0)
    centred = x - mean
    values, vectors = np.linalg.eigh(centred.T @ centred / len(x))  # ascending
    order = np.argsort(values)[::-1]
    return mean, vectors[:, order[:code]], values[order]


def pca_reconstruct(images: np.ndarray, mean, components) -> np.ndarray:
    """Project onto the principal subspace and back: mean + (x - mean) V V^T, raw (unclipped)."""
    x = images.reshape(len(images), -1).astype(np.float64)
    recon = mean + ((x - mean) @ components) @ components.T
    return recon.reshape(images.shape).astype(np.float32)


def pixel_mse(recon: np.ndarray, images: np.ndarray) -> float:
    """Mean squared error per pixel over every test image (pixels in [0, 1])."""
    diff = np.asarray(recon, np.float64) - np.asarray(images, np.float64)
    return float(np.mean(diff**2))


def _model(method: str, code: int, config: AutoencoderVsPCAConfig):
    """(model, loss, output -> pixels) of one autoencoder at code size ``code``."""
    if method == "linear":
        return models.create("autoencoder", encoder=(code,), activation="linear"), "squared", False
    if method == "autoencoder":
        return models.create("autoencoder", encoder=(code,)), "logistic", True
    if method == "deep_autoencoder":
        encoder = (*config.deep_widths, code)
        return models.create("deep_autoencoder", encoder=encoder), "logistic", True
    raise ValueError(f"unknown method {method!r}")


def _outputs(state, images: np.ndarray, logits: bool, batch_size: int = 1000) -> np.ndarray:
    out = np.concatenate(
        [
            np.asarray(predict(state, images[i : i + batch_size]))
            for i in range(0, len(images), batch_size)
        ]
    )
    return np.asarray(jax.nn.sigmoid(out)) if logits else out


def train_autoencoder(method, code, config, dataset) -> tuple[object, dict]:
    """Train one autoencoder with ``fit``; (state, {params, epochs, train_loss, train_s})."""
    model, loss, _ = _model(method, code, config)
    state = init_state(
        model,
        optax.adam(config.learning_rate),
        Objective(loss, "input", dataset.input_key),
        dataset.input_shape,
        key=jax.random.key(config.seed),
    )
    fit_config = FitConfig(
        epochs=config.epochs, batch_size=config.batch_size, seed=config.seed, progress=False
    )
    t0 = time.perf_counter()
    result = fit(state, dataset.train, None, fit_config)
    return result.state, {
        "params": num_params(result.state.params),
        "epochs": len(result.history),
        "train_loss": result.history[-1]["train_loss"],
        "train_s": time.perf_counter() - t0,
    }


def run(config: AutoencoderVsPCAConfig, data_dir: str | None, out: Path) -> dict:
    dataset = data.load_dataset(config.dataset, data_dir=data_dir, seed=config.seed)
    train_images = dataset.train[dataset.input_key]
    test_images = dataset.test[dataset.input_key]
    dim = int(np.prod(dataset.input_shape))
    shown = test_images[: config.show]
    mean, components, eigenvalues = fit_pca(train_images, max(config.code_sizes))
    # Code 0: every test image reconstructed as the training mean (the error PCA starts from).
    baseline = pixel_mse(
        np.broadcast_to(mean, (len(test_images), dim)), test_images.reshape(len(test_images), -1)
    )
    rows: list[dict] = []
    grids: dict[int, dict[str, np.ndarray]] = {code: {} for code in config.figure_codes}
    for code in config.code_sizes:
        for method in config.methods:
            row = {"code": code, "method": method, "compression": dim / code, "bce": None}
            if method == "pca":
                recon = pca_reconstruct(test_images, mean, components[:, :code])
                row["params"] = dim * code + dim  # components and mean
                row["train_variance_kept"] = float(eigenvalues[:code].sum() / eigenvalues.sum())
            else:
                state, info = train_autoencoder(method, code, config, dataset)
                logits = _model(method, code, config)[2]
                recon = _outputs(state, test_images, logits)
                if logits:  # the logistic AEs' own loss: BCE nats per image
                    row["bce"] = reconstruction_errors(
                        test_images, lambda x, s=state: predict(s, x)
                    )["bce"]
                row.update(info)
            row["mse"] = pixel_mse(recon, test_images)
            row["variance_kept"] = 1.0 - row["mse"] / baseline
            rows.append(row)
            if code in grids:
                grids[code][LABELS[method]] = np.clip(recon[: config.show], 0.0, 1.0)
            print(f"code {code:3d} {method:17s} test MSE {row['mse']:.5f}", flush=True)
    for code, grid in grids.items():
        save_reconstructions(shown, grid, out / f"reconstructions_code{code}.png")
    return {
        "input_dim": dim,
        "mean_image_mse": baseline,
        "rows": rows,
    }


def plot(record: dict, out: Path) -> list[str]:
    """Test MSE per pixel vs code size, one line per method, the mean image as a floor line."""
    results, config = record["results"], record["config"]
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    for method in config["methods"]:
        pts = sorted((r["code"], r["mse"]) for r in results["rows"] if r["method"] == method)
        ax.plot(*zip(*pts, strict=True), marker="o", label=LABELS[method])
    ax.axhline(results["mean_image_mse"], color="gray", ls=":", label="mean image (code 0)")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xticks(config["code_sizes"], [str(c) for c in config["code_sizes"]])
    ax.set_xlabel("code size")
    ax.set_ylabel("test MSE per pixel")
    ax.set_title(f"{config['dataset']}: reconstruction error vs code size")
    ax.legend(fontsize=8)
    fig.tight_layout()
    plots.save_figure(fig, out / "error_vs_code.png")
    return ["error_vs_code.png", *[f"reconstructions_code{c}.png" for c in config["figure_codes"]]]


def main(argv=None) -> dict:
    return system.main(
        "autoencoder_vs_pca",
        argv,
        get_config=get_config,
        run=run,
        plot=plot,
        report=report,
        description=__doc__,
    )


if __name__ == "__main__":
    main()
