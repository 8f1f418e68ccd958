"""Monte Carlo dropout: a dropout MLP's predictive mean and entropy over T stochastic passes on
test digits, rotated digits and noise (the entropy rises off the data), its calibration with
and without MC averaging, and whether batch norm narrows the generalization gap as dropout
does."""

from pathlib import Path

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import optax
from scipy import ndimage

from experiments import _system as system
from experiments.mc_dropout.config import MCDropoutConfig, get_config
from experiments.mc_dropout.figures import HIST_BINS, MAX_ENTROPY, plot
from experiments.mc_dropout.report import report
from jaxnets import data, layers, train


class DropoutMLP(nn.Module):
    """ReLU MLP with dropout on the input and after every hidden layer, optionally batch norm
    after each hidden dense layer (before the ReLU).

    ``output="logits"``: (B, K) logits, for training. ``output="probs"``: (B, K + 1), the
    softmax probabilities and, last, their entropy in nats; :func:`jaxnets.layers.mc_predict`
    averages both over the dropout masks, giving the predictive mean and the expected
    per-pass entropy in one call. The parameters are the same for both outputs.
    """

    hidden: tuple[int, ...]
    num_classes: int = 10
    input_dropout: float = 0.0
    dropout_rate: float = 0.5
    batch_norm: bool = False
    output: str = "logits"

    @nn.compact
    def __call__(self, x, *, train: bool = False):
        x = layers.Dropout(self.input_dropout)(x.reshape(x.shape[0], -1), train=train)  # (B, D)
        for i, width in enumerate(self.hidden):
            x = nn.Dense(width, name=f"dense_{i}")(x)
            if self.batch_norm:
                x = layers.BatchNorm(name=f"bn_{i}")(x, train=train)
            x = layers.Dropout(self.dropout_rate)(jax.nn.relu(x), train=train)
        logits = nn.Dense(self.num_classes, name="output")(x)
        if self.output == "logits":
            return logits
        return jnp.concatenate([jax.nn.softmax(logits), entropy(logits)[:, None]], axis=-1)


def entropy(logits: jax.Array) -> jax.Array:
    """Entropy in nats of softmax(logits), (B, K) -> (B,)."""
    return -jnp.sum(jax.nn.softmax(logits) * jax.nn.log_softmax(logits), axis=-1)


def _probs_entropy(p: np.ndarray) -> np.ndarray:
    """Entropy in nats of probability rows (B, K) -> (B,)."""
    p = np.asarray(p, np.float64)
    return -np.sum(np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0), axis=-1)


def _chunked(fn, x: np.ndarray, size: int) -> np.ndarray:
    """``fn`` on chunks of ``size`` rows (the last padded), so one shape is compiled."""
    out = []
    for i in range(0, len(x), size):
        chunk = x[i : i + size]
        pad = size - len(chunk)
        if pad:
            chunk = np.concatenate([chunk, np.zeros((pad, *chunk.shape[1:]), chunk.dtype)])
        out.append(np.asarray(fn(jnp.asarray(chunk), i))[: size - pad])
    return np.concatenate(out)


def predictions(state, model: DropoutMLP, x: np.ndarray, *, samples: int, key) -> dict:
    """Deterministic (inverted dropout, masks off) and MC (``samples`` passes) predictions.

    Returns ``det`` and ``mc`` probabilities (N, K), their entropies ``det_entropy`` and
    ``mc_entropy`` (N,) and ``expected_entropy`` (N,), the mean over passes of each pass's
    entropy (so ``mc_entropy - expected_entropy`` is the mutual information between the
    prediction and the mask).
    """
    size = min(1000, len(x))
    det = jax.nn.softmax(_chunked(lambda b, i: train.predict(state, b), x, size), axis=-1)
    variables = {"params": state.params, **state.model_state}
    probs_model = model.clone(output="probs")
    mc = _chunked(
        lambda b, i: layers.mc_predict(
            probs_model, variables, b, key=jax.random.fold_in(key, i), num_samples=samples
        )[0],
        x,
        size,
    )
    det, mc_probs = np.asarray(det, np.float64), mc[:, :-1].astype(np.float64)
    return {
        "det": det,
        "mc": mc_probs,
        "det_entropy": _probs_entropy(det),
        "mc_entropy": _probs_entropy(mc_probs),
        "expected_entropy": mc[:, -1].astype(np.float64),
    }


def calibration(probs: np.ndarray, labels: np.ndarray, bins: int) -> dict:
    """Expected calibration error over ``bins`` equal-width confidence bins (lo, hi].

    Confidence is the top class's probability; ECE = sum_b (n_b / N) |accuracy_b -
    confidence_b|. Also returns per-bin counts, mean confidences and accuracies (the
    reliability diagram), the accuracy and the mean negative log-likelihood.
    """
    conf, correct = probs.max(-1), probs.argmax(-1) == labels
    index = np.clip(np.ceil(conf * bins).astype(int) - 1, 0, bins - 1)
    counts = np.bincount(index, minlength=bins)
    conf_sum = np.bincount(index, weights=conf, minlength=bins)
    correct_sum = np.bincount(index, weights=correct.astype(float), minlength=bins)
    safe = np.maximum(counts, 1)
    mean_conf, accuracy = conf_sum / safe, correct_sum / safe
    ece = float(np.sum(counts / len(labels) * np.abs(accuracy - mean_conf)))
    nll = float(-np.mean(np.log(np.clip(probs[np.arange(len(labels)), labels], 1e-12, None))))
    return {
        "ece": ece,
        "accuracy": float(correct.mean()),
        "nll": nll,
        "mean_confidence": float(conf.mean()),
        "bin_counts": counts.tolist(),
        "bin_confidence": mean_conf.tolist(),
        "bin_accuracy": accuracy.tolist(),
    }


def rotate(images: np.ndarray, angle: float) -> np.ndarray:
    """Images (N, H, W, 1) rotated by ``angle`` degrees about their centre (bilinear, zero
    fill), clipped to [0, 1]."""
    if angle % 360 == 0:
        return images
    out = ndimage.rotate(images, angle, axes=(1, 2), reshape=False, order=1, mode="constant")
    return np.clip(out, 0.0, 1.0).astype(np.float32)


def noise_images(shape: tuple[int, ...], sigma: float, seed: int) -> dict[str, np.ndarray]:
    """Uniform [0, 1] pixel noise, and the same blurred (Gaussian, ``sigma`` pixels) and
    stretched back to [0, 1] per image."""
    rng = np.random.default_rng(seed)
    uniform = rng.uniform(0.0, 1.0, shape).astype(np.float32)
    blurred = ndimage.gaussian_filter(uniform, sigma=(0, sigma, sigma, 0))
    lo = blurred.min(axis=(1, 2, 3), keepdims=True)
    hi = blurred.max(axis=(1, 2, 3), keepdims=True)
    return {
        "uniform noise": uniform,
        "blurred noise": ((blurred - lo) / (hi - lo)).astype(np.float32),
    }


def _summary(pred: dict, labels: np.ndarray | None = None) -> dict:
    row = {
        "mc_entropy": float(pred["mc_entropy"].mean()),
        "det_entropy": float(pred["det_entropy"].mean()),
        "mutual_information": float((pred["mc_entropy"] - pred["expected_entropy"]).mean()),
        "mc_confidence": float(pred["mc"].max(-1).mean()),
        "det_confidence": float(pred["det"].max(-1).mean()),
    }
    if labels is not None:
        row["mc_accuracy"] = float((pred["mc"].argmax(-1) == labels).mean())
        row["det_accuracy"] = float((pred["det"].argmax(-1) == labels).mean())
    return row


def _histogram(values: np.ndarray) -> list[int]:
    counts, _ = np.histogram(values, bins=HIST_BINS, range=(0.0, MAX_ENTROPY))
    return counts.tolist()


def mc_dropout(config: MCDropoutConfig, dataset) -> dict:
    model = DropoutMLP(
        config.hidden,
        dataset.num_classes,
        input_dropout=config.input_dropout,
        dropout_rate=config.dropout,
    )
    state = train.init_state(
        model,
        optax.adam(config.learning_rate),
        train.Objective(),
        dataset.input_shape,
        key=jax.random.key(config.seed),
    )
    fit_config = train.FitConfig(
        epochs=config.epochs, batch_size=config.batch_size, seed=config.seed, progress=False
    )
    result = train.fit(state, dataset.train, None, fit_config)
    state = result.state
    key = jax.random.key(config.seed + 1)
    images, labels = dataset.test[dataset.input_key], dataset.test["label"]
    test = predictions(state, model, images, samples=config.samples, key=key)
    calib = {
        "deterministic": calibration(test["det"], labels, config.bins),
        "mc": calibration(test["mc"], labels, config.bins),
    }
    n = min(config.eval_examples, len(labels))
    kinds = {"test digits": _summary(test, labels)}
    hists = {"test digits": (test["mc_entropy"], test["det_entropy"])}
    rotations = []
    for angle in config.angles:
        pred = predictions(
            state,
            model,
            rotate(images[:n], angle),
            samples=config.samples,
            key=jax.random.fold_in(key, 1000 + angle),
        )
        rotations.append({"angle": angle, **_summary(pred, labels[:n])})
        if angle in config.hist_angles:
            hists[f"rotated {angle}"] = (pred["mc_entropy"], pred["det_entropy"])
    for i, (name, x) in enumerate(
        noise_images(images[:n].shape, config.blur_sigma, config.seed).items()
    ):
        pred = predictions(
            state, model, x, samples=config.samples, key=jax.random.fold_in(key, 2000 + i)
        )
        kinds[name] = _summary(pred)
        hists[name] = (pred["mc_entropy"], pred["det_entropy"])
    return {
        "train_epochs": len(result.history),
        "train_loss": result.history[-1]["train_loss"],
        "eval_examples": n,
        "calibration": calib,
        "agreement": float((test["mc"].argmax(-1) == test["det"].argmax(-1)).mean()),
        "kinds": kinds,
        "rotations": rotations,
        "histograms": {
            name: {"mc": _histogram(mc), "deterministic": _histogram(det)}
            for name, (mc, det) in hists.items()
        },
    }


def batch_norm_gap(config: MCDropoutConfig, dataset) -> list[dict]:
    """Train/test loss and accuracy of the MLP at each dropout rate x seed, without and with
    batch norm (inference mode: dropout off, BN running statistics)."""
    split = {k: v[: config.bn_train_examples] for k, v in dataset.train.items()}
    members = [(rate, seed) for rate in config.bn_rates for seed in range(config.bn_seeds)]
    rows = []
    for batch_norm in (False, True):
        population = train.init_population(
            DropoutMLP(config.bn_hidden, dataset.num_classes, batch_norm=batch_norm),
            train.Objective(),
            dataset.input_shape,
            keys=[jax.random.key(config.seed + seed) for _, seed in members],
            optimizer="adam",
            learning_rate=config.learning_rate,
            model_options={"dropout_rate": [rate for rate, _ in members]},
        )
        fit_config = train.FitConfig(
            epochs=config.bn_epochs,
            batch_size=config.bn_batch_size,
            seed=config.seed,
            progress=False,
        )
        result = train.fit(population, split, config=fit_config, step=train.population_train_step)
        on_train = train.evaluate(result.state, split, eval_fn=train.population_eval_step)
        on_test = train.evaluate(result.state, dataset.test, eval_fn=train.population_eval_step)
        for k, (rate, seed) in enumerate(members):
            rows.append(
                {
                    "batch_norm": batch_norm,
                    "dropout": rate,
                    "seed": seed,
                    "train_loss": on_train["loss"][k],
                    "train_accuracy": on_train["accuracy"][k],
                    "test_loss": on_test["loss"][k],
                    "test_accuracy": on_test["accuracy"][k],
                }
            )
    return rows


def run(config: MCDropoutConfig, data_dir: str | None, out: Path) -> dict:
    del out  # every figure is drawn from the record
    dataset = data.load_dataset(config.dataset, data_dir=data_dir, seed=config.seed)
    return {
        "mc_dropout": mc_dropout(config, dataset),
        "batch_norm": batch_norm_gap(config, dataset),
    }


def main(argv=None) -> dict:
    return system.main(
        "mc_dropout",
        argv,
        get_config=get_config,
        run=run,
        plot=plot,
        report=report,
        description=__doc__,
    )


if __name__ == "__main__":
    main()
