"""Character-level GRU language model on names: train, measure held-out nats/char, sample names.

python experiments/char_rnn/main.py --data-dir /work/shared/data --out runs/char_rnn
"""

import argparse
import dataclasses
import json
import os
import sys
import time
from pathlib import Path

import jax
import jax.numpy as jnp
import matplotlib
import numpy as np
import optax

try:  # python -m experiments.char_rnn.main, or imported by the tests
    from .config import get_config
except ImportError:  # python experiments/char_rnn/main.py
    sys.path.insert(0, str(Path(__file__).parent))
    from config import get_config

from jaxnets import data, models
from jaxnets.train import FitConfig, Objective, fit, init_state

matplotlib.use("Agg")
import matplotlib.pyplot as plt

# --quick trains on these instead of names.txt, so the smoke test needs no data files.
QUICK_NAMES = (
    "emma olivia ava isabella sophia mia charlotte amelia harper evelyn abigail emily "
    "ella elizabeth camila luna sofia avery mila aria scarlett penelope layla chloe "
    "victoria madison eleanor grace nora riley zoey hannah hazel lily ellie violet"
).split()


def plot_curves(history: list[dict], path: Path) -> None:
    fig, ax = plt.subplots(figsize=(6, 4))
    steps = [row["step"] for row in history]
    ax.plot(steps, [row["train_loss"] for row in history], label="train (epoch mean)")
    ax.plot(steps, [row["test_loss"] for row in history], label="held-out")
    ax.axhline(2.2, color="gray", linestyle="--", linewidth=0.8, label="2.2 target")
    ax.set(xlabel="step", ylabel="nats / character", title="char-level GRU on names")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", default=os.environ.get("JAXNETS_DATA_DIR"))
    parser.add_argument("--out", type=Path, default=Path("runs/char_rnn"))
    parser.add_argument("--quick", action="store_true", help="30 steps on embedded names")
    args = parser.parse_args(argv)
    config = get_config(quick=args.quick)
    args.out.mkdir(parents=True, exist_ok=True)
    data_dir = args.data_dir
    if args.quick:
        data_dir = args.out / "quick_names.txt"
        data_dir.write_text("\n".join(QUICK_NAMES) + "\n")
    start = time.perf_counter()
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
        model,
        tx,
        objective,
        dataset.input_shape,
        key=jax.random.key(config.seed),
        dtype=jnp.int32,
    )
    fit_config = FitConfig(
        epochs=config.epochs,
        batch_size=config.batch_size,
        seed=config.seed,
        progress=not args.quick,
    )
    result = fit(state, train, test, fit_config)
    state, history = result.state, result.history
    for row in history:
        print(
            f"epoch {row['epoch']} (step {row['step']}): train {row['train_loss']:.3f}, "
            f"held-out {row['test_loss']:.3f} nats/char"
        )
    train_seconds = time.perf_counter() - start

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
    novel = sum(name not in train_names for name in names) / max(len(names), 1)
    novel_all = sum(name not in all_names for name in names) / max(len(names), 1)

    plot_curves(history, args.out / "loss_curve.png")
    (args.out / "samples.txt").write_text("\n".join(names) + "\n")
    summary = {
        "config": dataclasses.asdict(config),
        "num_params": int(sum(p.size for p in jax.tree.leaves(state.params))),
        "train_names": len(train["x"]),
        "test_names": len(test["x"]),
        "heldout_nats_per_char": history[-1]["test_loss"],
        "train_nats_per_char": history[-1]["train_loss"],
        "train_s": train_seconds,
        "num_samples": len(names),
        "novel_fraction": novel,
        "novel_fraction_vs_all_names": novel_all,
        "history": history,
    }
    (args.out / "metrics.json").write_text(json.dumps(summary, indent=2))
    print(
        f"held-out {summary['heldout_nats_per_char']:.3f} nats/char after "
        f"{history[-1]['step']} steps "
        f"({train_seconds:.0f} s); {novel:.1%} of {len(names)} samples are not training "
        f"names ({novel_all:.1%} in no split)"
    )
    print("samples:", " ".join(names[:20]))
    return summary


if __name__ == "__main__":
    main()
