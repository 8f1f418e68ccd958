"""Sigmoid, tanh, ReLU, leaky ReLU and PReLU on one deep MLP: training speed, saturated and
dead units, and gradient norms per layer (vanishing gradients) before and after training."""

from pathlib import Path

import jax
import jax.numpy as jnp
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from experiments import _system as system
from experiments.activations.config import ActivationsConfig, get_config
from experiments.activations.report import report
from jaxnets import data, losses, models, optim, plots, train


def layer_grad_norms(state, batch) -> list[float]:
    """|dL/dW| of each weight layer in forward order (input, hidden..., output)."""

    def loss(params):
        logits = state.apply_fn({"params": params, **state.model_state}, batch["image"])
        return losses.softmax_cross_entropy_per_example(logits, batch["label"]).mean()

    grads = jax.grad(loss)(state.params)
    names = sorted(grads, key=_order)
    return [float(optax_norm(grads[n])) for n in names]


def optax_norm(tree) -> jax.Array:
    return jnp.sqrt(sum(jnp.sum(x**2) for x in jax.tree.leaves(tree)))


def _order(name: str) -> tuple[int, int]:
    if name == "input":
        return (0, 0)
    if name == "output":
        return (2, 0)
    return (1, int(name.rsplit("_", 1)[1]))


def unit_statistics(state, batch, activation: str, config: ActivationsConfig) -> dict:
    """Shares of saturated units (sigmoid, tanh) and of dead units over the probe batch."""
    _, inter = state.apply_fn(
        {"params": state.params, **state.model_state},
        batch["image"],
        capture_intermediates=lambda module, method: (
            isinstance(module, jax.numpy.ndarray) or type(module).__name__ == "Dense"
        ),
        mutable=["intermediates"],
    )
    z_values = [
        np.asarray(v["__call__"][0])
        for k, v in sorted(inter["intermediates"].items(), key=lambda kv: _order(kv[0]))
        if k != "output"
    ]
    z = np.stack(z_values)  # (layers, B, H) pre-activations
    threshold = dict(config.saturation_z).get(activation)
    return {
        "saturated": float(np.mean(np.abs(z) > threshold)) if threshold else 0.0,
        # A ReLU unit no probe input turns on passes no gradient at all.
        "dead": float(np.mean(np.all(z <= 0, axis=1))) if activation == "relu" else None,
    }


def run_variant(variant, config: ActivationsConfig, dataset, split, probe) -> dict:
    label, kind, activation = variant
    model = models.DeepMLP(
        depth=config.depth,
        width=config.width,
        kind=kind,
        activation=activation,
        num_classes=dataset.num_classes,
        kernel_init=dict(config.inits)[activation],
    )
    steps = config.epochs * (len(split["label"]) // config.batch_size)
    tx = optim.from_config(
        optim.OptimizerConfig("momentum", config.learning_rate), total_steps=steps
    )
    state = train.init_state(
        model, tx, train.Objective(), dataset.input_shape, key=jax.random.key(config.seed)
    )
    before = layer_grad_norms(state, probe)
    units_before = unit_statistics(state, probe, activation, config) if kind == "plain" else None
    fit_config = train.FitConfig(
        epochs=config.epochs,
        batch_size=config.batch_size,
        seed=config.seed,
        progress=False,
        record_steps=True,
    )
    result = train.fit(state, split, dataset.test, fit_config)
    after = layer_grad_norms(result.state, probe)
    units_after = (
        unit_statistics(result.state, probe, activation, config) if kind == "plain" else None
    )
    losses_ = [float(r["loss"]) for r in result.steps]
    return {
        "label": label,
        "kind": kind,
        "activation": activation,
        "losses": losses_,
        "first_epoch_loss": result.history[0]["train_loss"],
        "final_loss": float(np.mean(losses_[-20:])),
        "test_accuracy": result.history[-1]["test_accuracy"],
        "grad_norms_before": before,
        "grad_norms_after": after,
        "units_before": units_before,
        "units_after": units_after,
    }


def run(config: ActivationsConfig, data_dir: str | None, out: Path) -> dict:
    del out
    dataset = data.load_dataset(config.dataset, data_dir=data_dir, seed=config.seed)
    split = {k: v[: config.train_examples] for k, v in dataset.train.items()}
    probe = {k: jnp.asarray(v[: config.probe]) for k, v in dataset.test.items()}
    variants = [run_variant(v, config, dataset, split, probe) for v in config.variants]
    return {"variants": variants, "train_examples": len(split["label"])}


def plot(record: dict, out: Path) -> list[str]:
    variants = record["results"]["variants"]
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.2))
    for v in variants:
        loss = np.convolve(v["losses"], np.ones(20) / 20, mode="valid")
        axes[0].plot(loss, label=v["label"])
        axes[1].plot(v["grad_norms_before"], "o-", ms=3, label=v["label"])
        axes[2].plot(v["grad_norms_after"], "o-", ms=3, label=v["label"])
    axes[0].set(xlabel="step", ylabel="training loss (20-step mean)", title="training speed")
    axes[1].set(
        xlabel="layer (input ... output)",
        ylabel="|dL/dW|",
        yscale="log",
        title="gradient norm per layer, step 0",
    )
    axes[2].set(
        xlabel="layer (input ... output)",
        ylabel="|dL/dW|",
        yscale="log",
        title="gradient norm per layer, after training",
    )
    for ax in axes:
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    plots.save_figure(fig, out / "activations.png", dpi=90)
    return ["activations.png"]


def main(argv=None) -> dict:
    return system.main(
        "activations",
        argv,
        get_config=get_config,
        run=run,
        plot=plot,
        report=report,
        description=__doc__,
    )


if __name__ == "__main__":
    main()
