"""The perceptron rule: converges on separable data, cycles on XOR; XOR solved by the feature
map [x1, x2, x1 x2] and by one hidden layer."""

from pathlib import Path

import jax
import jax.numpy as jnp
import matplotlib
import numpy as np
import optax

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from experiments import _system as system
from experiments.perceptron.config import PerceptronConfig, get_config
from experiments.perceptron.report import report
from jaxnets import models, plots, train

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], np.float32)
XOR_Y = np.array([0, 1, 1, 0], np.int32)


def blobs(config: PerceptronConfig) -> dict:
    """Two linearly separable Gaussian blobs in 2-D, labels 0/1 (noise clipped to keep a margin)."""
    rng = np.random.default_rng(config.seed)
    angle = rng.uniform(0, 2 * np.pi)
    direction = np.array([np.cos(angle), np.sin(angle)])
    y = rng.permutation(np.arange(config.points) % 2).astype(np.int32)
    noise = np.clip(
        rng.normal(size=(config.points, 2)), -config.gap / 2 + 0.2, config.gap / 2 - 0.2
    )
    x = noise + np.where(y[:, None] == 1, 1, -1) * direction * config.gap / 2 + 1.0
    return {"x": x.astype(np.float32), "label": y}


def _recording_step(state, batch):
    # The perceptron rule, also reporting the weights after the pass (to see them cycle).
    state, metrics = models.perceptron_train_step(state, batch)
    units = state.params["units"]
    weights = jnp.concatenate([units["kernel"][:, 0], units["bias"]])
    return state, {**metrics, "weights": weights}


def perceptron_run(split: dict, config: PerceptronConfig) -> dict:
    """The perceptron rule through ``fit``, one pass over ``split`` per epoch (one step)."""
    n, d = split["x"].shape
    state = train.init_state(
        models.Perceptron(1, kernel_init="zeros"),
        optax.identity(),  # unused by the rule
        # One threshold unit and 0/1 targets: the binary (logistic) objective describes it;
        # the rule itself uses no loss.
        train.Objective("logistic", input_key="x"),
        (d,),
        key=jax.random.key(config.seed),
    )
    fit_config = train.FitConfig(
        epochs=config.epochs, batch_size=n, seed=config.seed, progress=False, record_steps=True
    )
    result = train.fit(state, split, config=fit_config, step=_recording_step)
    mistakes = [int(row["mistakes"]) for row in result.steps]
    weights = [tuple(np.round(np.asarray(row["weights"]), 6)) for row in result.steps]
    units = result.state.params["units"]
    scores = split["x"] @ np.asarray(units["kernel"][:, 0]) + np.asarray(units["bias"][0])
    accuracy = float(np.mean((scores >= 0).astype(np.int32) == split["label"]))
    converged = 0 in mistakes
    return {
        "mistakes": mistakes,
        "converged": converged,
        "epochs_to_converge": mistakes.index(0) + 1 if converged else None,
        "final_accuracy": accuracy,
        "distinct_weights": len(set(weights)),
        "weights": [list(map(float, w)) for w in weights],
    }


def hidden_layer_run(config: PerceptronConfig) -> dict:
    """XOR by an MLP with one tanh hidden layer, trained by gradient descent through fit."""
    split = {
        "x": np.tile(XOR_X, (config.xor_copies, 1)),
        "label": np.tile(XOR_Y, config.xor_copies),
    }
    model = models.MLP(features=(config.hidden, 2), activation="tanh")
    state = train.init_state(
        model,
        optax.adam(config.mlp_learning_rate),
        train.Objective(input_key="x"),
        (2,),
        key=jax.random.key(config.seed),
    )
    fit_config = train.FitConfig(
        epochs=config.mlp_epochs, batch_size=32, seed=config.seed, progress=False
    )
    corners = {"x": XOR_X, "label": XOR_Y}
    result = train.fit(state, split, corners, fit_config)
    logits = np.asarray(train.predict(result.state, jnp.asarray(XOR_X)))
    return {
        "accuracy": result.history[-1]["test_accuracy"],
        "loss": result.history[-1]["test_loss"],
        "predictions": logits.argmax(-1).tolist(),
    }


def run(config: PerceptronConfig, data_dir: str | None, out: Path) -> dict:
    del data_dir, out
    features = np.concatenate([XOR_X, XOR_X[:, :1] * XOR_X[:, 1:]], axis=1)
    return {
        "separable": perceptron_run(blobs(config), config),
        "xor": perceptron_run({"x": XOR_X, "label": XOR_Y}, config),
        "xor_feature_map": perceptron_run({"x": features, "label": XOR_Y}, config),
        "xor_hidden_layer": hidden_layer_run(config),
    }


def plot(record: dict, out: Path) -> list[str]:
    r = record["results"]
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    for name, label in (
        ("separable", "separable blobs"),
        ("xor", "XOR, [x1, x2]"),
        ("xor_feature_map", "XOR, [x1, x2, x1 x2]"),
    ):
        axes[0].plot(
            np.arange(1, len(r[name]["mistakes"]) + 1), r[name]["mistakes"], "o-", ms=3, label=label
        )
    axes[0].set(
        xlabel="epoch (one pass)",
        ylabel="mistakes in the pass",
        title="perceptron rule: mistakes per epoch",
    )
    axes[0].legend()
    axes[0].grid(alpha=0.3)
    w = np.array(r["xor"]["weights"])
    for i, label in enumerate(("w1", "w2", "b")):
        axes[1].plot(np.arange(1, len(w) + 1), w[:, i], "o-", ms=3, label=label)
    axes[1].set(
        xlabel="epoch",
        ylabel="weight after the pass",
        title=f"XOR: {r['xor']['distinct_weights']} distinct weight vectors",
    )
    axes[1].legend()
    axes[1].grid(alpha=0.3)
    fig.tight_layout()
    plots.save_figure(fig, out / "perceptron.png", dpi=90)
    return ["perceptron.png"]


def main(argv=None) -> dict:
    return system.main(
        "perceptron",
        argv,
        get_config=get_config,
        run=run,
        plot=plot,
        report=report,
        description=__doc__,
    )


if __name__ == "__main__":
    main()
