"""Character-level GRU language model on names: train, measure held-out nats/char, sample names."""

from pathlib import Path

import jax
import jax.numpy as jnp
import matplotlib
import numpy as np
import optax

from experiments import _system as system
from experiments.char_rnn.config import CharRNNConfig, get_config
from experiments.char_rnn.report import report
from jaxnets import data, models, plots
from jaxnets.train import FitConfig, Objective, fit, init_state

matplotlib.use("Agg")
import matplotlib.pyplot as plt

# --quick trains on these instead of names.txt, so the smoke test needs no data files.
QUICK_NAMES = (
    "emma olivia ava isabella sophia mia charlotte amelia harper evelyn abigail emily "
    "ella elizabeth camila luna sofia avery mila aria scarlett penelope layla chloe "
    "victoria madison eleanor grace nora riley zoey hannah hazel lily ellie violet"
).split()


def run(config: CharRNNConfig, data_dir: str | None, out: Path) -> dict:
    if config.quick_names:
        data_dir = out / "quick_names.txt"
        data_dir.write_text("\n".join(QUICK_NAMES) + "\n")
    dataset = data.load_dataset("names", data_dir=data_dir, seed=config.seed)
    train, test = dataset.train, dataset.test
    model = models.CharLM(
        vocab_size=dataset.num_classes, hidden=config.hidden, cell=config.cell, embed=config.embed
    )
    total_steps = config.epochs * (len(train["x"]) // config.batch_size)
    tx = optax.adam(optax.cosine_decay_schedule(config.learning_rate, total_steps, alpha=0.05))
    # The sequence loss counts each name's real characters only (its "length"), and examples
    # weigh by their length: train and test losses are nats per character.
    objective = Objective(loss="sequence_softmax_cross_entropy", input_key="x")
    state = init_state(
        model, tx, objective, dataset.input_shape, key=jax.random.key(config.seed), dtype=jnp.int32
    )
    fit_config = FitConfig(
        epochs=config.epochs, batch_size=config.batch_size, seed=config.seed, progress=False
    )
    result = fit(state, train, test, fit_config)
    state, history = result.state, result.history

    prefix = jnp.full((config.num_samples, 1), data.END_TOKEN, jnp.int32)  # the start token
    tokens = models.sample(
        model,
        state.params,
        key=jax.random.key(config.seed + 1),
        prefix=prefix,
        length=dataset.input_shape[0],
        temperature=config.temperature,
        stop_token=data.END_TOKEN,
    )
    names = [data.decode_name(row) for row in np.asarray(tokens)]
    names = [name for name in names if name]
    train_names = {data.decode_name(row) for row in train["label"]}
    all_names = train_names | {data.decode_name(row) for row in test["label"]}
    (out / "samples.txt").write_text("\n".join(names) + "\n")
    return {
        "num_params": int(sum(p.size for p in jax.tree.leaves(state.params))),
        "train_names": len(train["x"]),
        "test_names": len(test["x"]),
        "heldout_nats_per_char": history[-1]["test_loss"],
        "train_nats_per_char": history[-1]["train_loss"],
        "num_samples": len(names),
        "novel_fraction": sum(n not in train_names for n in names) / max(len(names), 1),
        "novel_fraction_vs_all_names": sum(n not in all_names for n in names) / max(len(names), 1),
        "first_samples": names[:20],
        "history": [
            {k: row[k] for k in ("epoch", "step", "train_loss", "test_loss")} for row in history
        ],
    }


def plot(record: dict, out: Path) -> list[str]:
    history = record["results"]["history"]
    fig, ax = plt.subplots(figsize=(6, 4))
    steps = [row["step"] for row in history]
    ax.plot(steps, [row["train_loss"] for row in history], label="train (epoch mean)")
    ax.plot(steps, [row["test_loss"] for row in history], label="held-out")
    ax.set(xlabel="step", ylabel="nats / character", title="char-level GRU on names")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    plots.save_figure(fig, out / "loss_curve.png", dpi=100)
    return ["loss_curve.png"]


def main(argv=None) -> dict:
    return system.main(
        "char_rnn",
        argv,
        get_config=get_config,
        run=run,
        plot=plot,
        report=report,
        description=__doc__,
    )


if __name__ == "__main__":
    main()
