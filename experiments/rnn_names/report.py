"""The measured section of rnn_names' README, from its results.json record (no jax)."""

from experiments import _system as system


def by_label(record: dict) -> dict:
    return {m["label"]: m for m in record["results"]["models"]}


def best(model: dict) -> tuple[float, int]:
    """The lowest held-out loss along training and its epoch (shown, never used to stop)."""
    row = min(model["history"], key=lambda row: row["test_loss"])
    return row["test_loss"], row["epoch"]


def report(record: dict) -> str:
    r = record["results"]
    config = record["config"]
    rows = [
        [
            f"`{m['label']}`",
            f"{m['num_params']:,}",
            f"**{m['heldout_nats_per_char']:.3f}**",
            f"{m['train_nats_per_char']:.3f}",
            f"{m['history'][0]['test_loss']:.3f}",
            "{:.3f} (epoch {})".format(*best(m)),
            system.pct(m["novel_fraction"]),
            system.pct(m["novel_fraction_vs_all_names"]),
            f"{m['seconds']:.0f} s",
        ]
        for m in r["models"]
    ]
    models = system.table(
        [
            "model",
            "parameters",
            "held-out nats/char",
            "train",
            "held-out after epoch 1",
            "lowest held-out",
            "samples not in train",
            "in neither split",
            "training",
        ],
        rows,
    )
    baselines = (
        f"{r['train_names']:,} training names, {r['test_names']:,} held out; "
        f"{config['epochs']} epochs each. Baselines on the held-out characters: the training "
        f"split's character frequencies (unigram) score {r['unigram_nats_per_char']:.3f} "
        f"nats/char, a uniform guess over the {r['vocab_size']} tokens "
        f"{r['uniform_nats_per_char']:.3f}."
    )
    samples = "\n".join(
        f"- `{m['label']}` ({m['num_samples']:,} non-empty names): " + " ".join(m["first_samples"])
        for m in r["models"]
    )
    h = r["hello"]
    hello_rows = [
        [
            str(s["step"]),
            f"`{s['input']}`",
            *[f"{s['probs'][c]:.3f}" for c in "helo"],
            f"`{s['top']}` ({s['p_top']:.3f})",
            f"`{s['target']}`",
        ]
        for s in h["steps"]
    ]
    hello = system.table(
        ["t", "input x_t", "p(h)", "p(e)", "p(l)", "p(o)", "top prediction", "target"],
        hello_rows,
        align="llrrrrll",
    )
    return (
        models
        + "\n\n"
        + baselines
        + "\n\nThe first 20 samples of each (all of them in `samples.txt`):\n\n"
        + samples
        + "\n\n"
        + f"**hello**: a simple RNN with {config['hello_hidden']} hidden units "
        f"({h['num_params']} parameters) after {config['hello_steps']} Adam steps "
        f"(final loss {h['final_loss']:.4f} nats/char) reads `hell` as "
        f"**`{h['prediction']}`**; its output o_t = softmax(V s_t) at each step:\n\n"
        + hello
        + "\n\n"
        + system.figures(record)
    )
